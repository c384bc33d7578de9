package cairn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import cairn.auth.User;
import cairn.testing.Git;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.vcs.Repo;

/**
 * {@code [git] shared_packs = true} with a single pack slot and no line: identical concurrent upload-packs share one
 * generation, so none of them is refused and all get the same, complete pack; the whole answer stays on disk for
 * later identical requests until a push changes the refs ({@code pack_cache_bytes}, 1g by default).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitSharedPacksPerfIT {
    static TestSite site;
    static User alice;
    static Repo big;
    static String bigHead;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("""
                [git]
                shared_packs = true
                max_concurrent_packs = 1
                max_queued_packs = 0
                gc_threads = 0
                """);
        alice = site.user("alice", "alice-pw");
        big = site.repo("shared", alice, false);
        bigHead = cairn.testing.Blobs.commitRandom(site.services.repos.folder(big), 3, 8 << 20, 7);
        return site.war();
    }

    @AfterAll
    static void tearDown() {
        site.close();
    }

    private HttpRequest wantAll() {
        String want = "want " + bigHead + "\n";
        String body = String.format("%04x", want.length() + 4) + want + "0000" + "0009done\n";
        return HttpRequest.newBuilder(URI.create(Http.join(base, "shared.git/git-upload-pack")))
                .header("Content-Type", "application/x-git-upload-pack-request")
                .header("Accept", "application/x-git-upload-pack-result")
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII)).build();
    }

    private static byte[] digestOf(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (in; OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            in.transferTo(out);
        }
        return d.digest();
    }

    @Test
    @Order(1)
    void identicalRequestsShareOneGenerationInsteadOfBeingRefused() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<InputStream>>> responses = new ArrayList<>();
        // the leader takes the only slot; its client does not read yet, so the generation is still running
        responses.add(client.sendAsync(wantAll(), HttpResponse.BodyHandlers.ofInputStream()));
        assertEquals(200, responses.get(0).get(60, TimeUnit.SECONDS).statusCode());
        for (int i = 0; i < 5; i++) {
            responses.add(client.sendAsync(wantAll(), HttpResponse.BodyHandlers.ofInputStream()));
        }
        // followers answer 200 as soon as the spool has bytes: no 503 although slot and line are taken
        for (CompletableFuture<HttpResponse<InputStream>> f : responses) {
            assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
        }
        List<Future<byte[]>> digests = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            for (CompletableFuture<HttpResponse<InputStream>> f : responses) {
                InputStream body = f.get().body();
                digests.add(pool.submit(() -> digestOf(body)));
            }
            byte[] first = digests.get(0).get(120, TimeUnit.SECONDS);
            for (Future<byte[]> d : digests) {
                assertArrayEquals(first, d.get(120, TimeUnit.SECONDS), "every client got the same bytes");
            }
        } finally {
            pool.shutdownNow();
        }
        String metrics = Http.get(base, "_admin/metrics", Http.basic("admin", TestSite.ADMIN_PASSWORD)).body();
        assertTrue(metrics.lines().anyMatch(l -> l.equals("cairn_git_packs_shared_total 5")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.equals("cairn_git_pack_rejected_total{reason=\"queue_full\"} 0")),
                metrics);
        // once everyone has read it, only the kept whole answer is left in the spool
        assertEquals(1, spoolFiles());
    }

    private static long spoolFiles() throws IOException {
        try (var spool = Files.list(site.dir.resolve("data/tmp/packs"))) {
            return spool.count();
        }
    }

    private long sharedTotal() throws Exception {
        String metrics = Http.get(base, "_admin/metrics", Http.basic("admin", TestSite.ADMIN_PASSWORD)).body();
        return metrics.lines().filter(l -> l.startsWith("cairn_git_packs_shared_total "))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    private byte[] fetchAll(HttpClient client) throws Exception {
        HttpResponse<InputStream> r = client.send(wantAll(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        return digestOf(r.body());
    }

    @Test
    @Order(3)
    void aLaterIdenticalCloneIsAnsweredFromTheKeptPackUntilAPush() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        byte[] first = fetchAll(client);
        long shared = sharedTotal();
        assertArrayEquals(first, fetchAll(client), "the kept answer is the same pack");
        assertEquals(shared + 1, sharedTotal(), "one request after the other: answered from the kept pack");
        // a push (to another branch: the wanted commit stays a tip) drops the kept answers of the repository
        Path work = site.git.workTree(Files.createTempDirectory(site.dir, "push"), "other");
        String url = base.toString().replace("://", "://alice:alice-pw@")
                + (base.toString().endsWith("/") ? "" : "/") + "shared.git";
        site.git.run(work, "push", url, "HEAD:refs/heads/other").expectOk();
        assertArrayEquals(first, fetchAll(client));
        assertEquals(shared + 1, sharedTotal(), "after the push the pack was generated again");
        assertArrayEquals(first, fetchAll(client), "and kept again");
        assertEquals(shared + 2, sharedTotal());
    }

    @Test
    @Order(2)
    void aStormOfIdenticalRealClonesAllSucceedOnOneSlot() throws Exception {
        int clones = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clones);
        try {
            List<Future<Git.Result>> results = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            for (int i = 0; i < clones; i++) {
                Path dir = Files.createTempDirectory(site.dir, "storm");
                dirs.add(dir);
                String url = base.toString() + (base.toString().endsWith("/") ? "" : "/") + "shared.git";
                results.add(pool.submit(() -> site.git.run(dir, "-c", "protocol.version=0", "clone", "-q", url,
                        "c")));
            }
            for (int i = 0; i < clones; i++) {
                // identical requests never compete for the slot: each one leads or follows a generation
                results.get(i).get(5, TimeUnit.MINUTES).expectOk();
                assertEquals(bigHead, site.git.head(dirs.get(i).resolve("c")));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
