package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongPredicate;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import cairn.auth.User;
import cairn.testing.Http;
import cairn.testing.SiteTest;
import cairn.testing.TestSite;

/**
 * The first clone after a push is answered from disk like the ones before it: the kept answers a push drops are
 * prepared again after the background repack when they had been asked for more than once, rebased on the new refs,
 * and real {@code git clone}s get them (complete, with the pushed branch). An answer asked for once is not prepared.
 */
class GitPreparedPacksIT extends SiteTest {
    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("""
                [git]
                gc_delay_seconds = 0
                """);
        User alice = site.user("alice", "alice-pw");
        site.repo("prep", alice, false);
        return site.war();
    }

    private String url(boolean withUser) {
        String b = base.toString().endsWith("/") ? base.toString() : base + "/";
        return (withUser ? b.replace("://", "://alice:alice-pw@") : b) + "prep.git";
    }

    private long metric(String name) throws Exception {
        String text = Http.get(base, "_admin/metrics", Http.basic("admin", TestSite.ADMIN_PASSWORD)).body();
        return text.lines().filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + text));
    }

    private void await(String name, LongPredicate until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!until.test(metric(name))) {
            assertTrue(System.nanoTime() < deadline, name + " stayed at " + metric(name));
            Thread.sleep(50); // polling the server's own counter: there is nothing to wait on in this process
        }
    }

    private Path clone(String option) throws Exception {
        Path dir = Files.createTempDirectory(site.dir, "clone");
        site.git.run(dir, "-c", "protocol.version=2", "clone", "-q", option, url(false), "c").expectOk();
        return dir.resolve("c");
    }

    @Test
    void theFirstCloneAfterAPushIsAnsweredFromAPreparedPack() throws Exception {
        Path work = site.git.workTree(Files.createTempDirectory(site.dir, "work"), "one", "two", "three");
        // enough tags that a clone's request is over 1 KiB, which git sends gzipped: keyed by what it says
        for (int i = 1; i <= 24; i++) {
            site.git.run(work, "tag", "-a", "-m", "tag " + i, "v" + i).expectOk();
        }
        site.git.run(work, "push", "-q", "--tags", url(true), "HEAD:refs/heads/main").expectOk();
        await("cairn_git_gc_pending", v -> v == 0);
        await("cairn_git_gc_runs_total", v -> v >= 1);

        clone("--bare");
        long shared = metric("cairn_git_packs_shared_total");
        clone("--bare");
        assertEquals(shared + 2, metric("cairn_git_packs_shared_total"), "ls-refs and fetch were kept");
        clone("--filter=blob:none"); // asked for once: not worth preparing
        long prepared = metric("cairn_git_packs_prepared_total");

        site.git.commit(work, "four");
        site.git.run(work, "push", "-q", url(true), "HEAD:refs/heads/main", "HEAD~1:refs/heads/topic").expectOk();
        await("cairn_git_packs_prepared_total", v -> v >= prepared + 2);
        await("cairn_git_gc_pending", v -> v == 0);
        assertEquals(prepared + 2, metric("cairn_git_packs_prepared_total"), "the bare clone's ls-refs and fetch");

        shared = metric("cairn_git_packs_shared_total");
        Path after = clone("--bare");
        assertEquals(shared + 2, metric("cairn_git_packs_shared_total"), "both answered from the prepared packs");
        assertEquals(site.git.head(work), site.git.run(after, "rev-parse", "main").expectOk().out().trim());
        assertEquals(site.git.run(work, "rev-parse", "HEAD~1").expectOk().out().trim(),
                site.git.run(after, "rev-parse", "topic").expectOk().out().trim(), "the pushed branch is there");
        assertEquals(site.git.run(work, "rev-parse", "v24").expectOk().out().trim(),
                site.git.run(after, "rev-parse", "v24").expectOk().out().trim());
        site.git.run(after, "fsck", "--strict").expectOk();

        shared = metric("cairn_git_packs_shared_total");
        clone("--filter=blob:none");
        assertEquals(shared + 1, metric("cairn_git_packs_shared_total"), "its ls-refs only: the fetch is generated");
    }
}
