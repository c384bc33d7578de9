package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.vcs.git.PackRecipe;
import cairn.vcs.git.SharedPacks;
import cairn.vcs.git.SharedPacks.Generation;
import cairn.vcs.git.SharedPacks.Joined;

/** Whole clone answers kept on disk after their generation ({@code [git] pack_cache_bytes}). */
class SharedPackCacheTest {
    @TempDir
    Path tmp;

    private static final String TYPE = "application/x-git-upload-pack-result";

    /** A recipe for every branch, as a clone's. */
    private static final PackRecipe WANTED = new PackRecipe("version=2", null, new byte[] {1}, List.of("refs/heads/"),
            List.of());

    /** A cache that remembers the recipes of answers in demand, as with the preparer. */
    private SharedPacks collecting() throws IOException {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 20);
        shared.collectRecipes();
        return shared;
    }

    private long spoolFiles() throws IOException {
        try (var s = Files.list(tmp.resolve("spool"))) {
            return s.count();
        }
    }

    /** Leads a generation for {@code key} that answers {@code bytes}, ended whole and offered for keeping. */
    private static void generate(SharedPacks shared, String key, Path folder, byte[] bytes) throws IOException {
        Joined j = shared.join(key, folder);
        assertTrue(j.leader());
        j.generation().started(TYPE);
        j.generation().append(bytes, 0, bytes.length);
        j.generation().end(true, true);
    }

    private static byte[] follow(SharedPacks shared, String key, Path folder) throws Exception {
        Joined j = shared.join(key, folder);
        assertFalse(j.leader(), "a kept answer is joined, not generated again");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(j.generation().streamTo(type -> {
            assertEquals(TYPE, type);
            return out;
        }));
        return out.toByteArray();
    }

    @Test
    void aWholeAnswerIsKeptForLaterIdenticalRequestsUntilThePushDropsIt() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 20);
        Path repo = tmp.resolve("a.git");
        Path other = tmp.resolve("b.git");
        byte[] pack = "PACK and more".repeat(100).getBytes(StandardCharsets.UTF_8);
        generate(shared, "k1", repo, pack);
        generate(shared, "k2", other, pack);
        assertEquals(0, shared.running());
        assertEquals(2, shared.kept());
        assertEquals(2L * pack.length, shared.keptBytes());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(pack, follow(shared, "k1", repo));
        }
        shared.invalidate(repo);
        assertEquals(1, shared.kept());
        assertEquals(2, spoolFiles(), "the push does not wait for the dropped answer's file to go");
        assertEquals(1, shared.stale());
        assertTrue(shared.join("k1", repo).leader(), "after the push the request is generated again");
        assertArrayEquals(pack, follow(shared, "k2", other));
        assertEquals(1, shared.sweep());
        assertEquals(2, spoolFiles(), "the stale file is gone: the other answer and the new generation's stay");
        assertEquals(0, shared.stale());
    }

    @Test
    void staleFilesCountInTheCacheSizeAndGoFirstWhenItIsFull() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 2500);
        Path repo = tmp.resolve("a.git");
        Path other = tmp.resolve("b.git");
        byte[] pack = new byte[1000];
        generate(shared, "a1", repo, pack);
        generate(shared, "b1", other, pack);
        shared.invalidate(repo);
        assertEquals(1, shared.stale());
        assertEquals(2, spoolFiles());
        // 1000 stale + 1000 kept + 1000 new > 2500: the stale file goes, the answer in use stays
        generate(shared, "b2", other, pack);
        assertEquals(0, shared.stale());
        assertEquals(2, shared.kept());
        assertEquals(2, spoolFiles());
        assertArrayEquals(pack, follow(shared, "b1", other));
        // pushes faster than repacks (nobody sweeps): stale files and kept answers stay within the cache size
        shared.invalidate(other);
        for (int i = 0; i < 5; i++) {
            generate(shared, "a" + i, repo, pack);
            assertTrue(spoolFiles() <= 2, spoolFiles() + " files of 1000 bytes in a cache of 2500");
            shared.invalidate(repo);
            assertTrue(spoolFiles() <= 2, spoolFiles() + " files of 1000 bytes in a cache of 2500");
        }
        assertTrue(shared.stale() > 0);
    }

    @Test
    void anAnswerGeneratedWhileAPushLandsIsSharedButNotKeptAndStaysInDemand() throws Exception {
        SharedPacks shared = collecting();
        byte[] pack = "PACK".repeat(100).getBytes(StandardCharsets.UTF_8);
        Path repo = tmp.resolve("a.git");
        Joined leader = shared.join("k", repo);
        assertTrue(leader.leader());
        leader.generation().recipe(WANTED);
        leader.generation().started(TYPE);
        leader.generation().append(pack, 0, 10);
        Joined follower = shared.join("k", repo);
        assertFalse(follower.leader());
        shared.invalidate(repo); // the push: the answer names the refs as they were
        leader.generation().append(pack, 10, pack.length - 10);
        leader.generation().end(true, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(follower.generation().streamTo(type -> out), "shared with the request that came meanwhile");
        assertArrayEquals(pack, out.toByteArray());
        assertEquals(0, shared.kept(), "not kept under the old refs");
        assertEquals(0, spoolFiles());
        assertEquals(List.of(WANTED), shared.takeRecipes(repo).stream().map(SharedPacks.Demand::recipe).toList(),
                "asked for twice: prepared after the push's repack");
        assertTrue(shared.join("k", repo).leader());
    }

    @Test
    void readersKeepADroppedAnswerUntilTheyAreDone() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 20);
        byte[] pack = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        generate(shared, "k", tmp, pack);
        Joined reader = shared.join("k", tmp);
        assertFalse(reader.leader());
        shared.invalidate(tmp);
        assertEquals(0, shared.stale(), "still being read");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(reader.generation().streamTo(type -> out));
        assertArrayEquals(pack, out.toByteArray());
        assertEquals(1, shared.stale(), "read: stale");
        shared.sweep();
        assertEquals(0, spoolFiles());
    }

    @Test
    void aWholeAnswerIsHandedOverAsAFileThatOutlivesItsLastReaderForAWhile() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 20);
        byte[] pack = "PACK".repeat(1000).getBytes(StandardCharsets.UTF_8);
        // still running: no file to hand over, the follower streams
        Joined leader = shared.join("k", tmp);
        leader.generation().started(TYPE);
        leader.generation().append(pack, 0, 10);
        Joined early = shared.join("k", tmp);
        assertFalse(early.generation().sendWhole((f, n, t) -> {
            throw new AssertionError("not whole yet");
        }));
        leader.generation().append(pack, 10, pack.length - 10);
        leader.generation().end(true, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(early.generation().streamTo(t -> out));
        assertArrayEquals(pack, out.toByteArray());
        // whole: the file itself, with its size and type
        Joined later = shared.join("k", tmp);
        List<Object> sent = new java.util.ArrayList<>();
        assertTrue(later.generation().sendWhole((f, n, t) -> {
            sent.add(Files.readAllBytes(f));
            sent.add(n);
            sent.add(t);
        }));
        assertArrayEquals(pack, (byte[]) sent.get(0));
        assertEquals((long) pack.length, sent.get(1));
        assertEquals(TYPE, sent.get(2));
        // dropped and no reader left: the container may still be opening it, so the file stays a while
        shared.invalidate(tmp);
        assertEquals(0, shared.kept());
        shared.sweep();
        assertEquals(1, spoolFiles());
        assertEquals(0, shared.stale(), "not stale before the grace time is over");
    }

    @Test
    void theLeastRecentlyUsedAnswersGoWhenTheCacheIsFull() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 2500);
        byte[] pack = new byte[1000];
        generate(shared, "a", tmp, pack);
        generate(shared, "b", tmp, pack);
        follow(shared, "a", tmp); // a is now more recent than b
        generate(shared, "c", tmp, pack);
        assertEquals(2, shared.kept());
        assertEquals(2000, shared.keptBytes());
        assertFalse(shared.join("a", tmp).leader());
        assertTrue(shared.join("b", tmp).leader(), "b was the least recently used");
        // too big for the cache at all: not kept
        Joined big = shared.join("big", tmp);
        big.generation().started(TYPE);
        big.generation().append(new byte[3000], 0, 3000);
        big.generation().end(true, true);
        assertTrue(shared.join("big", tmp).leader());
    }

    @Test
    void theNumberOfKeptAnswersIsBoundedToo() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 30);
        byte[] small = new byte[] {1};
        for (int i = 0; i <= SharedPacks.MAX_KEPT; i++) {
            generate(shared, "k" + i, tmp, small);
        }
        assertEquals(SharedPacks.MAX_KEPT, shared.kept());
        assertEquals(SharedPacks.MAX_KEPT, spoolFiles());
        assertTrue(shared.join("k0", tmp).leader(), "the oldest went");
    }

    @Test
    void failedUnshareableOrUnofferedAnswersAreNotKept() throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool"), 1 << 20);
        byte[] pack = new byte[10];
        Generation failed = shared.join("f", tmp).generation();
        failed.append(pack, 0, 10);
        failed.end(false, true);
        Generation refused = shared.join("r", tmp).generation();
        refused.unshareable();
        refused.end(true, true);
        Generation fetch = shared.join("h", tmp).generation();
        fetch.append(pack, 0, 10);
        fetch.end(true, false);
        assertEquals(0, shared.kept());
        assertEquals(0, spoolFiles());
        // without a cache size nothing is ever kept
        SharedPacks noCache = new SharedPacks(tmp.resolve("spool2"), 0);
        assertFalse(noCache.keeps());
        generate(noCache, "k", tmp, pack);
        assertEquals(0, noCache.kept());
        assertTrue(noCache.join("k", tmp).leader());
    }

    @Test
    void answersInDemandAreRememberedForPreparingAfterThePush() throws Exception {
        SharedPacks shared = collecting();
        Path repo = tmp.resolve("a.git");
        byte[] pack = "PACK".repeat(100).getBytes(StandardCharsets.UTF_8);
        PackRecipe wanted = WANTED;
        PackRecipe once = new PackRecipe("version=2", null, new byte[] {2}, List.of("refs/heads/"), List.of());
        for (var e : java.util.Map.of("k1", wanted, "k2", once).entrySet()) {
            Joined j = shared.join(e.getKey(), repo);
            j.generation().recipe(e.getValue());
            j.generation().started(TYPE);
            j.generation().append(pack, 0, pack.length);
            j.generation().end(true, true);
        }
        follow(shared, "k1", repo); // asked for twice
        assertEquals(List.of(), shared.takeRecipes(repo), "nothing before a push");
        shared.invalidate(repo);
        List<SharedPacks.Demand> demand = shared.takeRecipes(repo);
        assertEquals(1, demand.size(), "only the answer asked for more than once");
        assertEquals(wanted, demand.get(0).recipe());
        assertEquals(List.of(), shared.takeRecipes(repo), "taken once");

        // a prepared answer: generated with nobody asking, then kept like any other
        Generation g = shared.prepare("k3", repo);
        assertNotEquals(null, g);
        assertEquals(null, shared.prepare("k3", repo), "already being prepared");
        g.recipe(wanted, demand.get(0).askedNanos());
        g.started(TYPE);
        g.append(pack, 0, pack.length);
        g.end(true, true);
        assertEquals(null, shared.prepare("k3", repo), "kept already");
        // nobody asked for it before the next push: still in demand from the request before
        shared.invalidate(repo);
        assertEquals(List.of(new SharedPacks.Demand(wanted, demand.get(0).askedNanos())), shared.takeRecipes(repo));

        // last asked for longer ago than DEMAND: not prepared again
        Generation stale = shared.prepare("k4", repo);
        stale.recipe(wanted, System.nanoTime() - SharedPacks.DEMAND.toNanos() - 1_000_000_000L);
        stale.started(TYPE);
        stale.append(pack, 0, pack.length);
        stale.end(true, true);
        shared.invalidate(repo);
        assertEquals(List.of(), shared.takeRecipes(repo));
    }

    @Test
    void onlyRequestsWithoutHavesAreClones() throws IOException {
        String clone = "0011command=fetch0014agent=git/2.39.50001000dthin-pack"
                + "0032want 1111111111111111111111111111111111111111\n0009done\n0000";
        String fetch = "0011command=fetch0001"
                + "0032want 1111111111111111111111111111111111111111\n"
                + "0032have 2222222222222222222222222222222222222222\n0009done\n0000";
        assertTrue(SharedPacks.sendsNoHaves(clone.getBytes(StandardCharsets.US_ASCII)));
        assertFalse(SharedPacks.sendsNoHaves(fetch.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void gzippedBodiesAreKeyedByWhatTheySay() throws IOException {
        String clone = "0011command=fetch0001000dthin-pack"
                + "0032want 1111111111111111111111111111111111111111\n0009done\n0000";
        byte[] plain = clone.getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(plain, SharedPacks.decoded(gzip(clone), "gzip", 1024));
        assertArrayEquals(plain, SharedPacks.decoded(plain, null, 1024));
        assertEquals(null, SharedPacks.decoded(new byte[] {1, 2, 3}, "gzip", 1024), "unreadable: not shared");
        assertEquals(null, SharedPacks.decoded(gzip(clone), "gzip", 10), "too big once decoded: not shared");
        assertEquals(null, SharedPacks.decoded(plain, "br", 1024), "an encoding Cairn does not read: not shared");
    }

    @Test
    void theRefStateChangesWithAnyRefUpdate() {
        ObjectId a = ObjectId.fromString("1111111111111111111111111111111111111111");
        ObjectId b = ObjectId.fromString("2222222222222222222222222222222222222222");
        Ref main = new ObjectIdRef.PeeledNonTag(Ref.Storage.LOOSE, "refs/heads/main", a);
        Ref dev = new ObjectIdRef.PeeledNonTag(Ref.Storage.LOOSE, "refs/heads/dev", a);
        Ref head = new SymbolicRef("HEAD", main);
        String base = SharedPacks.refState(List.of(head, main, dev));
        assertEquals(base, SharedPacks.refState(List.of(dev, main, head)), "order does not matter");
        assertNotEquals(base, SharedPacks.refState(List.of(head, main)));
        assertNotEquals(base, SharedPacks.refState(List.of(head, main,
                new ObjectIdRef.PeeledNonTag(Ref.Storage.LOOSE, "refs/heads/dev", b))));
        assertNotEquals(base, SharedPacks.refState(List.of(new SymbolicRef("HEAD", dev), main, dev)));
        assertEquals(64, base.length());
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }
}
