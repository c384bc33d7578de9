package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import cairn.auth.Level;
import cairn.auth.User;
import cairn.auth.UserService.NewUser;
import cairn.journal.JournalEntry;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;
import cairn.vcs.Repo;

/**
 * Web editing in headless Chromium: a writer edits, adds and deletes a file on a branch; a fresh clone with the git CLI
 * shows the three commits by that user, the journal says push_local; a reader gets no buttons and a 403.
 */
class WebEditIT extends UiTest {
    static Repo app;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        User wes = site.services.users.create(new NewUser("wes", "wes@example.com", "wes-pw-1", "Wes", "Writer", true,
                false, null, null));
        User rob = site.user("rob", "rob-pw-1");
        app = site.repo("web/app", site.admin, true);
        Repo fresh = site.repo("web/fresh", site.admin, true);
        site.grant(fresh, wes, Level.WRITE);
        site.grant(app, wes, Level.WRITE);
        site.grant(app, rob, Level.READ);
        return site.war();
    }

    @Test
    void writerEditsAddsAndDeletesReaderMayNot() throws Exception {
        Path work = site.git.workTree(site.dir.resolve("work"), "readme", "notes");
        Files.write(work.resolve("logo.bin"), new byte[] {0, 1, 2, 0});
        site.git.run(work, "add", "-A").expectOk();
        site.git.run(work, "commit", "-q", "-m", "binary").expectOk();
        site.git.run(work, "push", "-q", remote("admin", TestSite.ADMIN_PASSWORD, "web/app"), "HEAD:refs/heads/main")
                .expectOk();
        WebDriver d = browser.driver;
        signIn("wes", "wes-pw-1");

        // edit: the Edit button of a file on the branch, the form holds the file, the commit lands on main
        d.get(url("web/app/files/main/readme.txt"));
        submit("edit-file");
        assertEquals("readme\n", d.findElement(By.id("content")).getDomProperty("value"));
        browser.screenshot("edit-01-form");
        type("content", "readme\nedited in the browser\n");
        type("message", "Edit readme online");
        submit("commit");
        awaitText(By.id("flash"), "to main: edited readme.txt");
        browser.screenshot("edit-10-after-edit");

        // add: a new file in a new folder, from the folder listing; a bad name first
        d.get(url("web/app/files/main/"));
        submit("add-file");
        type("filename", "docs/../x.txt");
        type("content", "x");
        submit("commit");
        awaitText(By.id("error-path"), "may not contain . or ..");
        browser.screenshot("edit-05-add-refused");
        type("filename", "docs/new.txt");
        type("content", "brand new\n");
        type("message", "Add docs/new.txt online");
        submit("commit");
        awaitText(By.id("flash"), "to main: added docs/new.txt");

        // delete
        d.get(url("web/app/files/main/notes.txt"));
        submit("delete-file");
        type("message", "Remove notes online");
        submit("commit");
        awaitText(By.id("flash"), "to main: deleted notes.txt");

        // a binary file: Delete but no Edit, and the edit URL says why
        d.get(url("web/app/files/main/logo.bin"));
        assertTrue(d.getPageSource().contains("id=\"delete-file\""));
        assertFalse(d.getPageSource().contains("id=\"edit-file\""), "no Edit for a binary file");
        var binary = Http.get(base, "web/app/edit/main/logo.bin", Http.basic("wes", "wes-pw-1"));
        assertEquals(400, binary.statusCode());
        assertTrue(binary.body().contains("logo.bin is a binary file"), binary.body());

        // an empty repository: its first file from the summary page
        d.get(url("web/fresh"));
        submit("add-first-file");
        type("filename", "README.md");
        type("content", "# Fresh\n");
        submit("commit");
        awaitText(By.id("flash"), "to main: added README.md");
        d.get(url("web/fresh"));
        awaitText(By.id("readme"), "Fresh");

        // a form post without the CSRF token commits nothing
        String head = site.git.run(work, "ls-remote", remote("wes", "wes-pw-1", "web/app"), "refs/heads/main").expectOk()
                .out().substring(0, 40);
        var forged = Http.post(base, "web/app/delete/main/readme.txt", Http.basic("wes", "wes-pw-1"),
                "application/x-www-form-urlencoded", "text/html", ("head=" + head + "&message=x").getBytes());
        assertEquals(403, forged.statusCode());

        // a fresh clone with the git CLI: three commits by Wes, the files as edited
        Path clone = site.dir.resolve("clone");
        site.git.run(site.dir, "clone", "-q", remote("wes", "wes-pw-1", "web/app"), clone.toString()).expectOk();
        List<String> log = site.git.run(clone, "log", "-3", "--format=%H|%an|%ae|%cn|%s").expectOk().out().lines()
                .toList();
        assertEquals(List.of("Remove notes online", "Add docs/new.txt online", "Edit readme online"),
                log.stream().map(l -> l.substring(l.lastIndexOf('|') + 1)).toList());
        for (String l : log) {
            assertTrue(l.contains("|Wes Writer|wes@example.com|Wes Writer|"), l);
        }
        assertEquals(head, log.get(0).substring(0, 40), "the forged delete changed nothing");
        assertEquals("readme\nedited in the browser\n", Files.readString(clone.resolve("readme.txt")),
                "LF kept although the browser sends CRLF");
        assertEquals("brand new\n", Files.readString(clone.resolve("docs/new.txt")));
        assertFalse(Files.exists(clone.resolve("notes.txt")));

        // the journal: push_local with each commit's id
        List<String> journal = site.services.journal.search("wes", "web/app", "push_local:", null, null, 10)
                .stream().map(JournalEntry::action).toList();
        assertEquals(log.stream().map(l -> "push_local:" + l.substring(0, 40)).toList(), journal);

        // a reader: no buttons, and the edit URLs answer 403
        signIn("rob", "rob-pw-1");
        d.get(url("web/app/files/main/readme.txt"));
        awaitText(By.id("source"), "edited in the browser");
        assertFalse(d.getPageSource().contains("id=\"edit-file\""), "no Edit for a reader");
        assertFalse(d.getPageSource().contains("id=\"delete-file\""), "no Delete for a reader");
        d.get(url("web/app/files/main/"));
        assertFalse(d.getPageSource().contains("id=\"add-file\""), "no Add file for a reader");
        assertEquals(403, Http.get(base, "web/app/edit/main/readme.txt", Http.basic("rob", "rob-pw-1")).statusCode());
        assertEquals(403, Http.post(base, "web/app/add/main/", Http.basic("rob", "rob-pw-1"),
                "application/x-www-form-urlencoded", "text/html", "filename=y.txt&content=y&message=y".getBytes())
                .statusCode());
        // anonymous visitors do not even see the private repository
        assertEquals(404, Http.get(base, "web/app/edit/main/readme.txt", null).statusCode());

        // a form over Tomcat's 2 MiB limit loses its fields: a clear 400, not a "bad token", and nothing committed
        String before = site.services.repos.refs(site.services.repos.byName("web/app").orElseThrow()).branches()
                .get("main");
        byte[] huge = ("message=big&content=" + "a".repeat(3 << 20)).getBytes(StandardCharsets.US_ASCII);
        var tooBig = Http.post(base, "web/app/edit/main/readme.txt", Http.basic("wes", "wes-pw-1"),
                "application/x-www-form-urlencoded", "text/html", huge);
        assertEquals(400, tooBig.statusCode());
        assertTrue(new String(tooBig.body(), StandardCharsets.UTF_8).contains("The form was too large"),
                new String(tooBig.body(), StandardCharsets.UTF_8));
        assertEquals(before, site.services.repos.refs(site.services.repos.byName("web/app").orElseThrow())
                .branches().get("main"));
    }
}
