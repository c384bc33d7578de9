package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.Perms;
import cairn.auth.User;
import cairn.config.Settings;
import cairn.testing.Git;
import cairn.testing.GitHttpServer;
import cairn.vcs.ImportJobs;
import cairn.vcs.ImportJobs.State;
import cairn.vcs.RepoService.NewRepo;
import cairn.vcs.RepoService.Refusal;

/**
 * Background imports through the real services and a local JGit HTTP server: a job is seen only by its starter and
 * super-admins, the name is reserved while it runs (for the API path too), the repository appears only when complete,
 * and a failure leaves nothing.
 */
class ImportJobsTest {
    @TempDir
    static Path dir;
    static Services services;
    static User admin;
    static User dev;
    static Perms adminPerms;
    static GitHttpServer remote;
    static String head;

    @BeforeAll
    static void setUp() throws Exception {
        String url = "jdbc:h2:mem:imports-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.resolve("data").toString(),
                "database.url", url)));
        admin = services.setUp();
        dev = services.users.create("dev", "dev-pw1", "dev@example.com", false, null);
        adminPerms = services.permissions.of(admin, services.users.defaultUser());
        Git git = new Git(dir.resolve("home"));
        Path work = git.workTree(dir.resolve("work"), "one", "two");
        head = git.head(work);
        git.run(dir, "clone", "-q", "--bare", work.toString(), dir.resolve("src.git").toString()).expectOk();
        remote = GitHttpServer.start(dir.resolve("src.git"), "src", "bob", "bob-pw");
    }

    @AfterAll
    static void tearDown() {
        if (remote != null) {
            remote.close();
        }
        services.close();
    }

    private static NewRepo spec(String name, String cloneUri) {
        return new NewRepo(name, admin, "", false, cloneUri, "rev:tip", false, false, false);
    }

    private static Path reposDir() {
        return services.settings.reposDir();
    }

    private static void assertNothingLeft(String name) throws Exception {
        assertTrue(services.repos.byName(name).isEmpty(), "no row");
        assertFalse(Files.exists(reposDir().resolve(name)), "no folder");
        Path staging = reposDir().resolve(".importing");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> s = Files.list(staging)) {
                assertEquals(0, s.count(), "no staging folder left");
            }
        }
    }

    @Test
    void aJobIsPrivateReservesItsNameAndShowsTheRepositoryOnlyWhenComplete() throws Exception {
        ImportJobs jobs = services.imports;
        CountDownLatch gate = remote.hold();
        String id = jobs.start(admin, adminPerms, spec("copy", remote.url("src.git")), "127.0.0.1");
        try {
            assertTrue(remote.awaitPackRequest(30), "the job reached the remote");
            assertTrue(jobs.get(id, admin, false).isPresent(), "its starter sees it");
            assertTrue(jobs.get(id, dev, false).isEmpty(), "another user does not");
            assertTrue(jobs.get(id, dev, true).isPresent(), "a super-admin does");
            assertTrue(jobs.get("no-such-job", admin, true).isEmpty());
            assertEquals(State.RUNNING, jobs.get(id, admin, false).orElseThrow().state());

            Refusal again = assertThrows(Refusal.class,
                    () -> jobs.start(admin, adminPerms, spec("copy", remote.url("src.git")), "127.0.0.1"));
            assertTrue(again.detail().contains("being"), again.detail());
            Refusal api = assertThrows(Refusal.class, () -> services.repos.create(admin, spec("copy", null), "x"));
            assertTrue(api.detail().contains("being created"), "the API path sees the reservation: " + api.detail());
            assertTrue(services.repos.byName("copy").isEmpty(), "no row while importing");
            assertFalse(Files.exists(reposDir().resolve("copy")), "no folder under its name while importing");
        } finally {
            gate.countDown();
        }
        assertTrue(jobs.awaitEnd(id, Duration.ofSeconds(60)));
        ImportJobs.View done = jobs.get(id, admin, false).orElseThrow();
        assertEquals(State.DONE, done.state(), String.valueOf(done.error()));
        assertTrue(done.progress().finished().stream().anyMatch(l -> l.startsWith("Receiving objects: ")),
                done.progress().toString());
        assertEquals(head, services.repos.refs(services.repos.byName("copy").orElseThrow()).branches().get("main"));
        assertTrue(Files.isDirectory(reposDir().resolve("copy")));
    }

    @Test
    void aFailedImportSaysWhyAndLeavesNothing() throws Exception {
        ImportJobs jobs = services.imports;
        String id = jobs.start(admin, adminPerms, spec("nope", remote.url("missing.git")), "127.0.0.1");
        assertTrue(jobs.awaitEnd(id, Duration.ofSeconds(60)));
        ImportJobs.View v = jobs.get(id, admin, false).orElseThrow();
        assertEquals(State.FAILED, v.state());
        assertTrue(v.error().contains("not a Git repository"), v.error());
        assertNothingLeft("nope");

        id = jobs.start(admin, adminPerms, spec("denied", remote.url("private/src.git").replace("://",
                "://bob:wrong@")), "127.0.0.1");
        assertTrue(jobs.awaitEnd(id, Duration.ofSeconds(60)));
        v = jobs.get(id, admin, false).orElseThrow();
        assertTrue(v.error().endsWith("authentication failed"), v.error());
        assertFalse(v.error().contains("wrong") || v.url().contains("wrong"), "password hidden");
        assertNothingLeft("denied");
    }

    @Test
    void badRequestsAreRefusedBeforeAnyJob() throws Exception {
        ImportJobs jobs = services.imports;
        assertTrue(assertThrows(Refusal.class, () -> jobs.start(admin, adminPerms, spec("x", "file:///etc"), "ip"))
                .detail().contains("http(s)"));
        assertTrue(assertThrows(Refusal.class, () -> jobs.start(admin, adminPerms, spec("-bad", remote.url(
                "src.git")), "ip")).detail().contains("invalid"));
        assertThrows(Refusal.class, () -> jobs.start(admin, adminPerms, spec("x", null), "ip"));
        assertThrows(Refusal.class, () -> jobs.start(admin, adminPerms, spec("nogroup/x", remote.url("src.git")),
                "ip"));
        Perms devPerms = services.permissions.of(dev, services.users.defaultUser());
        if (!devPerms.global().contains("hg.create.repository")) {
            assertThrows(Refusal.class, () -> jobs.start(dev, devPerms, spec("y", remote.url("src.git")), "ip"),
                    "the create rules apply");
        }
    }
}
