package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import cairn.auth.Level.Kind;
import cairn.auth.Level;
import cairn.auth.User;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;
import cairn.vcs.Repo;

/**
 * Repositories, repository groups, user groups and default permissions administered in headless Chromium; every
 * permission change is checked with the git CLI on the very next request.
 */
class AdminReposIT extends UiTest {
    static User dev;
    static User erin;
    static Repo core;
    static Repo pub;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        dev = site.user("dev", "dev-pw");
        erin = site.user("erin", "erin-pw");
        core = site.repo("lib/core", site.admin, true);
        pub = site.repo("pub", site.admin, false);
        site.repo("origin", site.admin, true);
        return site.war();
    }

    private static void choose(String id, String visibleText) {
        new Select(browser.driver.findElement(By.id(id))).selectByVisibleText(visibleText);
    }

    private static void click(String id) {
        browser.driver.findElement(By.id(id)).click();
    }

    private boolean canRead(String user, String password, String repo) throws Exception {
        return site.git.run(site.dir, "ls-remote", remote(user, password, repo)).ok();
    }

    private Path reposDir() {
        return site.services.settings.reposDir();
    }

    /** Grants through the permissions form the page shows. */
    private void grant(String type, String name, String level, String applyTo) {
        new Select(browser.driver.findElement(By.id("grantee_type"))).selectByValue(type);
        type("grantee", name);
        new Select(browser.driver.findElement(By.id("level"))).selectByValue(level);
        if (applyTo != null) {
            new Select(browser.driver.findElement(By.id("apply_to_children"))).selectByValue(applyTo);
        }
        submit("grant");
    }

    @Test
    void createRepositoryGrantRenameAndDelete() throws Exception {
        signInAsAdmin();
        WebDriver d = browser.driver;
        d.get(url("_admin/repo_groups"));
        type("group_name", "bad name");
        submit("create-repo-group");
        awaitText(By.id("error-group_name"), "Letters, digits");
        type("group_name", "team");
        submit("create-repo-group");
        awaitText(By.id("flash"), "Created repository group team");
        d.get(url("_admin/repo_groups"));
        type("group_name", "team");
        submit("create-repo-group");
        awaitText(By.id("error-group_name"), "team already exists");
        assertTrue(Files.isDirectory(reposDir().resolve("team")));

        d.get(url("_admin/repos/new"));
        type("repo_name", "bad name");
        choose("repo_group", "team");
        submit("create-repo");
        awaitText(By.id("error-repo_name"), "Letters, digits");
        assertTrue(site.services.repos.byName("team/bad name").isEmpty());
        type("repo_name", "app");
        type("description", "The <b>app</b>");
        click("private");
        submit("create-repo");
        awaitText(By.id("flash"), "Created repository team/app");
        Repo app = site.services.repos.byName("team/app").orElseThrow();
        assertTrue(app.isPrivate());
        assertNotNull(site.services.repos.folder(app), "folder made");
        browser.screenshot("admin-10-repo-settings");

        Path work = site.git.workTree(site.dir.resolve("work-app"), "first");
        site.git.run(work, "push", "-q", remote("admin", TestSite.ADMIN_PASSWORD, "team/app"), "HEAD:refs/heads/main")
                .expectOk();
        assertFalse(canRead("dev", "dev-pw", "team/app"), "private: dev sees nothing");

        submit("permissions-tab");
        grant("user", "nobody", "read", null);
        awaitText(By.id("error-grantee"), "No user nobody");
        grant("user", "dev", "read", null);
        awaitText(By.id("flash"), "Granted read to dev");
        assertTrue(canRead("dev", "dev-pw", "team/app"), "read takes effect at once");
        Path devWork = site.dir.resolve("dev-app");
        site.git.run(site.dir, "clone", "-q", remote("dev", "dev-pw", "team/app"), devWork.toString()).expectOk();
        site.git.commit(devWork, "by dev");
        assertFalse(site.git.run(devWork, "push", "-q", "origin", "HEAD:refs/heads/main").ok(), "read only");
        grant("user", "dev", "write", null);
        awaitText(By.id("flash"), "Granted write to dev");
        site.git.run(devWork, "push", "-q", "origin", "HEAD:refs/heads/main").expectOk();
        assertEquals("write", d.findElement(By.cssSelector("#grants tr[data-name='dev'] td.level")).getText());
        browser.screenshot("admin-11-repo-permissions");
        submit("revoke-user-dev");
        awaitText(By.id("flash"), "Revoked");
        assertFalse(canRead("dev", "dev-pw", "team/app"), "revoked at once");
        grant("user", "default", "read", null);
        awaitText(By.id("error-grantee"), "private");

        // rename and move to the top level: database and disk together; a name taken there is refused first
        d.get(url("team/app/settings"));
        type("repo_name", "origin");
        choose("repo_group", "(top level)");
        submit("save-settings");
        awaitText(By.id("error-repo_name"), "origin already exists");
        type("repo_name", "app2");
        choose("repo_group", "(top level)");
        click("private");
        submit("save-settings");
        awaitText(By.id("flash"), "Saved the settings of app2");
        Repo moved = site.services.repos.byName("app2").orElseThrow();
        assertFalse(moved.isPrivate());
        assertTrue(site.services.repos.byName("team/app").isEmpty());
        Path folder = site.services.repos.folder(moved);
        assertEquals(reposDir(), folder.getParent(), "moved to the top on disk too");
        assertTrue(folder.getFileName().toString().startsWith("app2"), folder.toString());
        assertFalse(canRead("dev", "dev-pw", "app2"), "public, but the default level stayed none (Kallithea's rule)");
        submit("permissions-tab");
        grant("user", "default", "read", null);
        awaitText(By.id("flash"), "Granted read to default");
        assertTrue(canRead("dev", "dev-pw", "app2"), "readable by everyone now");
        d.get(url("app2/settings"));

        submit("delete-repo");
        awaitText(By.id("flash"), "Deleted repository app2");
        assertTrue(site.services.repos.byName("app2").isEmpty());
        try (Stream<Path> s = Files.list(reposDir())) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("rm__") && n.endsWith("app2")), names.toString());
            assertFalse(names.contains("app2") || names.contains("app2.git"), names.toString());
        }
    }

    @Test
    void importFromAUrlAndFork() throws Exception {
        Path work = site.git.workTree(site.dir.resolve("work-origin"), "one", "two");
        site.git.run(work, "push", "-q", remote("admin", TestSite.ADMIN_PASSWORD, "origin"), "HEAD:refs/heads/main")
                .expectOk();
        String head = site.git.head(work);
        signInAsAdmin();
        WebDriver d = browser.driver;
        d.get(url("_admin/repos/new"));
        type("repo_name", "origin");
        submit("create-repo");
        awaitText(By.id("error-repo_name"), "origin already exists");
        type("repo_name", "imported");
        type("clone_uri", "file:///etc");
        submit("create-repo");
        awaitText(By.id("error-clone_uri"), "http(s) or git://");
        // the import itself runs in the background, its page says how it ends (more in AdminImportIT)
        type("clone_uri", "http://127.0.0.1:1/nothing.git");
        submit("create-repo");
        awaitText(By.id("import-error"), "connection refused");
        assertTrue(site.services.repos.byName("imported").isEmpty(), "nothing made");
        d.get(url("_admin/repos/new"));
        type("repo_name", "imported");
        type("clone_uri", remote("admin", "wrong-password", "origin"));
        submit("create-repo");
        awaitText(By.id("import-error"), "authentication failed");
        assertFalse(d.findElement(By.tagName("main")).getText().contains("wrong-password"), "password hidden");
        d.get(url("_admin/repos/new"));
        type("repo_name", "imported");
        type("clone_uri", remote("admin", TestSite.ADMIN_PASSWORD, "origin"));
        submit("create-repo");
        awaitText(By.id("import-state"), "Imported imported");
        Repo imported = site.services.repos.byName("imported").orElseThrow();
        assertEquals(head, site.services.repos.refs(imported).branches().get("main"));

        site.git.commit(work, "three");
        site.git.run(work, "push", "-q", remote("admin", TestSite.ADMIN_PASSWORD, "origin"), "HEAD:refs/heads/main")
                .expectOk();
        head = site.git.head(work);
        d.get(url("imported/settings"));
        submit("pull");
        awaitText(By.id("import-state"), "Pulled into imported");
        assertEquals(head, site.services.repos.refs(imported).branches().get("main"), "pulled from the remote");
        d.get(url("imported/settings"));
        new Select(d.findElement(By.id("landing_rev"))).selectByValue("branch:main");
        submit("save-settings");
        awaitText(By.id("flash"), "Saved the settings of imported");
        assertEquals("branch:main", site.services.repos.byName("imported").orElseThrow().landingRevision());

        d.get(url("_admin/repos"));
        d.findElement(By.cssSelector("#admin-repos tr[data-name='imported'] a[href$='/fork']")).click();
        awaitText(By.cssSelector("h1"), "Fork imported");
        type("repo_name", "imported-fork");
        submit("create-fork");
        awaitText(By.id("flash"), "Forked imported as imported-fork");
        Repo fork = site.services.repos.byName("imported-fork").orElseThrow();
        assertEquals(imported.id(), fork.forkId());
        assertEquals(head, site.services.repos.refs(fork).branches().get("main"));

        // the admin journal, filtered
        d.get(url("_admin?repo=imported-fork&action=user_created"));
        String journal = d.findElement(By.id("admin-journal")).getText();
        assertTrue(journal.contains("user_created_fork") && !journal.contains("user_created_repo"), journal);
        d.get(url("_admin?user=admin&action=pull&to=2000-01-01"));
        assertTrue(d.findElement(By.id("admin-journal")).getText().contains("Nothing matches"));
        d.get(url("_admin?from=yesterday"));
        assertTrue(d.findElement(By.id("error-from")).getText().contains("YYYY-MM-DD"));

        // a repository with forks: deletion asks what to do with them
        d.get(url("imported/settings"));
        submit("delete-repo");
        awaitText(By.id("error-delete"), "forks");
        assertTrue(site.services.repos.byName("imported").isPresent(), "nothing deleted");
        click("forks-detach");
        submit("delete-repo");
        awaitText(By.id("flash"), "Deleted repository imported");
        assertEquals(null, site.services.repos.byName("imported-fork").orElseThrow().forkId(), "fork detached");
    }

    @Test
    void userGroupsRepositoryGroupsAndDefaults() throws Exception {
        signInAsAdmin();
        WebDriver d = browser.driver;
        d.get(url("_admin/user_groups"));
        type("group_name", "devs");
        submit("create-user-group");
        awaitText(By.id("flash"), "Created user group devs");
        type("username", "nobody");
        submit("add-member");
        awaitText(By.id("error-username"), "No user nobody");
        type("username", "erin");
        submit("add-member");
        awaitText(By.id("members"), "erin");
        assertFalse(canRead("erin", "erin-pw", "lib/core"));
        new Select(d.findElement(By.id("global-create_user_group"))).selectByValue("hg.usergroup.create.true");
        submit("save-globals");
        awaitText(By.id("flash"), "Saved the global permissions of devs");
        assertTrue(site.services.permissions.of(erin, site.defaultUser()).global()
                .contains("hg.usergroup.create.true"), "members inherit the group's global permissions");

        long libId = site.services.groups.byName("lib").orElseThrow().id();
        d.get(url("_admin/repo_groups/" + libId + "/permissions"));
        grant("user_group", "devs", "write", "all");
        awaitText(By.id("flash"), "Granted write to devs");
        assertEquals(Level.WRITE, site.services.permissions.of(erin, site.defaultUser()).repo(core.id()),
                "applied to the repositories inside");
        assertTrue(canRead("erin", "erin-pw", "lib/core"), "through the user group, at once");
        browser.screenshot("admin-12-group-permissions");

        d.get(url("_admin/user_groups"));
        d.get(url("_admin/user_groups/" + site.services.userGroups.byName("devs").orElseThrow().id()));
        submit("delete-user-group");
        awaitText(By.id("error-delete"), "User Group assigned to lib/core");
        submit("remove-erin");
        awaitText(By.id("flash"), "Removed erin from devs");
        assertFalse(canRead("erin", "erin-pw", "lib/core"), "membership gone, access gone");

        d.get(url("_admin/repo_groups/" + libId));
        submit("delete-repo-group");
        awaitText(By.id("error-delete"), "not empty");
        assertTrue(site.services.groups.byName("lib").isPresent());

        // default permissions: anonymous access off, then the default level with "overwrite existing"
        assertEquals(200, Http.get(base, "pub", null).statusCode());
        d.get(url("_admin/permissions"));
        click("anonymous");
        submit("save-defaults");
        awaitText(By.id("flash"), "Saved the default permissions");
        assertFalse(site.defaultUser().active());
        assertEquals(404, Http.get(base, "pub", null).statusCode(), "anonymous access off");
        assertTrue(canRead("dev", "dev-pw", "pub"), "signed-in users still read public repositories");
        click("anonymous");
        new Select(d.findElement(By.id("default_repo_perm"))).selectByValue("repository.none");
        click("overwrite_default_repo_perm");
        submit("save-defaults");
        awaitText(By.id("flash"), "Saved the default permissions");
        assertTrue(site.defaultUser().active());
        assertFalse(canRead("dev", "dev-pw", "pub"), "the default level is now none everywhere");
        assertTrue(site.services.permissions.userMembers(Kind.REPOSITORY, pub.id()).stream()
                .anyMatch(m -> m.name().equals("default") && m.permissionName().equals("repository.none")));
        browser.screenshot("admin-13-defaults");
        new Select(d.findElement(By.id("default_repo_perm"))).selectByValue("repository.read");
        click("overwrite_default_repo_perm");
        submit("save-defaults");
        awaitText(By.id("flash"), "Saved the default permissions");
        assertTrue(canRead("dev", "dev-pw", "pub"));

        // move a repository group (and what is inside) into another one
        d.get(url("_admin/repo_groups"));
        type("group_name", "outer");
        submit("create-repo-group");
        awaitText(By.id("flash"), "Created repository group outer");
        d.get(url("_admin/repo_groups/" + libId));
        choose("parent", "outer");
        submit("save-repo-group");
        awaitText(By.id("flash"), "Saved repository group outer/lib");
        long outerId = site.services.groups.byName("outer").orElseThrow().id();
        d.get(url("_admin/repo_groups/" + outerId));
        // not offered, so forged: the service refuses it
        ((org.openqa.selenium.JavascriptExecutor) d).executeScript("var s = document.getElementById('parent');"
                + " var o = document.createElement('option'); o.value = arguments[0]; o.text = 'outer/lib';"
                + " s.add(o); s.value = arguments[0];", String.valueOf(libId));
        submit("save-repo-group");
        awaitText(By.id("error-parent"), "cannot move into itself");
        assertTrue(site.services.groups.byName("outer").isPresent(), "not moved");
        Repo movedCore = site.services.repos.byName("outer/lib/core").orElseThrow();
        assertTrue(site.services.repos.folder(movedCore).startsWith(reposDir().resolve("outer/lib")), "on disk too");
        assertTrue(site.services.repos.byName("lib/core").isEmpty());
    }
}
