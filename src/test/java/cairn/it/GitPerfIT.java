package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.management.MBeanServer;
import javax.management.ObjectName;

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
 * Git serving under load, in the WAR on embedded Tomcat with the real git CLI: background repacks leave bitmaps,
 * pack generation beyond its slots and line gets 503 with Retry-After, and the metrics endpoint is for admins.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitPerfIT {
    private static final int SLOTS = 1;
    private static final int QUEUE = 1;

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
                max_concurrent_packs = %d
                max_queued_packs = %d
                queue_timeout_seconds = 120
                gc_delay_seconds = 1
                gc_threads = 1
                window_cache_bytes = 64m
                shared_packs = false
                """.formatted(SLOTS, QUEUE));
        alice = site.user("alice", "alice-pw");
        site.repo("small", alice, false);
        big = site.repo("big", alice, false);
        bigHead = cairn.testing.Blobs.commitRandom(site.services.repos.folder(big), 4, 8 << 20, 42);
        return site.war();
    }

    @AfterAll
    static void tearDown() {
        site.close();
    }

    private String url(String user, String password, String path) {
        String b = base.toString();
        String auth = user == null ? "" : user + ":" + password + "@";
        return b.replace("://", "://" + auth) + (b.endsWith("/") ? "" : "/") + path;
    }

    private Path tmp(String name) throws IOException {
        return Files.createTempDirectory(site.dir, name);
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private static boolean hasBitmap(Path folder) {
        try (var files = Files.list(folder.resolve("objects/pack"))) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".bitmap"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @Order(1)
    void pushesAreRepackedWithABitmapWhileClonesKeepWorking() throws Exception {
        Path folder = site.services.repos.folder(site.services.repos.byName("small").orElseThrow());
        Path work = site.git.workTree(tmp("seed"), "one", "two", "three");
        site.git.run(work, "push", url("alice", "alice-pw", "small.git"), "HEAD:refs/heads/main").expectOk();
        for (int i = 0; i < 3; i++) {
            site.git.commit(work, "more " + i);
            site.git.run(work, "push", url("alice", "alice-pw", "small.git"), "HEAD:refs/heads/main").expectOk();
        }
        String head = site.git.head(work);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int clones = 0;
        // clone over and over until the background repack has written its bitmap: none may fail
        while (!hasBitmap(folder)) {
            assertTrue(System.nanoTime() < deadline, "no bitmap in " + folder.resolve("objects/pack"));
            Path c = tmp("during");
            site.git.run(c, "clone", "-q", url(null, null, "small.git"), "c").expectOk();
            assertEquals(head, site.git.head(c.resolve("c")));
            clones++;
        }
        Path after = tmp("after");
        site.git.run(after, "clone", "-q", url(null, null, "small.git"), "c").expectOk();
        assertEquals(head, site.git.head(after.resolve("c")));
        assertTrue(clones >= 0);
    }

    /** A protocol-v0 upload-pack request for everything, without side-band: the answer is NAK then the pack. */
    private HttpRequest wantAll() {
        String want = "want " + bigHead + "\n";
        String body = String.format("%04x", want.length() + 4) + want + "0000" + "0009done\n";
        return HttpRequest.newBuilder(URI.create(Http.join(base, "big.git/git-upload-pack")))
                .header("Content-Type", "application/x-git-upload-pack-request")
                .header("Accept", "application/x-git-upload-pack-result")
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII)).build();
    }

    @Test
    @Order(2)
    void packsBeyondTheSlotsAndTheLineGet503WithRetryAfter() throws Exception {
        int fired = SLOTS + QUEUE + 4;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<InputStream>>> responses = new ArrayList<>();
        // the first holds the slot: its client reads nothing, so the server blocks writing the 32 MiB pack
        responses.add(client.sendAsync(wantAll(), HttpResponse.BodyHandlers.ofInputStream()));
        responses.get(0).get(60, TimeUnit.SECONDS);
        for (int i = 1; i < fired; i++) {
            responses.add(client.sendAsync(wantAll(), HttpResponse.BodyHandlers.ofInputStream()));
        }
        await("refusals", Duration.ofSeconds(60),
                () -> responses.stream().filter(CompletableFuture::isDone).count() >= fired - QUEUE);
        List<HttpResponse<InputStream>> refused = new ArrayList<>();
        for (CompletableFuture<HttpResponse<InputStream>> f : responses) {
            if (f.isDone()) {
                HttpResponse<InputStream> r = f.get();
                if (r.statusCode() == 503) {
                    refused.add(r);
                    r.body().close();
                }
            }
        }
        assertEquals(fired - SLOTS - QUEUE, refused.size(), "refused beyond slots and line");
        for (HttpResponse<InputStream> r : refused) {
            long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 120, "Retry-After " + retry);
        }
        // the admitted and the queued one are served in full, one after the other
        int served = 0;
        for (CompletableFuture<HttpResponse<InputStream>> f : responses) {
            HttpResponse<InputStream> r = f.get(120, TimeUnit.SECONDS);
            if (r.statusCode() == 503) {
                continue;
            }
            assertEquals(200, r.statusCode());
            try (InputStream in = r.body()) {
                byte[] nak = in.readNBytes(8);
                assertEquals("0008NAK\n", new String(nak, StandardCharsets.US_ASCII));
                assertEquals("PACK", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                long rest = in.transferTo(OutputStreamSink.INSTANCE);
                assertTrue(rest > 32L << 20, "the whole pack: " + rest);
            }
            served++;
        }
        assertEquals(SLOTS + QUEUE, served);
    }

    /** Discards what it is given. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    @Test
    @Order(3)
    void aStormOfRealClonesEndsInSuccessOr503Only() throws Exception {
        int clones = SLOTS + QUEUE + 4;
        ExecutorService pool = Executors.newFixedThreadPool(clones);
        try {
            List<Future<Git.Result>> results = new ArrayList<>();
            for (int i = 0; i < clones; i++) {
                Path dir = tmp("storm");
                results.add(pool.submit(() -> site.git.run(dir, "clone", "-q", url(null, null, "big.git"), "c")));
            }
            int ok = 0;
            for (Future<Git.Result> f : results) {
                Git.Result r = f.get(5, TimeUnit.MINUTES);
                if (r.ok()) {
                    ok++;
                } else {
                    assertTrue(r.out().contains("503"), "a clone failed otherwise than with 503:\n" + r.out());
                }
            }
            assertTrue(ok >= 1, "at least one clone got through");
        } finally {
            pool.shutdownNow();
        }
        Path after = tmp("calm");
        site.git.run(after, "clone", "-q", url(null, null, "big.git"), "c").expectOk();
        assertEquals(bigHead, site.git.head(after.resolve("c")));
    }

    @Test
    @Order(4)
    void metricsAreForAdminsOnly() throws Exception {
        assertEquals(401, Http.get(base, "_admin/metrics", null).statusCode());
        assertEquals(401, Http.get(base, "_admin/metrics", Http.basic("admin", "wrong")).statusCode());
        assertEquals(403, Http.get(base, "_admin/metrics", Http.basic("alice", "alice-pw")).statusCode());
        HttpResponse<String> r = Http.get(base, "_admin/metrics", Http.basic("admin", TestSite.ADMIN_PASSWORD));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        for (String name : List.of("cairn_git_packs_active", "cairn_git_packs_queued",
                "cairn_git_pack_bytes_sent_total", "cairn_git_clones_total", "cairn_git_fetches_total",
                "cairn_git_pushes_total", "cairn_git_pack_rejected_total", "cairn_git_gc_runs_total",
                "cairn_git_request_seconds")) {
            assertTrue(text.contains(name), name + " in\n" + text);
        }
        assertTrue(value(text, "cairn_git_pushes_total") >= 4, text);
        assertTrue(value(text, "cairn_git_clones_total") >= 3, text);
        assertTrue(value(text, "cairn_git_pack_bytes_sent_total") > 64L << 20, text);
        assertTrue(value(text, "cairn_git_pack_rejected_total{reason=\"queue_full\"}") >= 4, text);
        assertTrue(value(text, "cairn_git_gc_runs_total") >= 1, text);
        assertEquals(0, value(text, "cairn_git_packs_active"), text);

        // the same numbers over JMX (the embedded Tomcat runs in this JVM)
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("cairn:type=Git,*"), null);
        assertTrue(names.stream().anyMatch(n -> {
            try {
                return ((Long) server.getAttribute(n, "Pushes")) >= 4;
            } catch (Exception e) {
                return false;
            }
        }), "cairn:type=Git over JMX: " + names);
    }

    private static long value(String text, String sample) {
        return text.lines().filter(l -> l.startsWith(sample + " ")).map(l -> l.substring(sample.length() + 1))
                .mapToLong(v -> (long) Double.parseDouble(v)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + sample));
    }
}
