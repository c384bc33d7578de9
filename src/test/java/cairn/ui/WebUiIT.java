package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;

import cairn.auth.User;
import cairn.testing.Git;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;
import cairn.vcs.Repo;

/** The web UI in headless Chromium: sign in, browse, read history and diffs, sign out; XSS stays inert. */
class WebUiIT extends UiTest {
    static User dev;
    static Repo project;
    static Repo hidden;
    static String head;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        dev = site.user("dev", "dev-pw");
        project = site.repo("team/project", dev, false);
        hidden = site.repo("hidden", site.admin, true);
        site.repo("team/cached", dev, false);
        site.services.repos.createGit("xss-desc", dev, false, "<script>alert('desc')</script><img src=x onerror=alert(1)>");
        return site.war();
    }

    private void pushContent() throws Exception {
        if (head != null) {
            return;
        }
        Git git = site.git;
        Path work = git.workTree(site.dir.resolve("work"));
        Files.writeString(work.resolve("README.md"), "# Project <script>alert('readme')</script>\n\n"
                + "[click](javascript:alert('link')) and <img src=x onerror=alert('img')>\n");
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("src/Main.java"), "class Main {\n    // <b>not bold</b>\n}\n");
        Files.writeString(work.resolve("<img src=x onerror=alert(1)>.txt"), "odd name\n");
        Files.write(work.resolve("dot.png"), java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        git.run(work, "add", "-A").expectOk();
        git.run(work, "commit", "-q", "-m", "first <script>alert('msg')</script>").expectOk();
        Files.writeString(work.resolve("src/Main.java"), "class Main {\n    // changed\n}\n");
        git.run(work, "commit", "-q", "-am", "second change").expectOk();
        String push = base.toString().replace("://", "://dev:dev-pw@") + "team/project.git";
        git.run(work, "push", "-q", push, "HEAD:refs/heads/main").expectOk();
        head = git.head(work);
        git.run(work, "checkout", "-q", "-b", "feature").expectOk();
        Files.writeString(work.resolve("feature.txt"), "feature work\n");
        git.run(work, "add", "-A").expectOk();
        git.run(work, "commit", "-q", "-m", "feature commit").expectOk();
        git.run(work, "push", "-q", push, "feature").expectOk();
        git.run(work, "checkout", "-q", "main").expectOk();
        String hiddenPush = base.toString().replace("://", "://admin:" + TestSite.ADMIN_PASSWORD + "@") + "hidden.git";
        git.run(work, "push", "-q", hiddenPush, "HEAD:refs/heads/main").expectOk();
    }

    private void assertNoAlert(WebDriver d) {
        try {
            d.switchTo().alert();
            throw new AssertionError("a script ran: an alert is open on " + d.getCurrentUrl());
        } catch (NoAlertPresentException expected) {
            // no script ran
        }
    }

    @Test
    void signInBrowseAndSignOut() throws Exception {
        pushContent();
        WebDriver d = browser.driver;
        d.get(url(""));
        assertTrue(d.getPageSource().contains("team/"));
        assertFalse(d.getPageSource().contains("hidden"), "private repository invisible to anonymous");
        browser.screenshot("01-home-anonymous");

        d.findElement(By.id("login")).click();
        d.findElement(By.id("username")).sendKeys("dev");
        d.findElement(By.id("password")).sendKeys("wrong");
        d.findElement(By.id("sign-in")).click();
        awaitText(By.id("login-error"), "Invalid username or password");
        d.findElement(By.id("password")).sendKeys("dev-pw");
        d.findElement(By.id("sign-in")).click();
        awaitText(By.className("user"), "Signed in as dev");
        browser.screenshot("02-home-signed-in");

        d.findElement(By.linkText("team/")).click();
        d.findElement(By.linkText("team/project")).click();
        assertTrue(d.findElement(By.id("clone-url")).getAttribute("value").contains("dev@"));
        d.findElement(By.id("follow")).click();
        awaitText(By.id("follow"), "Unfollow");
        d.get(url("?view=following"));
        assertTrue(d.findElement(By.cssSelector("table.repos")).getText().contains("team/project"));
        d.get(url("_admin/journal"));
        String journal = d.findElement(By.id("journal")).getText();
        assertTrue(journal.contains("started following repo") && journal.contains("pushed 2 commits"), journal);
        browser.screenshot("02b-journal");
        d.get(url("team/project"));
        String readme = d.findElement(By.id("readme")).getText();
        assertTrue(readme.contains("Project <script>alert('readme')</script>"), readme);
        assertEquals(0, d.findElements(By.cssSelector("#readme a[href^='javascript']")).size());
        assertEquals(0, d.findElements(By.cssSelector("#readme img")).size());
        assertNoAlert(d);
        browser.screenshot("03-summary");

        d.findElement(By.linkText("Files")).click();
        assertTrue(d.findElement(By.id("tree")).getText().contains("<img src=x onerror=alert(1)>.txt"));
        String srcRow = d.findElement(By.cssSelector("#tree tr.dir")).getText();
        assertTrue(srcRow.startsWith("src/") && srcRow.contains("second change") && srcRow.contains("just now"),
                "last change per entry: " + srcRow);
        assertNoAlert(d);
        browser.screenshot("04-files");
        d.findElement(By.linkText("src/")).click();
        d.findElement(By.linkText("Main.java")).click();
        assertTrue(d.findElement(By.id("source")).getText().contains("// changed"));
        assertTrue(d.findElement(By.id("L2")).isDisplayed(), "line anchors");
        new org.openqa.selenium.support.ui.WebDriverWait(d, java.time.Duration.ofSeconds(10)).until(
                x -> !x.findElements(By.cssSelector("#source code.hljs .hljs-keyword")).isEmpty());
        browser.screenshot("05-file");
        d.get(url("team/project/files/tip/dot.png"));
        Object width = new org.openqa.selenium.support.ui.WebDriverWait(d, java.time.Duration.ofSeconds(10)).until(
                x -> ((org.openqa.selenium.JavascriptExecutor) x).executeScript(
                        "var i = document.getElementById('image'); return i.complete ? i.naturalWidth : null;"));
        assertEquals(1L, width, "image preview loads the picture");

        d.findElement(By.linkText("Changelog")).click();
        String log = d.findElement(By.id("changelog")).getText();
        assertTrue(log.contains("second change") && log.contains("first <script>alert('msg')</script>"), log);
        assertNoAlert(d);
        // main has two commits and the feature branch one more: the changelog shows every branch
        assertEquals(3, d.findElements(By.cssSelector("#changelog td.graph svg circle")).size(), "graph drawn");
        browser.screenshot("06-changelog");
        d.findElement(By.linkText(head.substring(0, 12))).click();
        assertTrue(d.findElement(By.id("changeset")).getText().contains("second change"));
        assertEquals(1, d.findElements(By.cssSelector("p.children a")).size(), "the feature commit is a child");
        List<String> added = d.findElements(By.cssSelector("table.diff tr.add")).stream().map(e -> e.getText())
                .toList();
        assertTrue(added.stream().anyMatch(t -> t.contains("// changed")), added.toString());
        browser.screenshot("07-changeset");

        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("diff-mode"))).selectByValue("sidebyside");
        d.findElement(By.id("apply-diff")).click();
        assertTrue(d.findElements(By.cssSelector("table.sbs td.code.add")).stream()
                .anyMatch(e -> e.getText().contains("// changed")), "side-by-side diff");
        assertTrue(d.findElements(By.cssSelector("table.sbs td.code.del")).stream()
                .anyMatch(e -> e.getText().contains("<b>not bold</b>")));
        browser.screenshot("07b-changeset-side-by-side");

        d.get(url("team/project/files/tip/src/Main.java"));
        d.findElement(By.id("annotate-link")).click();
        assertTrue(d.findElement(By.id("annotate")).getText().contains(head.substring(0, 8)), "blame names commits");
        browser.screenshot("09-annotate");
        d.get(url("team/project/files/tip/src/Main.java"));
        d.findElement(By.id("history-link")).click();
        assertEquals(2, d.findElements(By.cssSelector("table.commits tr")).size(), "two commits touched Main.java");

        // theme: auto (the system's) -> light -> dark, kept across pages in localStorage -> auto
        d.findElement(By.id("theme")).click();
        assertEquals("light", d.findElement(By.tagName("html")).getAttribute("data-theme"));
        d.findElement(By.id("theme")).click();
        d.navigate().refresh();
        assertEquals("dark", d.findElement(By.tagName("html")).getAttribute("data-theme"), "choice kept");
        assertTrue(d.findElement(By.tagName("body")).getCssValue("background-color").contains("21, 25, 29"),
                "dark colours applied");
        assertEquals("Theme: dark", d.findElement(By.id("theme")).getText());
        browser.screenshot("10-dark-theme");
        d.findElement(By.id("theme")).click();
        assertEquals(null, d.findElement(By.tagName("html")).getAttribute("data-theme"), "back to the system's");

        d.findElement(By.id("logout")).click();
        awaitText(By.className("user"), "Anonymous");
    }

    /** The table row of the listing entry {@code name}. */
    private static String row(String html, String name) {
        int at = html.indexOf(">" + name + "</a>");
        assertTrue(at > 0, name + " listed");
        return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    }

    /**
     * Last commit per entry, the README and the changelog are cached under keys holding the commit (blob, heads): a
     * push shows at once, nothing stale is served.
     */
    @Test
    void cachedViewsFollowPushes() throws Exception {
        Git git = site.git;
        Path work = git.workTree(site.dir.resolve("cached"));
        Files.writeString(work.resolve("README.md"), "# Version one\n");
        Files.createDirectories(work.resolve("dir"));
        Files.writeString(work.resolve("dir/b.txt"), "b\n");
        Files.writeString(work.resolve("a.txt"), "a\n");
        git.run(work, "add", "-A").expectOk();
        git.run(work, "commit", "-q", "-m", "first import").expectOk();
        Files.writeString(work.resolve("dir/b.txt"), "b2\n");
        git.run(work, "commit", "-q", "-am", "touch b").expectOk();
        String push = base.toString().replace("://", "://dev:dev-pw@") + "team/cached.git";
        git.run(work, "push", "-q", push, "HEAD:refs/heads/main").expectOk();
        String first = git.head(work);

        String files = Http.get(base, "team/cached/files/tip/", null).body();
        assertTrue(row(files, "dir/").contains("touch b") && row(files, "dir/").contains(first.substring(0, 12)),
                row(files, "dir/"));
        assertTrue(row(files, "a.txt").contains("first import"), row(files, "a.txt"));
        assertTrue(row(files, "a.txt").contains("Cairn Test"), "author shown");
        assertTrue(Http.get(base, "team/cached/files/tip/dir", null).body().contains("touch b"));
        assertTrue(Http.get(base, "team/cached", null).body().contains("Version one"));
        assertTrue(Http.get(base, "team/cached/changelog", null).body().contains("touch b"));
        // served again (now from the caches): the same
        assertTrue(row(Http.get(base, "team/cached/files/tip/", null).body(), "a.txt").contains("first import"));

        Files.writeString(work.resolve("a.txt"), "a2\n");
        Files.writeString(work.resolve("README.md"), "# Version two\n");
        git.run(work, "commit", "-q", "-am", "second round").expectOk();
        git.run(work, "push", "-q", push, "HEAD:refs/heads/main").expectOk();
        String second = git.head(work);

        files = Http.get(base, "team/cached/files/tip/", null).body();
        assertTrue(row(files, "a.txt").contains("second round") && row(files, "a.txt").contains(second.substring(0,
                12)), row(files, "a.txt"));
        assertTrue(row(files, "dir/").contains("touch b"), "an untouched folder keeps its last change");
        String summary = Http.get(base, "team/cached", null).body();
        assertTrue(summary.contains("Version two") && !summary.contains("Version one"), "README re-rendered");
        assertTrue(Http.get(base, "team/cached/changelog", null).body().contains("second round"));
        // the old commit's listing is still right (its own key)
        assertTrue(row(Http.get(base, "team/cached/files/" + first + "/", null).body(), "a.txt")
                .contains("first import"));
        browser.screenshot("08-signed-out");
    }

    @Test
    void archivesFeedsAndRawDiffs() throws Exception {
        pushContent();
        HttpResponse<byte[]> zip = Http.post(base, "team/project/archive/tip.zip", null, "text/plain", "*/*",
                new byte[0]);
        assertEquals(404, zip.statusCode(), "archives answer GET only");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        HttpResponse<byte[]> archive = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url("team/project/archive/" + head + ".zip"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, archive.statusCode());
        List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(archive.body()))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        assertTrue(names.contains("project-" + head + "/src/Main.java"), names.toString());
        for (String fmt : List.of("tar.gz", "tar")) {
            assertEquals(200, Http.get(base, "team/project/archive/tip." + fmt, null).statusCode(), fmt);
        }
        assertTrue(site.services.journal.forRepo(project, 50).stream()
                .anyMatch(e -> e.action().equals("user_downloaded_archive:" + head + ".zip")), "download journaled");
        HttpResponse<String> rss = Http.get(base, "team/project/feed/rss", null);
        assertTrue(rss.body().contains("<title>second change</title>"), rss.body());
        assertTrue(rss.body().contains("first &lt;script&gt;"), "feed text escaped");
        assertTrue(Http.get(base, "team/project/feed/atom", null).body().contains("<feed xmlns"));
        assertTrue(Http.get(base, "team/project/changeset-diff/" + head, null).body()
                .contains("+    // changed"));
        assertTrue(Http.get(base, "team/project/changeset-patch/" + head, null).body()
                .contains("Subject: [PATCH] second change"));
        String refs = Http.get(base, "team/project/refs-data", null).body();
        assertTrue(refs.contains("\"id\":\"main\""), refs);
        assertEquals(404, Http.get(base, "hidden/archive/tip.zip", null).statusCode());
        assertEquals(404, Http.get(base, "hidden/feed/rss", null).statusCode());
    }

    @Test
    void compareBranchesAndRanges() throws Exception {
        pushContent();
        WebDriver d = browser.driver;
        d.get(url("team/project/compare"));
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("org"))).selectByValue("branch@main");
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("other"))).selectByValue("branch@feature");
        d.findElement(By.id("compare-go")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(d, java.time.Duration.ofSeconds(10))
                .until(x -> !x.findElements(By.id("compare-commits")).isEmpty());
        assertTrue(d.findElement(By.id("compare-commits")).getText().contains("feature commit"));
        assertTrue(d.getPageSource().contains("feature work"), "the diff from the merge base");
        browser.screenshot("10-compare");
        HttpResponse<String> none = Http.get(base, "team/project/compare/branch@feature...branch@main", null);
        assertTrue(none.body().contains("id=\"no-commits\""), "main has nothing feature lacks");
        HttpResponse<String> range = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("team/project/changeset/" + head
                        + "...feature"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, range.statusCode(), "a...b ranges land on the comparison");
        assertTrue(range.body().contains("feature commit"));
        assertEquals(404, Http.get(base, "team/project/compare/branch@nope...branch@main", null).statusCode());
        assertEquals(404, Http.get(base, "team/project/compare/branch@main...branch@feature?other_repo=hidden",
                null).statusCode(), "an unreadable fork is not there");
    }

    @Test
    void aScriptInADescriptionStaysText() throws Exception {
        WebDriver d = browser.driver;
        d.get(url(""));
        assertTrue(d.findElement(By.cssSelector("table.repos")).getText().contains("<script>alert('desc')</script>"));
        assertEquals(0, d.findElements(By.cssSelector("table.repos img")).size());
        assertNoAlert(d);
        d.get(url("xss-desc"));
        assertTrue(d.findElement(By.cssSelector("p.desc")).getText().contains("<script>alert('desc')</script>"));
        assertNoAlert(d);
        String rss = Http.get(base, "xss-desc/feed/rss", null).body();
        assertFalse(rss.contains("<script>"), "feed escapes the description");
    }

    @Test
    void privateRepositoriesAnswer404OnEveryPage() throws Exception {
        pushContent();
        String outsider = Http.basic("dev", "dev-pw");
        for (String page : List.of("hidden", "hidden/summary", "hidden/files/tip/", "hidden/files/tip/README.md",
                "hidden/raw/tip/README.md", "hidden/rawfile/tip/README.md", "hidden/changelog",
                "hidden/changeset/tip", "hidden/annotate/tip/README.md", "hidden/changelog/tip/README.md",
                "hidden/changeset-diff/tip", "hidden/changeset-patch/tip", "hidden/refs-data", "hidden/feed/atom",
                "hidden/archive/tip.tar.gz", "_" + hidden.id(), "_" + hidden.id() + "/changelog")) {
            HttpResponse<String> anon = Http.get(base, page, null);
            HttpResponse<String> signedIn = Http.get(base, page, outsider);
            HttpResponse<String> missing = Http.get(base, page.replace("hidden", "absent")
                    .replace("_" + hidden.id(), "_999999"), null);
            assertEquals(404, anon.statusCode(), page);
            assertEquals(404, signedIn.statusCode(), page);
            assertEquals(missing.body(), anon.body(), "private and missing look alike: " + page);
        }
        assertEquals(200, Http.get(base, "hidden/changelog", Http.basic("admin", TestSite.ADMIN_PASSWORD))
                .statusCode());
    }

    @Test
    void safeHeadersRawFilesAndRedirects() throws Exception {
        pushContent();
        HttpResponse<String> page = Http.get(base, "team/project", null);
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
        HttpResponse<String> raw = Http.get(base, "team/project/raw/tip/README.md", null);
        assertTrue(raw.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(raw.body().contains("<script>"), "raw is the file itself, served as text");
        HttpResponse<String> dl = Http.get(base, "team/project/rawfile/tip/src/Main.java", null);
        assertTrue(dl.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
        assertEquals(403, Http.get(base, "?api_key=" + "0".repeat(40), null).statusCode());
        assertEquals(200, Http.get(base, "hidden?api_key=" + site.admin.apiKey(), null).statusCode());
        HttpResponse<String> error = Http.get(base, "no/such/page", null);
        assertFalse(error.body().contains("Tomcat"), "no server internals on error pages");
        // a login without the CSRF token is refused
        HttpResponse<byte[]> post = Http.post(base, "_admin/login", null, "application/x-www-form-urlencoded",
                "text/html", "username=dev&password=dev-pw".getBytes());
        assertEquals(403, post.statusCode());
    }
}
