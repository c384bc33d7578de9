package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import cairn.testing.ApiClient;
import cairn.testing.Browser;
import cairn.testing.GitHttpServer;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;

/**
 * Importing a repository from a remote URL in the web UI: the job runs in the background while the page follows its
 * progress (cairn.js polling the status JSON); the repository appears only when the import is complete, and a failed
 * import shows why and leaves nothing behind. The remote is a plain JGit smart-HTTP server on 127.0.0.1.
 */
class AdminImportIT extends UiTest {
    static final int FILES = 3000;
    static GitHttpServer remote;
    static String sourceHead;
    static Path sourceWork;
    static Path sourceBare;
    static cairn.auth.User dev;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        dev = site.user("dev", "dev-pw");
        return site.war();
    }

    @BeforeAll
    static void startRemote() throws Exception {
        // a source with a few thousand objects, so that JGit reports progress while receiving them
        Path work = Files.createDirectories(site.dir.resolve("source-work"));
        sourceWork = work;
        site.git.run(work, "init", "-q").expectOk();
        for (int i = 0; i < FILES; i++) {
            Files.writeString(work.resolve("f" + i + ".txt"), "file " + i + "\n");
        }
        site.git.run(work, "add", "-A").expectOk();
        site.git.run(work, "commit", "-q", "-m", "many files").expectOk();
        sourceHead = site.git.head(work);
        Path bare = site.dir.resolve("source.git");
        sourceBare = bare;
        site.git.run(site.dir, "clone", "-q", "--bare", work.toString(), bare.toString()).expectOk();
        remote = GitHttpServer.start(bare, "big", "bob", "bob-pw");
    }

    @AfterAll
    static void closeRemote() {
        if (remote != null) {
            remote.close();
        }
    }

    private String bearer() {
        return "Bearer " + site.admin.apiKey();
    }

    private ApiClient api() {
        return new ApiClient(base, site.admin.apiKey());
    }

    private Path reposDir() {
        return site.services.settings.reposDir();
    }

    /** An import runs in the background: its pages get longer than {@link Browser#WAIT}. */
    @Override
    protected void awaitText(By by, String text) {
        browser.awaitText(by, text, Duration.ofSeconds(30));
    }

    private void startImport(String name, String cloneUri) {
        browser.driver.get(url("_admin/repos/new"));
        type("repo_name", name);
        type("clone_uri", cloneUri);
        submit("create-repo");
        awaitText(By.tagName("h1"), "Importing " + name);
    }

    /** Neither a row, nor a folder under its name, nor a half-filled repository in the staging folder. */
    private void assertNothingLeft(String name) throws Exception {
        assertTrue(site.services.repos.byName(name).isEmpty(), "no row for " + name);
        assertFalse(api().result("get_repos", "{}").toString().contains("\"" + name + "\""), "not in get_repos");
        assertFalse(Files.exists(reposDir().resolve(name)) || Files.exists(reposDir().resolve(name + ".git")),
                "no folder for " + name);
        Path staging = reposDir().resolve(".importing");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> s = Files.list(staging)) {
                assertEquals(0, s.count(), "nothing left in " + staging);
            }
        }
    }

    @Test
    void importShowsProgressThenTheRepository() throws Exception {
        signInAsAdmin();
        WebDriver d = browser.driver;
        CountDownLatch gate = remote.hold();
        startImport("big", remote.url("big.git"));
        WebElement html = d.findElement(By.tagName("html"));
        assertTrue(remote.awaitPackRequest(30), "the import asked the remote for its objects");
        String state = d.findElement(By.id("import")).getAttribute("data-state");
        assertTrue(state.equals("running") || state.equals("queued"), state);
        assertTrue(site.services.repos.byName("big").isEmpty(), "not visible while importing");
        assertFalse(Files.exists(reposDir().resolve("big")), "no folder under its name while importing");
        assertEquals(404, Http.get(base, "big", bearer()).statusCode());
        assertFalse(api().result("get_repos", "{}").toString().contains("\"big\""), "not in get_repos");
        browser.screenshot("admin-20-import-running");
        // without JavaScript (a plain GET, as such a browser sees the page): a link that reloads it
        String job = d.getCurrentUrl().substring(d.getCurrentUrl().indexOf("_admin/repos/import/"));
        String plain = Http.get(base, job, bearer()).body();
        String path = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        assertTrue(plain.contains("<p id=\"import-refresh\"><a href=\"" + path + job + "\">Refresh</a>"), plain);
        gate.countDown();

        awaitText(By.id("import-state"), "Imported big");
        assertEquals("done", d.findElement(By.id("import")).getAttribute("data-state"));
        assertTrue(html.isDisplayed(), "the same page, updated by polling");
        assertEquals("100", d.findElement(By.id("import-progress")).getAttribute("value"));
        String log = d.findElement(By.id("import-log")).getText();
        Matcher m = Pattern.compile("Receiving objects: (\\d+) / (\\d+) \\(100%\\)").matcher(log);
        assertTrue(m.find(), log);
        assertEquals(m.group(1), m.group(2));
        assertTrue(Integer.parseInt(m.group(1)) >= FILES, log);
        assertTrue(d.findElement(By.id("import-done")).isDisplayed());
        browser.screenshot("admin-21-import-done");

        assertTrue(Http.get(base, job, bearer()).body().contains("<p id=\"import-refresh\" hidden>"),
                "no refresh link once it is done");

        // only the user who started a job, or a super-admin, sees it
        assertEquals(200, Http.get(base, job + "/status", bearer()).statusCode());
        assertEquals(404, Http.get(base, job + "/status", "Bearer " + dev.apiKey()).statusCode());
        assertEquals(404, Http.get(base, job, "Bearer " + dev.apiKey()).statusCode());

        submit("import-repo");
        assertTrue(d.getCurrentUrl().endsWith("/big"), d.getCurrentUrl());
        assertTrue(site.services.repos.byName("big").isPresent());
        Path clone = site.dir.resolve("big-clone");
        String from = base.toString().replace("://", "://admin:" + TestSite.ADMIN_PASSWORD + "@") + "big.git";
        site.git.run(site.dir, "clone", "-q", from, clone.toString()).expectOk();
        assertEquals(sourceHead, site.git.head(clone));
        assertTrue(Files.exists(clone.resolve("f" + (FILES - 1) + ".txt")));

        // "Pull from" in the settings runs the same way
        site.git.commit(sourceWork, "later");
        site.git.run(sourceWork, "push", "-q", sourceBare.toString(), "HEAD:refs/heads/main").expectOk();
        String newHead = site.git.head(sourceWork);
        d.get(url("big/settings"));
        submit("pull");
        awaitText(By.tagName("h1"), "Pulling into big");
        awaitText(By.id("import-state"), "Pulled into big");
        assertTrue(d.findElement(By.id("import-log")).getText().contains("Receiving objects"),
                d.findElement(By.id("import-log")).getText());
        assertEquals(newHead, site.services.repos.refs(site.services.repos.byName("big").orElseThrow()).branches()
                .get("main"));
    }

    @Test
    void aFailedImportSaysWhyAndLeavesNothing() throws Exception {
        signInAsAdmin();
        WebDriver d = browser.driver;
        startImport("missing", remote.url("nothing.git"));
        awaitText(By.id("import-error"), "not a Git repository");
        assertEquals("failed", d.findElement(By.id("import")).getAttribute("data-state"));
        assertNothingLeft("missing");

        startImport("nohost", "http://no-such-host.invalid/x.git"); // .invalid never resolves (RFC 6761)
        awaitText(By.id("import-error"), "host not found");
        assertNothingLeft("nohost");

        startImport("refused", remote.url("private/big.git").replace("://", "://bob:wrong-pw@"));
        awaitText(By.id("import-error"), "authentication failed");
        assertFalse(d.findElement(By.tagName("main")).getText().contains("wrong-pw"), "password hidden");
        browser.screenshot("admin-22-import-failed");
        assertNothingLeft("refused");
        d.get(url("_admin/repos"));
        assertTrue(d.findElements(By.cssSelector("#admin-repos tr[data-name='refused']")).isEmpty());

        // a user who may create repositories (not a super-admin) follows his own import; super-admins see it too
        ensureSignedIn("dev", "dev-pw");
        startImport("devs-copy", remote.url("nothing.git"));
        awaitText(By.id("import-error"), "not a Git repository");
        String job = d.getCurrentUrl().substring(d.getCurrentUrl().indexOf("_admin/repos/import/"));
        assertEquals(200, Http.get(base, job + "/status", bearer()).statusCode());
        assertNothingLeft("devs-copy");
        signInAsAdmin();

        // a made-up job id is not found
        assertEquals(404, Http.get(base, "_admin/repos/import/0123456789abcdef0123456789abcdef/status", bearer())
                .statusCode());
    }
}
