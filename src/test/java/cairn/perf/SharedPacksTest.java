package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.vcs.git.SharedPacks;
import cairn.vcs.git.SharedPacks.Generation;
import cairn.vcs.git.SharedPacks.Joined;

/** Identical concurrent pack generations: one leader generates, followers stream its spool. */
class SharedPacksTest {
    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    private Future<byte[]> follower(SharedPacks shared, String key, List<String> types) throws Exception {
        Joined j = shared.join(key);
        assertFalse(j.leader());
        return pool.submit(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean served = j.generation().streamTo(type -> {
                types.add(type);
                return out;
            });
            return served ? out.toByteArray() : null;
        });
    }

    private long spoolFiles() throws IOException {
        try (var s = Files.list(tmp.resolve("spool"))) {
            return s.count();
        }
    }

    @Test
    void followersGetExactlyTheLeadersBytesAndTheSpoolGoes() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"));
        String key = SharedPacks.key(tmp, "version=2", null, "want x".getBytes(StandardCharsets.UTF_8));
        Joined leader = shared.join(key);
        assertTrue(leader.leader());
        Generation g = leader.generation();
        List<String> types = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Future<byte[]>> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(follower(shared, key, types));
        }
        g.started("application/x-git-upload-pack-result");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] chunk = ("chunk " + i + " ").repeat(1000).getBytes(StandardCharsets.UTF_8);
            g.append(chunk, 0, chunk.length);
            expected.write(chunk);
            if (i == 25) {
                early.add(follower(shared, key, types)); // joins half-way: still gets everything
            }
        }
        assertEquals(4, g.followers());
        g.end(true);
        for (Future<byte[]> f : early) {
            assertArrayEquals(expected.toByteArray(), f.get(10, TimeUnit.SECONDS));
        }
        assertTrue(types.stream().allMatch("application/x-git-upload-pack-result"::equals), types.toString());
        assertEquals(0, shared.running());
        assertEquals(0, spoolFiles());
        // once ended, the same request starts a new generation
        Joined again = shared.join(key);
        assertTrue(again.leader());
        assertNotEquals(g, again.generation());
        again.generation().end(true);
        assertEquals(0, spoolFiles());
    }

    @Test
    void anUnshareableAnswerSendsFollowersToGenerateTheirOwn() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"));
        String key = SharedPacks.key(tmp, null, null, new byte[] {1});
        Generation g = shared.join(key).generation();
        Future<byte[]> f = follower(shared, key, new ArrayList<>());
        g.unshareable();
        assertEquals(null, f.get(10, TimeUnit.SECONDS));
        g.end(true);
        assertEquals(0, spoolFiles());
    }

    @Test
    void aLeaderFailingMidwayCutsOffFollowersThatGotBytes() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"));
        String key = SharedPacks.key(tmp, null, null, new byte[] {2});
        Generation g = shared.join(key).generation();
        Joined j = shared.join(key);
        List<Integer> got = new ArrayList<>();
        Future<Boolean> f = pool.submit(() -> j.generation().streamTo(type -> new OutputStream() {
            @Override
            public void write(int b) {
                got.add(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                got.add(len);
            }
        }));
        g.started("t");
        g.append(new byte[100], 0, 100);
        await(() -> !got.isEmpty());
        g.end(false);
        Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, e.toString());
        assertEquals(0, spoolFiles());
    }

    @Test
    void keysDifferByRepositoryBodyAndHeaders() {
        byte[] body = "0032want ...".getBytes(StandardCharsets.UTF_8);
        String k = SharedPacks.key(tmp.resolve("a"), "version=2", "gzip", body);
        assertEquals(k, SharedPacks.key(tmp.resolve("a"), "version=2", "gzip", body.clone()));
        assertNotEquals(k, SharedPacks.key(tmp.resolve("b"), "version=2", "gzip", body));
        assertNotEquals(k, SharedPacks.key(tmp.resolve("a"), null, "gzip", body));
        assertNotEquals(k, SharedPacks.key(tmp.resolve("a"), "version=2", null, body));
        assertNotEquals(k, SharedPacks.key(tmp.resolve("a"), "version=2", "gzip", new byte[] {0}));
    }

    @Test
    void theOrderAndRepeatsOfWantsDoNotChangeTheKey() {
        String a = "1111111111111111111111111111111111111111";
        String b = "2222222222222222222222222222222222222222";
        String one = "0011command=fetch0001000dthin-pack0032want " + a + "\n0032want " + b + "\n0009done\n0000";
        String two = "0011command=fetch0001000dthin-pack0032want " + b + "\n0032want " + a + "\n0032want " + b
                + "\n0009done\n0000";
        String other = "0011command=fetch0001000dthin-pack0032want " + a + "\n0009done\n0000";
        assertEquals(SharedPacks.key(tmp, "version=2", null, one.getBytes(StandardCharsets.US_ASCII)),
                SharedPacks.key(tmp, "version=2", null, two.getBytes(StandardCharsets.US_ASCII)));
        assertNotEquals(SharedPacks.key(tmp, "version=2", null, one.getBytes(StandardCharsets.US_ASCII)),
                SharedPacks.key(tmp, "version=2", null, other.getBytes(StandardCharsets.US_ASCII)));
    }
}
