package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import cairn.auth.Level.Kind;
import cairn.auth.Level;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

/**
 * Users who are not super-admins administer what they were given, in headless Chromium: a repository-group admin edits
 * the group, grants read on it with apply-to-children (the git CLI clones at once), makes a sub-group, and meets 403
 * everywhere else; a user-group admin adds a member. The fork link on a summary follows the fork right.
 */
class AdminDelegationIT extends UiTest {
    static User gina;
    static User olga;
    static User uadm;
    static RepoGroup team;
    static RepoGroup other;
    static RepoGroup hidden;
    static UserGroup crew;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        gina = site.user("gina", "gina-pw");
        olga = site.user("olga", "olga-pw");
        uadm = site.user("uadm", "uadm-pw");
        var groups = site.services.groups;
        var perms = site.services.permissions;
        team = groups.create("team", "", site.admin, null, false);
        other = groups.create("other", "", site.admin, null, false);
        hidden = groups.create("hidden", "", site.admin, null, false);
        perms.grantUser(Kind.GROUP, hidden.id(), site.defaultUser(), Level.NONE);
        perms.grantUser(Kind.GROUP, team.id(), gina, Level.ADMIN);
        site.repo("team/app", site.admin, true);
        site.repo("pub", site.admin, false);
        crew = site.services.userGroups.create("crew", "", site.admin, true);
        perms.grantUser(Kind.USERGROUP, crew.id(), uadm, Level.ADMIN);
        // the fork right: nobody by default, olga by her own grant
        perms.setGlobal(site.defaultUser(), "hg.fork.none");
        perms.setOwnGlobal(false, olga.id(), "hg.fork", "hg.fork.repository");
        return site.war();
    }

    private static List<String> options(String selectId) {
        return new Select(browser.driver.findElement(By.id(selectId))).getOptions().stream()
                .map(WebElement::getText).toList();
    }

    private static final String GINA = Http.basic("gina", "gina-pw");

    @Test
    void aRepositoryGroupAdminManagesTheirGroupAndNothingElse() throws Exception {
        Path work = site.git.workTree(site.dir.resolve("work-app"), "first");
        site.git.run(work, "push", "-q", remote("admin", TestSite.ADMIN_PASSWORD, "team/app"),
                "HEAD:refs/heads/main").expectOk();
        assertFalse(site.git.run(site.dir, "ls-remote", remote("olga", "olga-pw", "team/app")).ok(), "private");

        signIn("gina", "gina-pw");
        WebDriver d = browser.driver;
        d.get(url("_admin/my_account"));
        submit("nav-repo-groups");
        List<String> listed = d.findElements(By.cssSelector("#repo-groups tr[data-name]")).stream()
                .map(e -> e.getAttribute("data-name")).toList();
        assertEquals(List.of("team"), listed, "only the groups she administers");
        assertTrue(d.findElements(By.id("nav-user-groups")).isEmpty(), "no user group of hers");

        d.findElement(By.cssSelector("#repo-groups tr[data-name='team'] a")).click();
        awaitText(By.tagName("h1"), "Repository group team");
        assertEquals(List.of("(top level)"), options("parent"), "a top-level group stays where it is");
        type("description", "Team G");
        submit("save-repo-group");
        awaitText(By.id("flash"), "Saved repository group team");
        assertEquals("Team G", site.services.groups.byId(team.id()).orElseThrow().description());

        submit("permissions-tab");
        new Select(d.findElement(By.id("grantee_type"))).selectByValue("user");
        type("grantee", "olga");
        new Select(d.findElement(By.id("level"))).selectByValue("read");
        new Select(d.findElement(By.id("apply_to_children"))).selectByValue("all");
        submit("grant");
        awaitText(By.id("flash"), "Granted read to olga");
        type("grantee", "gina");
        new Select(d.findElement(By.id("level"))).selectByValue("write");
        submit("grant");
        awaitText(By.id("error-grantee"), "cannot lower your own admin level");
        assertEquals(Level.ADMIN, site.services.permissions.of(gina, site.defaultUser()).group(team.id()));
        Path clone = site.dir.resolve("olga-app");
        site.git.run(site.dir, "clone", "-q", remote("olga", "olga-pw", "team/app"), clone.toString()).expectOk();
        assertEquals(site.git.head(work), site.git.head(clone), "olga clones the private repository inside");

        d.get(url("_admin/repo_groups"));
        assertFalse(options("parent").contains("(top level)"), "top-level groups are for super-admins");
        assertFalse(options("parent").contains("other"));
        type("group_name", "sub");
        new Select(d.findElement(By.id("parent"))).selectByVisibleText("team");
        submit("create-repo-group");
        awaitText(By.id("flash"), "Created repository group team/sub");
        RepoGroup sub = site.services.groups.byName("team/sub").orElseThrow();
        assertEquals(Level.ADMIN, site.services.permissions.of(gina, site.defaultUser()).group(sub.id()));

        d.get(url("_admin/repos/new?group=" + team.id()));
        type("repo_name", "tool");
        submit("create-repo");
        awaitText(By.id("flash"), "Created repository team/tool");
        Repo tool = site.services.repos.byName("team/tool").orElseThrow();
        assertEquals(gina.id(), tool.ownerId());

        for (String page : List.of("_admin/users", "_admin", "_admin/repos", "_admin/permissions",
                "_admin/user_groups", "_admin/repo_groups/" + other.id(),
                "_admin/repo_groups/" + other.id() + "/permissions")) {
            assertEquals(403, Http.get(base, page, GINA).statusCode(), page);
        }
        assertEquals(404, Http.get(base, "_admin/repo_groups/" + hidden.id(), GINA).statusCode(), "unreadable");
        assertEquals(200, Http.get(base, "_admin/repo_groups/" + team.id() + "/permissions", GINA).statusCode());
        assertEquals(403, Http.get(base, "_admin/repo_groups", Http.basic("olga", "olga-pw")).statusCode(),
                "olga administers no group");
    }

    @Test
    void aUserGroupAdminAddsAMember() throws Exception {
        signIn("uadm", "uadm-pw");
        WebDriver d = browser.driver;
        d.get(url("_admin/my_account"));
        submit("nav-user-groups");
        assertEquals(List.of("crew"), d.findElements(By.cssSelector("#user-groups tr[data-name]")).stream()
                .map(e -> e.getAttribute("data-name")).toList());
        assertTrue(d.findElements(By.id("user-group-form")).isEmpty(), "no create form without the create right");
        d.findElement(By.cssSelector("#user-groups tr[data-name='crew'] a")).click();
        awaitText(By.tagName("h1"), "User group crew");
        assertTrue(d.findElements(By.id("globals-form")).isEmpty(), "global permissions stay with super-admins");
        type("username", "olga");
        submit("add-member");
        awaitText(By.id("members"), "olga");
        assertTrue(site.services.userGroups.members(crew).stream().anyMatch(u -> u.username().equals("olga")));
        assertEquals(403, Http.get(base, "_admin/users", Http.basic("uadm", "uadm-pw")).statusCode());
        assertEquals(403, Http.get(base, "_admin/repo_groups", Http.basic("uadm", "uadm-pw")).statusCode());
    }

    @Test
    void theForkLinkFollowsTheForkRight() throws Exception {
        assertFalse(Http.get(base, "pub", null).body().contains("id=\"fork-link\""), "anonymous");
        assertFalse(Http.get(base, "pub", GINA).body().contains("id=\"fork-link\""), "no fork right");
        signIn("olga", "olga-pw");
        WebDriver d = browser.driver;
        d.get(url("pub"));
        submit("fork-link");
        awaitText(By.tagName("h1"), "Fork pub");
        type("repo_name", "pub-olga");
        submit("create-fork");
        awaitText(By.id("flash"), "Forked pub as pub-olga");
        d.get(url("pub-olga"));
        awaitText(By.id("forked-from"), "Forked from pub");
    }
}
