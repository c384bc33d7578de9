package cairn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

import cairn.testing.CairnProcess;
import cairn.testing.Git;
import cairn.testing.Http;
import cairn.testing.MariaDb;

/**
 * The deployment samples of {@code container-configs/tomcat/} and {@code container-configs/apache/}, run for real on
 * 127.0.0.1: a private MariaDB, three standalone Tomcats (the Git pool, the UI pool, and one for the container-auth
 * variant) deploying {@code target/cairn.war} as {@code ROOT##001.war} with Tomcat's own JNDI DataSource, and two
 * private Apache httpd instances in front of them over AJP (the plain vhost and the container-auth vhost).
 *
 * <p>The container-auth vhost sends both of its pools to the third Tomcat ({@code tomcatAuthentication="false"},
 * {@code container_auth = true}); the plain vhost sends Git clients to the first and everything else to the second.
 *
 * <p>Two generated repositories (made once by {@code deploy-tests/make-repo.sh} and cached in
 * {@code target/deploy-repos/}: about 130 MiB and 1.3 MiB of pack, with bitmaps) are hard-linked into the repository root for the
 * streaming check (the first pack bytes through Apache within a second; Tomcat's heap, read with {@code jcmd}, does
 * not grow while a large clone is under way) and the zero-downtime redeploy ({@code ROOT##002.war} dropped next to
 * {@code ROOT##001.war} while a slow client clones; {@link SlowClientProxy} plays the slow link).
 *
 * <p>The samples are copied as they are; only ports, secrets and paths are substituted, and every substituted text
 * must occur in the sample, so a sample that drifts from what this test runs fails here.
 *
 * <p>Needs: the Tomcat distribution unpacked under {@code target/tomcat-dist/} (the pom's pre-integration-test
 * {@code unpack} of {@code org.apache.tomcat:tomcat}; or the system property {@code cairn.tomcat.home}), Debian's
 * {@code apache2} (with {@code apache2-utils}), {@code mariadb-server}, {@code git}, {@code openssl} (for make-repo.sh)
 * and a JDK's {@code jcmd}. Without them the class is skipped, unless the environment variable {@code CI} is
 * {@code true}: then it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeployIT {
    private static final String ADMIN_PASSWORD = "Adm1n-Deploy-Secret";
    /** The container-auth variant's htpasswd password: deliberately not Cairn's, so only REMOTE_USER can work. */
    private static final String HTPASSWD_PASSWORD = "Apache-Only-Pw-42";
    private static final String AJP_SECRET = "it-ajp-" + Long.toHexString(System.nanoTime());
    private static final long START_TIMEOUT_MS = 150_000;
    private static final long LOG_WAIT_MS = 15_000;
    private static final List<String> APACHE_MODULES = List.of("mpm_event", "authz_core", "authz_user", "authn_core",
            "authn_file", "auth_basic", "alias", "mime", "headers", "rewrite", "proxy", "proxy_ajp",
            "proxy_balancer", "slotmem_shm", "lbmethod_byrequests", "lbmethod_bybusyness");

    private static Path root;
    private static MariaDb db;
    private static final List<Tomcat> TOMCATS = new ArrayList<>();
    private static final List<Apache> APACHES = new ArrayList<>();
    private static Tomcat gitPool;
    private static Tomcat uiPool;
    private static Tomcat authTomcat;
    private static Apache front;
    private static Apache ssoFront;
    private static Git git;
    private static Path jcmd;
    /** make-repo.sh arguments: 2000 commits, 1000 files, 8 incompressible 16 MiB blobs: a pack of about 130 MiB. */
    private static final List<String> LARGE_REPO = List.of("2000", "1000", "8", "16", "1");
    private static final List<String> SMALL_REPO = List.of("200", "200", "1", "1", "1");
    private static final long MIB = 1024 * 1024;
    private static final String V2_TITLE = "Cairn release 2";
    private static String c1;
    private static String c2;

    // ------------------------------------------------------------------------------------------------ set-up

    /** Why the environment cannot run this test (set instead of failing, outside CI); every test reports it. */
    private static String skipReason;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void deploy() throws Exception {
        try {
            deployEverything();
        } catch (TestAbortedException e) {
            skipReason = e.getMessage();
        }
    }

    @BeforeEach
    void skipWithoutEnvironment() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    private static void deployEverything() throws Exception {
        Path war = CairnProcess.war();
        require(Files.isRegularFile(war), "the WAR " + war + " is missing (run mvn package first)");
        Path tomcatHome = tomcatHome(war);
        Path apacheBin = apacheBinary();
        Path modules = Path.of("/usr/lib/apache2/modules");
        for (String m : APACHE_MODULES) {
            require(Files.isRegularFile(modules.resolve("mod_" + m + ".so")),
                    "Apache module mod_" + m + " is missing in " + modules + " (apt-get install apache2)");
        }
        require(onPath("git"), "git is not installed (apt-get install git)");
        require(onPath("openssl"), "openssl is not installed (apt-get install openssl); make-repo.sh needs it");
        Path samples = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("container-configs");
        require(Files.isDirectory(samples.resolve("tomcat")), "no samples in " + samples);

        // Apache drops to www-data: every folder it reads (static files, htpasswd) must be reachable by others.
        root = Files.createTempDirectory(Path.of("/tmp"), "cairn-deploy");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        git = new Git(root.resolve("home"));

        Path data = root.resolve("data");
        Path repos = Files.createDirectories(data.resolve("repos/team"));
        git.run(repos, "init", "-q", "--bare", "proj.git").expectOk();
        Path staticDir = unpackStatic(war, root.resolve("www"));
        // Items 5 and 6: a large and a small generated repository (cached under target/), registered at start.
        Path big = Files.createDirectories(repos.getParent().resolve("big"));
        linkTree(generatedRepo(war, samples, "large", LARGE_REPO), big.resolve("large.git"));
        linkTree(generatedRepo(war, samples, "small", SMALL_REPO), big.resolve("small.git"));
        jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        require(Files.isExecutable(jcmd), "no jcmd in " + jcmd.getParent() + " (a JDK, not a JRE, runs the tests)");

        db = MariaDb.start();

        int[] ports = freePorts(8);
        String ini = Files.readString(samples.resolve("tomcat/cairn.ini"));
        Path plainIni = root.resolve("cairn.ini");
        Files.writeString(plainIni, fill(ini, Map.of("/var/lib/cairn", data.toString())));
        Path ssoIni = root.resolve("cairn-container-auth.ini");
        Files.writeString(ssoIni, fill(ini, Map.of("/var/lib/cairn", data.toString(),
                ";container_auth = true", "container_auth = true")));

        gitPool = new Tomcat("git", tomcatHome, root.resolve("tomcat-git"), ports[0], ports[1], "git1", plainIni,
                false);
        uiPool = new Tomcat("ui", tomcatHome, root.resolve("tomcat-ui"), ports[2], ports[3], "ui1", plainIni, false);
        authTomcat = new Tomcat("auth", tomcatHome, root.resolve("tomcat-auth"), ports[4], ports[5], "sso1", ssoIni,
                true);
        for (Tomcat t : List.of(gitPool, uiPool, authTomcat)) {
            t.prepare(samples.resolve("tomcat"), war);
        }
        // The first start migrates the schema and creates the users: let one Tomcat do that alone.
        TOMCATS.add(gitPool);
        gitPool.start();
        gitPool.awaitCairn();
        TOMCATS.add(uiPool);
        TOMCATS.add(authTomcat);
        uiPool.start();
        authTomcat.start();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> {
                uiPool.awaitCairn();
                return null;
            });
            Future<?> b = pool.submit(() -> {
                authTomcat.awaitCairn();
                return null;
            });
            for (Future<?> f : List.of(a, b)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err; // an assertion of awaitCairn, with Tomcat's console in its message
                    }
                    throw e.getCause() instanceof Exception x ? x : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }

        String vhost = Files.readString(samples.resolve("apache/cairn.conf"));
        front = new Apache("plain", apacheBin, modules, root.resolve("apache-plain"), ports[6]);
        APACHES.add(front);
        front.start(fill(vhost, Map.of("*:80", "*:" + ports[6],
                "ajp://127.0.0.1:8009", "ajp://127.0.0.1:" + gitPool.ajpPort,
                "ajp://127.0.0.1:8010", "ajp://127.0.0.1:" + uiPool.ajpPort,
                "change-me-ajp-secret", AJP_SECRET,
                "/var/www/cairn/static/", staticDir + "/")));

        Path htpasswd = root.resolve("htpasswd");
        Files.writeString(htpasswd, "admin:{SHA}" + Base64.getEncoder().encodeToString(MessageDigest
                .getInstance("SHA-1").digest(HTPASSWD_PASSWORD.getBytes(StandardCharsets.UTF_8))) + "\n");
        Files.setPosixFilePermissions(htpasswd, PosixFilePermissions.fromString("rw-r--r--"));
        String ssoVhost = Files.readString(samples.resolve("apache/cairn-container-auth.conf"));
        ssoFront = new Apache("container-auth", apacheBin, modules, root.resolve("apache-sso"), ports[7]);
        APACHES.add(ssoFront);
        ssoFront.start(fill(ssoVhost, Map.of("*:80", "*:" + ports[7],
                "ajp://127.0.0.1:8009", "ajp://127.0.0.1:" + authTomcat.ajpPort,
                "ajp://127.0.0.1:8010", "ajp://127.0.0.1:" + authTomcat.ajpPort,
                "change-me-ajp-secret", AJP_SECRET,
                "/var/www/cairn/static/", staticDir + "/",
                "/etc/cairn/htpasswd", htpasswd.toString())));
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            for (Apache a : APACHES) {
                try {
                    a.stop();
                } catch (Exception e) {
                    System.out.println("stopping Apache " + a.name + ": " + e);
                }
            }
            for (Tomcat t : TOMCATS) {
                t.stop();
            }
            for (Tomcat t : TOMCATS) {
                System.out.println("---- Tomcat " + t.name + " console ----\n" + tail(t.base.resolve("logs/console.out")));
                System.out.println("---- Tomcat " + t.name + " access log ----\n" + t.accessLog());
            }
            for (Apache a : APACHES) {
                System.out.println("---- Apache " + a.name + " error log ----\n" + tail(a.dir.resolve("logs/error.log")));
                System.out.println("---- Apache " + a.name + " access log ----\n" + tail(a.dir.resolve("logs/access.log")));
            }
        } finally {
            try {
                if (db != null) {
                    db.close();
                }
            } finally {
                deleteTree(root);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** (a) clone, push and fetch through Apache → AJP → Tomcat with Basic auth; the data lands in MariaDB via JNDI. */
    @Test
    @Order(1)
    void gitThroughApacheAndAjpWithBasicAuth() throws Exception {
        String plain = front.base() + "team/proj.git";
        String admin = withUser(plain, "admin", ADMIN_PASSWORD);

        Path work = root.resolve("work");
        git.run(root, "clone", "-q", admin, work.toString()).expectOk();
        git.commit(work, "first commit");
        c1 = git.head(work);
        git.run(work, "push", "-q", "origin", "HEAD:refs/heads/main").expectOk();

        // The VCS prefix: a second clone and a push under /_vcs/.
        Path copy = root.resolve("copy");
        String vcs = withUser(front.base() + "_vcs/team/proj.git", "admin", ADMIN_PASSWORD);
        git.run(root, "clone", "-q", vcs, copy.toString()).expectOk();
        assertEquals(c1, git.head(copy), "clone under /_vcs/ after the push");
        git.commit(copy, "second commit");
        c2 = git.head(copy);
        git.run(copy, "push", "-q", "origin", "HEAD:refs/heads/main").expectOk();

        git.run(work, "fetch", "-q", "origin").expectOk();
        assertEquals(c2, git.run(work, "rev-parse", "origin/main").expectOk().out().trim(), "fetched main");

        // Wrong or missing credentials: refused, nothing changes.
        git.commit(work, "refused commit");
        Git.Result wrong = git.run(work, "push", withUser(plain, "admin", "wrong-password"), "HEAD:refs/heads/main");
        assertNotEquals(0, wrong.exit(), "push with a wrong password:\n" + wrong.out());
        Git.Result anon = git.run(work, "push", plain, "HEAD:refs/heads/main");
        assertNotEquals(0, anon.exit(), "anonymous push:\n" + anon.out());
        assertEquals(c2, lsRemoteMain(admin), "main after refused pushes");

        // Only jndi_name is configured (no url): the journal in MariaDB shows the DataSource is Tomcat's.
        try (Connection c = db.connect()) {
            List<List<String>> journal = rows(c, "SELECT action, username, repository_name FROM user_logs "
                    + "ORDER BY user_log_id");
            List<List<String>> pushes = journal.stream().filter(r -> r.get(0).startsWith("push:")).toList();
            assertEquals(2, pushes.size(), "two accepted pushes journaled: " + journal);
            assertTrue(pushes.get(0).get(0).contains(c1) && pushes.get(1).get(0).contains(c2), "push rows " + pushes);
            for (List<String> p : pushes) {
                assertEquals(List.of("admin", "team/proj"), p.subList(1, 3), "push row " + p);
            }
            assertTrue(journal.stream().anyMatch(r -> r.get(0).equals("pull")), "pulls journaled: " + journal);
        }
        String console = Files.readString(gitPool.base.resolve("logs/console.out"));
        assertTrue(console.contains("Deployment of web application archive [" + gitPool.base.resolve("webapps")
                .resolve("ROOT##001.war") + "] has finished"), "ROOT##001.war deployed:\n" + tailOf(console));
        // setenv.sh was read (Tomcat's VersionLoggerListener prints the JVM's arguments).
        for (String arg : List.of("-Xmx2g", "-XX:+UseG1GC", "-Dcairn.config=" + gitPool.ini)) {
            assertTrue(console.contains("Command line argument: " + arg), "setenv.sh gave " + arg + ":\n"
                    + tailOf(console));
        }
    }

    /** (d) Git client requests land in the Git pool, UI and API requests in the UI pool. */
    @Test
    @Order(2)
    void gitRequestsGoToTheGitPoolAndTheRestToTheUiPool() throws Exception {
        HttpResponse<String> home = Http.get(url(front.base()), "/?pool-check=home", null);
        assertEquals(200, home.statusCode(), home.body());
        // The repository's page (UI pool) shows a clone URL with Apache's host and port: AJP passes Host on.
        HttpResponse<String> page = Http.get(url(front.base()), "/team/proj?pool-check=page", null);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("http://127.0.0.1:" + front.port + "/team/proj"),
                "clone URL names Apache's host and port:\n" + page.body());
        HttpResponse<byte[]> api = Http.post(url(front.base()), "/_admin/api?pool-check=api", null,
                "application/json", "application/json",
                "{\"id\":1,\"api_key\":\"\",\"method\":\"get_server_info\",\"args\":{}}".getBytes(StandardCharsets.UTF_8));
        assertTrue(api.statusCode() < 500, "API answered " + api.statusCode());

        awaitLog(uiPool, "pool-check=home");
        awaitLog(uiPool, "pool-check=page");
        awaitLog(uiPool, "pool-check=api");
        String gitLog = gitPool.accessLog();
        String uiLog = uiPool.accessLog();
        for (String expected : List.of("\"GET /team/proj.git/info/refs?service=git-upload-pack ",
                "\"POST /team/proj.git/git-upload-pack ", "\"GET /team/proj.git/info/refs?service=git-receive-pack ",
                "\"POST /team/proj.git/git-receive-pack ", "\"GET /_vcs/team/proj.git/info/refs?service=git-upload-pack ",
                "\"POST /_vcs/team/proj.git/git-upload-pack ", "\"POST /_vcs/team/proj.git/git-receive-pack ")) {
            assertTrue(gitLog.contains(expected), "Git pool served " + expected + ":\n" + gitLog);
        }
        for (String gitish : List.of("info/refs", "git-upload-pack", "git-receive-pack", "/_vcs/")) {
            assertFalse(uiLog.contains(gitish), "UI pool must not see " + gitish + ":\n" + uiLog);
        }
        assertFalse(gitLog.contains("pool-check"), "Git pool must not see UI requests:\n" + gitLog);
    }

    /** (c) Static assets are answered by Apache from the unpacked folder; no Tomcat sees them. */
    @Test
    @Order(3)
    void staticAssetsComeFromApache() throws Exception {
        HttpResponse<String> css = Http.get(url(front.base()), "/static/cairn.css", null);
        assertEquals(200, css.statusCode());
        String expected;
        try (ZipFile zip = new ZipFile(CairnProcess.war().toFile())) {
            expected = new String(zip.getInputStream(zip.getEntry("static/cairn.css")).readAllBytes(),
                    StandardCharsets.UTF_8);
        }
        assertEquals(expected, css.body(), "the WAR's static/cairn.css");
        // Apache's header from the vhost; Cairn's default servlet would add "immutable".
        assertEquals(Optional.of("public, max-age=86400"), css.headers().firstValue("Cache-Control"));
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"), css.headers().toString());

        // Once a later request has reached the UI pool, an earlier static request would be in its log already.
        assertEquals(200, Http.get(url(front.base()), "/?after-static=1", null).statusCode());
        awaitLog(uiPool, "after-static=1");
        for (Tomcat t : List.of(gitPool, uiPool)) {
            assertFalse(t.accessLog().contains("/static/"), t.name + " pool served a static file:\n" + t.accessLog());
        }
    }

    /** (b) Container auth: Apache authenticates, Cairn trusts REMOTE_USER; a wrong password never reaches Tomcat. */
    @Test
    @Order(4)
    void containerAuthentication() throws Exception {
        URL sso = url(ssoFront.base());
        HttpResponse<String> none = Http.get(sso, "/?sso=anonymous", null);
        assertEquals(401, none.statusCode(), "Apache asks for credentials");
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").contains("Cairn"), none.headers().toString());

        // The htpasswd password is not Cairn's: a page that says "Signed in as admin" came from REMOTE_USER.
        HttpResponse<String> home = Http.get(sso, "/?sso=home", Http.basic("admin", HTPASSWD_PASSWORD));
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("Signed in as admin"), "Cairn sees Apache's user:\n" + home.body());
        awaitLog(authTomcat, "sso=home");
        assertTrue(authTomcat.accessLog().lines().anyMatch(l -> l.contains(" admin ") && l.contains("sso=home")),
                "Tomcat's access log names the user:\n" + authTomcat.accessLog());

        // Git through the container-auth front end: clone and push (write access proves the user is admin).
        String repo = withUser(ssoFront.base() + "team/proj.git", "admin", HTPASSWD_PASSWORD);
        Path sw = root.resolve("sso-work");
        git.run(root, "clone", "-q", repo, sw.toString()).expectOk();
        assertEquals(c2, git.head(sw), "container-auth clone");
        git.commit(sw, "pushed as REMOTE_USER");
        String c3 = git.head(sw);
        git.run(sw, "push", "-q", "origin", "HEAD:refs/heads/main").expectOk();
        assertEquals(c3, lsRemoteMain(withUser(front.base() + "team/proj.git", "admin", ADMIN_PASSWORD)),
                "the push is visible through the other front end (same repository root)");
        try (Connection c = db.connect()) {
            List<List<String>> pushes = rows(c, "SELECT action, username FROM user_logs WHERE action LIKE 'push:%' "
                    + "ORDER BY user_log_id");
            assertTrue(pushes.get(pushes.size() - 1).get(0).contains(c3)
                    && pushes.get(pushes.size() - 1).get(1).equals("admin"), "journal: " + pushes);
        }

        // Cairn's own password is refused by Apache; wrong passwords never reach Tomcat.
        assertEquals(401, Http.get(sso, "/wrong-password-probe", Http.basic("admin", "wrong")).statusCode());
        assertEquals(401, Http.get(sso, "/cairn-password-probe", Http.basic("admin", ADMIN_PASSWORD)).statusCode());
        Git.Result wrong = git.run(root, "ls-remote", withUser(ssoFront.base() + "_vcs/team/proj.git", "admin",
                "wrong"));
        assertNotEquals(0, wrong.exit(), "ls-remote with a wrong password:\n" + wrong.out());
        assertEquals(200, Http.get(sso, "/?sso=after-wrong", Http.basic("admin", HTPASSWD_PASSWORD)).statusCode());
        awaitLog(authTomcat, "sso=after-wrong");
        String log = authTomcat.accessLog();
        for (String probe : List.of("wrong-password-probe", "cairn-password-probe", "/_vcs/", "sso=anonymous")) {
            assertFalse(log.contains(probe), "refused request reached Tomcat (" + probe + "):\n" + log);
        }
        // Apart from this test's own readiness probe over Tomcat's HTTP connector, Tomcat saw a user every time.
        assertFalse(log.lines().filter(l -> !l.contains("tomcat-ready")).anyMatch(l -> l.matches("\\S+ - .*")),
                "every request through Apache had a user:\n" + log);

        // Only AJP from Apache names the user: Tomcat's own HTTP connector trusts no header that claims one.
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + authTomcat.httpPort + "/?forged-user")).header("REMOTE_USER", "admin")
                .header("X-Remote-User", "admin").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, forged.statusCode());
        assertFalse(forged.body().contains("Signed in as"), "a header must not sign anyone in:\n" + forged.body());
    }

    /**
     * (e) Streaming: through Apache, the first pack bytes of a clone of the large repository (about 130 MiB) arrive
     * within a second, and Tomcat's heap after a full GC, read with jcmd while a clone of it stands still in the middle
     * of its pack (a client that stopped reading), is no larger than at rest: the pack is never held in memory.
     */
    @Test
    @Order(5)
    void packsStreamThroughApacheAndTheHeapDoesNotGrowWithTheRepository() throws Exception {
        String auth = Http.basic("admin", ADMIN_PASSWORD);
        PackProbe small = PackProbe.fetch(front.base() + "big/small.git", auth);
        List<PackProbe> large = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            large.add(PackProbe.fetch(front.base() + "big/large.git", auth));
        }
        System.out.println("streaming: small " + small + "; large " + large);
        long packSize = large.get(0).packBytes();
        assertTrue(packSize > 100 * MIB, "the large pack is large: " + packSize);
        for (PackProbe p : large) {
            assertEquals(packSize, p.packBytes(), "every fetch got the whole pack");
        }
        // The first fetch also warms JGit's caches; a loaded CI machine may stall once: the best of three counts.
        long best = large.stream().mapToLong(PackProbe::firstPackMillis).min().orElseThrow();
        assertTrue(best < 1000, "first pack bytes of the large repository after " + best + " ms (" + large + ")");

        long rest = heapAfterGc(gitPool);
        long smallHeap;
        long largeHeap;
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (SlowClientProxy slow = new SlowClientProxy(front.port)) {
            // The small repository's clone fits in the sockets' buffers; measure once it is done.
            git.run(root, "clone", "--bare", "-q", withUser(proxied(slow, "big/small.git"), "admin", ADMIN_PASSWORD),
                    root.resolve("heap-small.git").toString()).expectOk();
            smallHeap = heapAfterGc(gitPool);

            slow.pauseAfter(32 * MIB);
            Path clone = root.resolve("heap-large.git");
            Future<Git.Result> cloning = ex.submit(() -> git.run(root, "clone", "--bare", "-q",
                    withUser(proxied(slow, "big/large.git"), "admin", ADMIN_PASSWORD), clone.toString()));
            await("the large clone stands still in the middle of its pack", 120_000, slow::paused);
            largeHeap = heapAfterGc(gitPool);
            // Still in the middle: Tomcat logs a request when it ends; the pack request's line comes after release.
            int atPause = count(gitPool.accessLog(), "POST /big/large.git/git-upload-pack");
            assertFalse(cloning.isDone(), "the clone is waiting");
            slow.release();
            cloning.get(3, TimeUnit.MINUTES).expectOk();
            await("the pack request's line in the access log", LOG_WAIT_MS,
                    () -> count(gitPool.accessLog(), "POST /big/large.git/git-upload-pack") == atPause + 1);
            git.run(clone, "fsck", "--no-progress").expectOk();
            assertEquals(large.get(0).head(), git.run(clone, "rev-parse", "main").expectOk().out().trim());
        } finally {
            ex.shutdownNow();
        }
        System.out.printf("heap after GC of the Git pool's Tomcat: at rest %d MiB, after a small clone %d MiB, "
                + "during a large clone (%d MiB pack, paused at 32 MiB) %d MiB%n", rest / MIB, smallHeap / MIB,
                packSize / MIB, largeHeap / MIB);
        assertTrue(largeHeap - rest < 48 * MIB, "heap grew by " + (largeHeap - rest) / MIB
                + " MiB during a clone of a " + packSize / MIB + " MiB pack (at rest " + rest / MIB + " MiB)");
    }

    /**
     * (f) Zero-downtime redeploy: while a slow client (1 MiB/s) clones the large repository through Apache from
     * {@code ROOT##001}, {@code ROOT##002.war} is dropped into the Git pool's webapps (Tomcat's parallel deployment).
     * Version 2 starts beside version 1 and takes the new requests (it read the ini again: another title), the running
     * clone completes from version 1 and passes {@code git fsck}, and no request through Apache answers 5xx meanwhile.
     */
    @Test
    @Order(6)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void redeployWhileASlowCloneRuns() throws Exception {
        // Cairn reads its ini at start: version 2 will show this title, the running version 1 keeps its own.
        String ini = Files.readString(gitPool.ini);
        Files.writeString(gitPool.ini, fill(ini, Map.of("[cairn]\n", "[cairn]\ntitle = " + V2_TITLE + "\n")));
        assertFalse(homeOf(gitPool).contains(V2_TITLE), "version 1 does not re-read its ini");
        // Through Apache, everything under /_vcs/ goes to the Git pool; a page there that does not exist shows the title.
        HttpResponse<String> v1 = Http.get(url(front.base()), "/_vcs/which-version-1", null);
        assertEquals(404, v1.statusCode());
        assertTrue(v1.body().contains("<title>404 · Cairn</title>"), "version 1's 404 page:\n" + v1.body());

        String auth = Http.basic("admin", ADMIN_PASSWORD);
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService ex = Executors.newFixedThreadPool(2);
        Path clone = root.resolve("slow-clone.git");
        try (SlowClientProxy slow = new SlowClientProxy(front.port)) {
            slow.limit(MIB);
            Future<Git.Result> cloning = ex.submit(() -> git.run(root, "clone", "--bare", "-q",
                    withUser(proxied(slow, "big/large.git"), "admin", ADMIN_PASSWORD), clone.toString()));
            await("the slow clone's pack is streaming", 120_000, () -> slow.downstreamBytes() > 2 * MIB);

            // Requests through Apache, to both pools, all along the deployment.
            java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<?> prober = ex.submit(() -> {
                URL base = url(front.base());
                int i = 0;
                while (probing.get()) {
                    String path = i++ % 2 == 0 ? "/?redeploy-probe=" + i
                            : "/big/small.git/info/refs?service=git-upload-pack&redeploy-probe=" + i;
                    try {
                        answers.add(Http.get(base, path, auth).statusCode() + " " + path);
                    } catch (IOException e) {
                        answers.add("failed " + path + ": " + e);
                    }
                    Thread.sleep(100); // pacing: about ten requests a second
                }
                return null;
            });

            Path tmp = gitPool.base.resolve("temp/ROOT##002.war");
            Files.copy(CairnProcess.war(), tmp);
            Files.move(tmp, gitPool.base.resolve("webapps/ROOT##002.war"), StandardCopyOption.ATOMIC_MOVE);
            long t0 = System.nanoTime();
            await("version 2 answering on the Git pool's Tomcat", START_TIMEOUT_MS,
                    () -> homeOf(gitPool).contains(V2_TITLE));
            long deployMs = (System.nanoTime() - t0) / 1_000_000;
            long streamed = slow.downstreamBytes();
            assertFalse(cloning.isDone(), "the slow clone must still run after the deployment (" + streamed
                    + " bytes so far); " + (cloning.isDone() ? cloning.get().out() : ""));

            HttpResponse<String> v2 = Http.get(url(front.base()), "/_vcs/which-version-2", null);
            assertEquals(404, v2.statusCode());
            assertTrue(v2.body().contains("<title>404 · " + V2_TITLE + "</title>"),
                    "a new request through Apache to the Git pool reaches version 2:\n" + v2.body());
            // A new clone through Apache, now served by version 2.
            Path fresh = root.resolve("after-redeploy.git");
            git.run(root, "clone", "--bare", "-q", withUser(front.base() + "big/small.git", "admin", ADMIN_PASSWORD),
                    fresh.toString()).expectOk();

            slow.release();
            Git.Result done = cloning.get(3, TimeUnit.MINUTES);
            probing.set(false);
            prober.get(1, TimeUnit.MINUTES);
            done.expectOk();
            System.out.println("redeploy: version 2 answered " + deployMs + " ms after the WAR was dropped; the slow "
                    + "clone had streamed " + streamed / MIB + " MiB by then; " + answers.size()
                    + " probe requests through Apache");
        } finally {
            ex.shutdownNow();
        }
        git.run(clone, "fsck", "--no-progress").expectOk();
        assertEquals(PackProbe.fetch(front.base() + "big/large.git", auth).head(),
                git.run(clone, "rev-parse", "main").expectOk().out().trim(), "the slow clone has main");

        assertTrue(answers.size() > 10, "probes ran: " + answers);
        List<String> bad = answers.stream().filter(a -> !a.startsWith("200 ")).toList();
        assertTrue(bad.isEmpty(), "requests through Apache during the redeploy: " + bad);
        List<String> apache5xx = front.accessLog().lines().filter(l -> l.matches(".*\" 5\\d\\d .*")).toList();
        assertTrue(apache5xx.isEmpty(), "Apache answered 5xx: " + apache5xx);

        String console = Files.readString(gitPool.base.resolve("logs/console.out"));
        assertTrue(console.contains("Deployment of web application archive [" + gitPool.base.resolve("webapps")
                .resolve("ROOT##002.war") + "] has finished"), "ROOT##002.war deployed:\n" + tailOf(console));
        assertFalse(console.contains("Undeploying") || console.contains("Cairn cannot start"),
                "version 1 stays deployed, version 2 started:\n" + tailOf(console));
        // The UI pool (only version 1, same ini) still shows the old title: the title tells the versions apart.
        assertFalse(homeOf(uiPool).contains(V2_TITLE), "the UI pool's version 1 kept its title");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String proxied(SlowClientProxy proxy, String path) {
        return "http://127.0.0.1:" + proxy.port() + "/" + path;
    }

    /** Cairn's home page straight from one Tomcat's HTTP connector. */
    private static String homeOf(Tomcat t) {
        try {
            HttpResponse<String> r = Http.get(url("http://127.0.0.1:" + t.httpPort + "/"), "/?version-check", null);
            return r.statusCode() + "\n" + r.body();
        } catch (IOException | InterruptedException e) {
            return "failed: " + e;
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The used heap of a Tomcat's JVM right after a full GC (jcmd GC.run, then GC.heap_info), in bytes. */
    private static long heapAfterGc(Tomcat t) throws Exception {
        long pid = t.jvmPid();
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        assertTrue(m.find(), "GC.heap_info: " + info);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd " + command + ": " + out);
        return out;
    }

    /**
     * A repository made by {@code deploy-tests/make-repo.sh} (deterministic, with a reachability bitmap), cached in
     * {@code target/deploy-repos} so that later runs skip the generation.
     */
    private static Path generatedRepo(Path war, Path samples, String name, List<String> args) throws Exception {
        Path cache = Files.createDirectories(war.getParent().resolve("deploy-repos"));
        Path repo = cache.resolve(name + "-" + String.join("-", args) + "-bitmap.git");
        Path done = cache.resolve(repo.getFileName() + ".done");
        if (Files.exists(done)) {
            return repo;
        }
        deleteTree(repo);
        Path script = samples.getParent().resolve("deploy-tests/make-repo.sh");
        require(Files.isRegularFile(script), "no " + script);
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), repo.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // With a bitmap, as after Cairn's own repack: otherwise every Tomcat would repack it in the background.
        pb.environment().put("BITMAP", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "make-repo.sh " + args + ":\n" + out);
        Files.writeString(done, out);
        return repo;
    }

    /** Hard links of every file (git never rewrites a file in place), so the cached repository is not copied. */
    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.createLink(target, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, target);
                    }
                }
            }
        }
    }

    private static String lsRemoteMain(String repoUrl) throws Exception {
        String out = git.run(root, "ls-remote", repoUrl, "refs/heads/main").expectOk().out().trim();
        return out.isEmpty() ? "" : out.split("\\s+")[0];
    }

    private static String withUser(String url, String user, String password) {
        return url.replace("http://", "http://" + user + ":" + password + "@");
    }

    private static URL url(String s) throws IOException {
        return URI.create(s).toURL();
    }

    private static void awaitLog(Tomcat t, String text) throws Exception {
        await("'" + text + "' in the access log of Tomcat " + t.name, LOG_WAIT_MS, () -> t.accessLog().contains(text));
    }

    /** Polls (bounded, no fixed sleep) until the condition holds. */
    private static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                Assertions.fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Replaces every key by its value; each key must occur, so the samples cannot drift from this test. */
    static String fill(String sample, Map<String, String> values) {
        String out = sample;
        for (Map.Entry<String, String> e : new LinkedHashMap<>(values).entrySet()) {
            assertTrue(out.contains(e.getKey()), "the sample no longer contains '" + e.getKey() + "'");
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void require(boolean ok, String message) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " -- CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + " -- DeployIT skipped");
    }

    private static Path tomcatHome(Path war) throws IOException {
        String prop = System.getProperty("cairn.tomcat.home");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            require(Files.isRegularFile(p.resolve("bin/catalina.sh")), "no bin/catalina.sh in cairn.tomcat.home " + p);
            return p;
        }
        Path dist = war.getParent().resolve("tomcat-dist");
        Optional<Path> home = Optional.empty();
        if (Files.isDirectory(dist)) {
            try (Stream<Path> s = Files.list(dist)) {
                home = s.filter(p -> Files.isRegularFile(p.resolve("bin/catalina.sh"))).max(Comparator.naturalOrder());
            }
        }
        require(home.isPresent(), "no standalone Tomcat in " + dist + " (mvn verify unpacks org.apache.tomcat:tomcat "
                + "there in pre-integration-test; or set -Dcairn.tomcat.home)");
        return home.get();
    }

    private static Path apacheBinary() {
        for (String p : List.of("/usr/sbin/apache2", "/usr/local/sbin/apache2")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        require(false, "Apache httpd is not installed (apt-get install apache2)");
        return null;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** What the docs tell the sysadmin: {@code unzip cairn.war 'static/*' -d /var/www/cairn}. */
    private static Path unpackStatic(Path war, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (!e.getName().startsWith("static/") || e.isDirectory() || e.getName().contains("..")) {
                    continue;
                }
                Path out = target.resolve(e.getName());
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, out);
                }
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        try (Stream<Path> s = Files.walk(target)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        require(Files.isRegularFile(target.resolve("static/cairn.css")), "the WAR has no static/cairn.css");
        return target.resolve("static");
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<List<String>> rows(Connection c, String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static String tail(Path file) {
        try {
            return Files.exists(file) ? tailOf(Files.readString(file)) : "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String tailOf(String s) {
        return s.length() > 6000 ? "…" + s.substring(s.length() - 6000) : s;
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    // ------------------------------------------------------------------------------------------------ Tomcat

    /** One standalone Tomcat: CATALINA_HOME = the distribution, a private CATALINA_BASE filled from the samples. */
    private static final class Tomcat {
        final String name;
        final Path home;
        final Path base;
        final int ajpPort;
        final int httpPort;
        final String route;
        final Path ini;
        final boolean containerAuth;
        Process process;

        Tomcat(String name, Path home, Path base, int ajpPort, int httpPort, String route, Path ini,
                boolean containerAuth) {
            this.name = name;
            this.home = home;
            this.base = base;
            this.ajpPort = ajpPort;
            this.httpPort = httpPort;
            this.route = route;
            this.ini = ini;
            this.containerAuth = containerAuth;
        }

        void prepare(Path samples, Path war) throws IOException {
            for (String d : List.of("conf", "logs", "temp", "webapps", "work", "lib", "bin")) {
                Files.createDirectories(base.resolve(d));
            }
            try (Stream<Path> s = Files.list(home.resolve("conf"))) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
                }
            }
            Map<String, String> server = new LinkedHashMap<>(Map.of("port=\"8009\"", "port=\"" + ajpPort + "\"",
                    "port=\"8080\"", "port=\"" + httpPort + "\"", "change-me-ajp-secret", AJP_SECRET,
                    "jvmRoute=\"ui1\"", "jvmRoute=\"" + route + "\""));
            if (containerAuth) {
                server.put("tomcatAuthentication=\"true\"", "tomcatAuthentication=\"false\"");
            }
            Files.writeString(base.resolve("conf/server.xml"), fill(Files.readString(samples.resolve("server.xml")),
                    server));
            Files.writeString(base.resolve("conf/context.xml"), fill(Files.readString(samples.resolve("context.xml")),
                    Map.of("127.0.0.1:3306", "127.0.0.1:" + db.port(), "change-me-db-password", MariaDb.PASSWORD,
                            "username=\"cairn\"", "username=\"" + MariaDb.USER + "\"",
                            "/etc/cairn/cairn.ini", ini.toString())));
            Files.writeString(base.resolve("bin/setenv.sh"), fill(Files.readString(samples.resolve("setenv.sh")),
                    Map.of("/etc/cairn/cairn.ini", ini.toString())));
            // Tomcat's DBCP pool loads the driver: it goes into Tomcat's lib/, taken from the WAR.
            try (ZipFile zip = new ZipFile(war.toFile())) {
                ZipEntry driver = Collections.list(zip.entries()).stream()
                        .filter(e -> e.getName().matches("WEB-INF/lib/mysql-connector-j-[^/]+\\.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no mysql-connector-j in the WAR"));
                try (InputStream in = zip.getInputStream(driver)) {
                    Files.copy(in, base.resolve("lib").resolve(Path.of(driver.getName()).getFileName()));
                }
            }
            // Parallel deployment naming: ROOT##<version>.war serves at /.
            Files.copy(war, base.resolve("webapps/ROOT##001.war"));
        }

        void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
                    .directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(base.resolve("logs/console.out").toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("CATALINA_") || k.startsWith("CAIRN_") || k.equals("JAVA_OPTS")
                    || k.equals("JRE_HOME"));
            env.put("CATALINA_HOME", home.toString());
            env.put("CATALINA_BASE", base.toString());
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("CAIRN_ADMIN_PASSWORD", ADMIN_PASSWORD);
            process = pb.start();
        }

        /** Polls the HTTP connector until Cairn's home page answers; fails fast if Tomcat or Cairn dies. */
        void awaitCairn() throws Exception {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            URL url = url("http://127.0.0.1:" + httpPort + "/");
            while (true) {
                String console = Files.readString(base.resolve("logs/console.out"));
                if (!process.isAlive()) {
                    Assertions.fail("Tomcat " + name + " exited with " + process.exitValue() + ":\n" + tailOf(console));
                }
                if (console.contains("Cairn cannot start")) {
                    Assertions.fail("Cairn did not start in Tomcat " + name + ":\n" + tailOf(console));
                }
                if (listening(httpPort)) {
                    try {
                        HttpResponse<String> r = Http.get(url, "/?tomcat-ready", null);
                        // Tomcat answers 404 until Cairn (mapped at /) is deployed and started
                        if (r.statusCode() == 200) {
                            return;
                        }
                    } catch (IOException e) {
                        // not yet
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    Assertions.fail("Tomcat " + name + " did not serve Cairn within " + START_TIMEOUT_MS + " ms:\n"
                            + tailOf(console));
                }
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
        }

        String accessLog() {
            StringBuilder sb = new StringBuilder();
            try (Stream<Path> s = Files.list(base.resolve("logs"))) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("cairn_access")).sorted().toList()) {
                    sb.append(Files.readString(p));
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read the access log of " + name, e);
            }
            return sb.toString();
        }

        /** The JVM's process: catalina.sh run execs java, so it is normally the process started here. */
        long jvmPid() {
            return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .findFirst().map(ProcessHandle::pid).orElse(process.pid());
        }

        /** SIGTERM (catalina.sh run execs java), which Tomcat answers with a clean shutdown. */
        void stop() throws InterruptedException {
            if (process == null) {
                return;
            }
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    // ------------------------------------------------------------------------------------------------ Apache

    /** A private Apache httpd: its own server config (what a distribution's apache2.conf does) including a vhost. */
    private static final class Apache {
        final String name;
        final Path bin;
        final Path modules;
        final Path dir;
        final int port;
        Path conf;

        Apache(String name, Path bin, Path modules, Path dir, int port) {
            this.name = name;
            this.bin = bin;
            this.modules = modules;
            this.dir = dir;
            this.port = port;
        }

        String base() {
            return "http://127.0.0.1:" + port + "/";
        }

        String accessLog() throws IOException {
            return Files.readString(dir.resolve("logs/access.log"));
        }

        void start(String vhost) throws Exception {
            Path run = Files.createDirectories(dir.resolve("run"));
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(dir.resolve("cairn.conf"), vhost);
            StringBuilder c = new StringBuilder();
            c.append("ServerRoot \"").append(dir).append("\"\n")
                    .append("ServerName 127.0.0.1\n")
                    .append("Listen 127.0.0.1:").append(port).append('\n')
                    .append("PidFile \"").append(run.resolve("httpd.pid")).append("\"\n")
                    .append("Mutex file:").append(run).append(" default\n")
                    .append("DefaultRuntimeDir \"").append(run).append("\"\n")
                    .append("ErrorLog \"").append(dir.resolve("logs/error.log")).append("\"\n")
                    .append("LogLevel warn\n")
                    .append("LogFormat \"%h %u \\\"%r\\\" %>s %b %D\" cairn\n")
                    .append("CustomLog \"").append(dir.resolve("logs/access.log")).append("\" cairn\n");
            for (String m : APACHE_MODULES) {
                c.append("LoadModule ").append(m).append("_module \"").append(modules.resolve("mod_" + m + ".so"))
                        .append("\"\n");
            }
            if (Files.isRegularFile(Path.of("/etc/mime.types"))) {
                c.append("TypesConfig /etc/mime.types\n");
            } else {
                c.append("AddType text/css .css\n");
            }
            if (isRoot()) {
                String user = userExists("www-data") ? "www-data" : "nobody";
                c.append("User ").append(user).append("\nGroup ").append(user.equals("nobody") ? "nogroup" : user)
                        .append('\n');
                chown(run, user);
            }
            c.append("Include \"").append(dir.resolve("cairn.conf")).append("\"\n");
            conf = dir.resolve("httpd.conf");
            Files.writeString(conf, c.toString());

            Process p = new ProcessBuilder(bin.toString(), "-f", conf.toString(), "-k", "start")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                Assertions.fail("Apache " + name + " did not start: " + out + "\n" + tail(dir.resolve("logs/error.log"))
                        + "\nconfig:\n" + c + "\nvhost:\n" + vhost);
            }
            await("Apache " + name + " on port " + port, 30_000, () -> listening(port));
        }

        void stop() throws Exception {
            if (conf == null) {
                return;
            }
            Path pidFile = dir.resolve("run/httpd.pid");
            String pid = Files.exists(pidFile) ? Files.readString(pidFile).trim() : null;
            Process p = new ProcessBuilder(bin.toString(), "-f", conf.toString(), "-k", "stop")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 30_000;
            while (Files.exists(pidFile) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            if (pid != null && !pid.isEmpty()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                    if (h.isAlive()) {
                        h.destroyForcibly();
                    }
                });
            }
        }

        private static boolean userExists(String user) {
            try {
                return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
            } catch (IOException e) {
                return false;
            }
        }

        private static void chown(Path p, String user) throws IOException {
            UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal u = lookup.lookupPrincipalByName(user);
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
            view.setOwner(u);
            try {
                GroupPrincipal g = lookup.lookupPrincipalByGroupName(user.equals("nobody") ? "nogroup" : user);
                view.setGroup(g);
            } catch (IOException ignored) {
                // owner is enough
            }
        }
    }
}
