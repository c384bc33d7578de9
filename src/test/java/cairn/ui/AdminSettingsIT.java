package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import cairn.auth.User;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;

/**
 * The settings page (title, realm, clone URL template over the ini's), remap and rescan, the system page and
 * self-registration, in headless Chromium, with the Git endpoint and the services underneath as witnesses.
 */
class AdminSettingsIT extends UiTest {
    static Path reposDir;
    static Path doomed;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        User owner = site.user("owner", "owner-pw");
        site.repo("pub", owner, false);
        doomed = site.services.repos.folder(site.repo("doomed", owner, false));
        reposDir = site.services.settings.reposDir();
        return site.war();
    }

    private HttpResponse<String> gitAdvert(String repo) throws Exception {
        return Http.get(base, repo + ".git/info/refs?service=git-upload-pack", Http.basic("owner", "wrong"));
    }

    @Test
    void settingsRescanSystemAndRegistration() throws Exception {
        WebDriver d = browser.driver;
        // before: the ini's values
        assertEquals("Basic realm=\"Cairn Test\"", gitAdvert("pub").headers().firstValue("WWW-Authenticate")
                .orElse(""));
        assertEquals(403, Http.get(base, "_admin/settings", Http.basic("owner", "owner-pw")).statusCode(),
                "administrators only");
        assertEquals(403, Http.get(base, "_admin/settings/system", Http.basic("owner", "owner-pw")).statusCode());

        signIn("admin", TestSite.ADMIN_PASSWORD);
        d.get(url("_admin/settings"));
        assertTrue(d.getTitle().endsWith("· Cairn"), d.getTitle());
        // a refusal leaves everything as it was
        type("title", "Forge Test");
        type("realm", "say \"hi\"");
        submit("save-settings");
        awaitText(By.id("error-realm"), "ASCII");
        assertTrue(d.getTitle().endsWith("· Cairn"), "nothing saved: " + d.getTitle());
        type("realm", "Forge Realm");
        type("clone_uri_tmpl", "https://clone.example.com/{repo}.git");
        submit("save-settings");
        awaitText(By.id("flash"), "Saved");
        assertTrue(d.getTitle().endsWith("· Forge Test"), d.getTitle());
        assertEquals("Forge Test", d.findElement(By.className("brand")).getText());
        assertEquals("Basic realm=\"Forge Realm\"", gitAdvert("pub").headers().firstValue("WWW-Authenticate")
                .orElse(""));
        d.get(url("pub"));
        assertEquals("https://clone.example.com/pub.git", d.findElement(By.id("clone-url")).getAttribute("value"));

        // back to the ini's title; the others stay
        d.get(url("_admin/settings"));
        submit("reset-title");
        awaitText(By.id("flash"), "ini's again");
        assertTrue(d.getTitle().endsWith("· Cairn"), d.getTitle());
        assertEquals("Forge Realm", d.findElement(By.id("realm")).getAttribute("value"));

        // remap and rescan: a bare repository made on disk comes in, one whose folder went goes out
        assertEquals(0, site.git.run(reposDir, "init", "--bare", "-q", "team/ondisk.git").exit());
        try (Stream<Path> files = Files.walk(doomed)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertFalse(Files.exists(doomed));
        d.findElement(By.id("remove_obsolete")).click();
        submit("rescan");
        awaitText(By.id("rescan-added"), "team/ondisk");
        assertEquals("doomed", text("rescan-removed"));
        assertTrue(site.services.repos.byName("team/ondisk").isPresent());
        assertTrue(site.services.repos.byName("doomed").isEmpty());

        // system page
        d.get(url("_admin/settings/system"));
        String jgit = org.eclipse.jgit.lib.Repository.class.getPackage().getImplementationVersion();
        assertTrue(text("sys-jgit").contains(jgit), text("sys-jgit"));
        assertFalse(text("sys-jdbc-url").isEmpty());
        assertEquals("Repositories 2", text("sys-repo-count"), "pub and team/ondisk");

        // registration off: 404, and no link on the login page
        User def = site.defaultUser();
        site.services.permissions.setGlobal(def, "hg.register.none");
        assertEquals(404, Http.get(base, "_admin/register", null).statusCode());
        assertFalse(Http.get(base, "_admin/login", null).body().contains("id=\"register\""));

        // manual activation: the new user exists but cannot sign in
        site.services.permissions.setGlobal(def, "hg.register.manual_activate");
        d.manage().deleteAllCookies();
        d.get(url("_admin/login"));
        submit("register");
        type("username", "owner");
        type("password", "short");
        type("password_confirmation", "short");
        type("email", "newbie@example.com");
        submit("register-submit");
        awaitText(By.id("error-password"), "At least 6");
        type("password", "newbie-pw1");
        type("password_confirmation", "newbie-pw1");
        submit("register-submit");
        awaitText(By.id("error-username"), "taken");
        type("username", "newbie");
        type("password", "newbie-pw1");
        type("password_confirmation", "newbie-pw1");
        submit("register-submit");
        awaitText(By.id("registered"), "administrator must activate");
        assertFalse(site.services.users.byUsername("newbie").orElseThrow().active());
        d.get(url("_admin/login"));
        type("username", "newbie");
        type("password", "newbie-pw1");
        submit("sign-in");
        awaitText(By.id("login-error"), "Invalid username or password");

        // automatic activation: the new user signs in
        site.services.permissions.setGlobal(def, "hg.register.auto_activate");
        d.get(url("_admin/register"));
        type("username", "newbie2");
        type("password", "newbie-pw2");
        type("password_confirmation", "newbie-pw2");
        type("email", "newbie2@example.com");
        type("firstname", "New");
        submit("register-submit");
        awaitText(By.id("registered"), "is ready");
        signIn("newbie2", "newbie-pw2");
        assertEquals("New", site.services.users.byUsername("newbie2").orElseThrow().firstname());
        assertEquals(403, Http.get(base, "_admin/settings", Http.basic("newbie2", "newbie-pw2")).statusCode());
    }
}
