package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import cairn.auth.User;
import cairn.testing.Http;
import cairn.testing.SiteTest;
import cairn.testing.TestSite;

/**
 * Who reaches the administration pages: anonymous visitors are sent to sign in, regular users get 403 on every
 * {@code /_admin} page but their own account, repository settings need admin on the repository, and posts need the
 * CSRF token.
 */
class AdminGateIT extends SiteTest {
    static User dev;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        dev = site.user("dev", "dev-pw");
        site.repo("mine", dev, false);
        site.repo("theirs", site.admin, false);
        site.repo("hidden", site.admin, true);
        return site.war();
    }

    private static List<String> adminPages() {
        return List.of("_admin", "_admin/users", "_admin/users/new", "_admin/users/" + dev.id(),
                "_admin/users/" + dev.id() + "/edit", "_admin/repos", "_admin/repos/new", "_admin/user_groups",
                "_admin/repo_groups", "_admin/permissions", "_admin/no-such-page");
    }

    private static final String ADMIN = Http.basic("admin", TestSite.ADMIN_PASSWORD);
    private static final String DEV = Http.basic("dev", "dev-pw");

    @Test
    void anonymousVisitorsAreSentToSignIn() throws Exception {
        for (String page : adminPages()) {
            HttpResponse<String> r = Http.get(base, page, null);
            assertEquals(302, r.statusCode(), page);
            assertTrue(r.headers().firstValue("Location").orElse("").contains("/_admin/login?came_from="), page);
        }
        assertEquals(302, Http.get(base, "_admin/my_account", null).statusCode());
        assertEquals(302, Http.get(base, "mine/settings", null).statusCode());
        assertEquals(200, Http.get(base, "_admin/login", null).statusCode());
        assertEquals(200, Http.get(base, "_admin/public_journal", null).statusCode());
    }

    @Test
    void regularUsersGet403OnEveryAdminPage() throws Exception {
        for (String page : adminPages()) {
            // the default user's hg.create.repository lets every user create a top-level repository
            assertEquals(page.equals("_admin/repos/new") ? 200 : 403, Http.get(base, page, DEV).statusCode(), page);
        }
        HttpResponse<byte[]> post = Http.post(base, "_admin/users/new", DEV, "application/x-www-form-urlencoded",
                "text/html", "username=sneaky&password=x&password_confirmation=x&active=on&admin=on"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(403, post.statusCode());
        assertTrue(site.services.users.byUsername("sneaky").isEmpty());
        assertEquals(200, Http.get(base, "_admin/journal", DEV).statusCode(), "journals stay open");
    }

    @Test
    void adminsReachEveryAdminPage() throws Exception {
        for (String page : adminPages()) {
            int expected = page.endsWith("no-such-page") ? 404 : 200;
            assertEquals(expected, Http.get(base, page, ADMIN).statusCode(), page);
        }
        assertEquals(404, Http.get(base, "_admin/users/" + site.defaultUser().id(), ADMIN).statusCode(),
                "the default user is edited on the default permissions page");
    }

    @Test
    void everyoneSignedInHasAnAccountPage() throws Exception {
        for (String page : List.of("_admin/my_account", "_admin/my_account/password", "_admin/my_account/repos",
                "_admin/my_account/perms")) {
            HttpResponse<String> r = Http.get(base, page, DEV);
            assertEquals(200, r.statusCode(), page);
        }
        assertTrue(Http.get(base, "_admin/my_account/repos", DEV).body().contains("mine"));
        assertTrue(Http.get(base, "_admin/my_account/perms", DEV).body().contains("repository.admin"));
    }

    @Test
    void repositorySettingsNeedAdminOnTheRepository() throws Exception {
        assertEquals(200, Http.get(base, "mine/settings", DEV).statusCode(), "the owner");
        assertEquals(200, Http.get(base, "mine/settings/permissions", DEV).statusCode());
        assertEquals(403, Http.get(base, "theirs/settings", DEV).statusCode(), "a reader");
        assertEquals(403, Http.get(base, "theirs/settings/permissions", DEV).statusCode());
        assertEquals(404, Http.get(base, "hidden/settings", DEV).statusCode(), "not even readable");
        assertEquals(200, Http.get(base, "hidden/settings", ADMIN).statusCode());
        assertEquals(200, Http.get(base, "theirs/fork", DEV).statusCode(), "readers with the fork right may fork");
        assertEquals(404, Http.get(base, "hidden/fork", DEV).statusCode());
        assertEquals(302, Http.get(base, "theirs/fork", null).statusCode(), "anonymous: sign in first");
    }

    @Test
    void postsWithoutTheTokenAreRefused() throws Exception {
        HttpResponse<byte[]> post = Http.post(base, "_admin/users/new", ADMIN, "application/x-www-form-urlencoded",
                "text/html", "username=nocsrf&password=x&password_confirmation=x".getBytes(StandardCharsets.UTF_8));
        assertEquals(403, post.statusCode());
        assertTrue(site.services.users.byUsername("nocsrf").isEmpty());
        HttpResponse<byte[]> settings = Http.post(base, "mine/settings", DEV, "application/x-www-form-urlencoded",
                "text/html", "repo_name=renamed&repo_group=".getBytes(StandardCharsets.UTF_8));
        assertEquals(403, settings.statusCode());
        assertTrue(site.services.repos.byName("mine").isPresent());
        HttpResponse<byte[]> withKey = Http.post(base, "_admin/my_account/api_key?api_key=" + dev.apiKey(), null,
                "application/x-www-form-urlencoded", "text/html", new byte[0]);
        assertEquals(302, withKey.statusCode(), "an API key needs no token");
    }
}
