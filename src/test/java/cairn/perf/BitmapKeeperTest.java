package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.vcs.git.BitmapKeeper;

/** Background repacks: debounced per repository, one at a time, leaving a bitmap behind. */
class BitmapKeeperTest {
    @TempDir
    Path tmp;

    private final List<Path> runs = new CopyOnWriteArrayList<>();

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /** A bare repository with {@code commits} commits on main, all objects loose. */
    private static Path repo(Path dir, int commits) throws IOException {
        try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
            r.create(true);
            ObjectId parent = null;
            try (ObjectInserter ins = r.newObjectInserter()) {
                for (int i = 0; i < commits; i++) {
                    TreeFormatter tree = new TreeFormatter();
                    tree.append("file.txt", FileMode.REGULAR_FILE,
                            ins.insert(Constants.OBJ_BLOB, ("content " + i + "\n").getBytes(StandardCharsets.UTF_8)));
                    CommitBuilder c = new CommitBuilder();
                    c.setTreeId(ins.insert(tree));
                    if (parent != null) {
                        c.setParentId(parent);
                    }
                    PersonIdent who = new PersonIdent("T", "t@example.com");
                    c.setAuthor(who);
                    c.setCommitter(who);
                    c.setMessage("commit " + i + "\n");
                    parent = ins.insert(c);
                }
                ins.flush();
            }
            if (parent != null) {
                RefUpdate u = r.updateRef("refs/heads/main");
                u.setNewObjectId(parent);
                u.forceUpdate();
            }
        }
        return dir;
    }

    @Test
    void aPushLeadsToOneRepackWithABitmap() throws Exception {
        Path repo = repo(tmp.resolve("a.git"), 5);
        assertFalse(BitmapKeeper.hasBitmap(repo));
        try (BitmapKeeper keeper = new BitmapKeeper(1, Duration.ofMillis(300), (f, s, ok) -> runs.add(f))) {
            // a burst of pushes: debounced into one repack
            for (int i = 0; i < 5; i++) {
                keeper.pushed(repo);
            }
            await(() -> BitmapKeeper.hasBitmap(repo) && keeper.pending() == 0);
            assertEquals(1, runs.size(), "one repack for the burst: " + runs);
            // the repacked repository waits in JGit's cache for the requests to come, its indexes loaded
            assertTrue(RepositoryCache.getRegisteredKeys().stream()
                    .anyMatch(k -> k instanceof RepositoryCache.FileKey f && f.getFile().toPath().toAbsolutePath()
                            .normalize().equals(repo.toAbsolutePath().normalize())), "registered after the repack");
            RepositoryCache.unregister(RepositoryCache.FileKey.exact(repo.toFile(), FS.DETECTED));
        }
    }

    @Test
    void aRepositoryReadWithoutABitmapGetsOneOnceAndEmptyOnesAreLeftAlone() throws Exception {
        Path repo = repo(tmp.resolve("b.git"), 3);
        Path empty = repo(tmp.resolve("empty.git"), 0);
        try (BitmapKeeper keeper = new BitmapKeeper(2, Duration.ZERO, (f, s, ok) -> runs.add(f))) {
            keeper.scan(List.of(repo, empty));
            await(() -> BitmapKeeper.hasBitmap(repo) && keeper.pending() == 0);
            keeper.read(repo); // already checked: nothing more
            keeper.read(empty);
            Thread.sleep(200);
            await(() -> keeper.pending() == 0);
            assertEquals(List.of(repo.toAbsolutePath().normalize()), runs);
            assertFalse(BitmapKeeper.hasBitmap(empty));
        }
    }

    @Test
    void choresRunOnTheRepacksThreadBeforeAndAfterItWhileItIsPending() throws Exception {
        Path repo = repo(tmp.resolve("d.git"), 3);
        List<String> seen = new CopyOnWriteArrayList<>();
        BitmapKeeper[] self = new BitmapKeeper[1];
        try (BitmapKeeper keeper = new BitmapKeeper(1, Duration.ZERO, (f, s, ok) -> seen.add("repacked"),
                f -> seen.add("before " + BitmapKeeper.hasBitmap(f) + " " + self[0].pending() + " "
                        + Thread.currentThread().getName()),
                f -> seen.add("after " + BitmapKeeper.hasBitmap(f) + " " + self[0].pending()))) {
            self[0] = keeper;
            keeper.pushed(repo);
            await(() -> keeper.pending() == 0 && seen.size() == 3);
            assertEquals(List.of("before false 1 cairn-git-gc-1", "repacked", "after true 1"), seen);
            RepositoryCache.unregister(RepositoryCache.FileKey.exact(repo.toFile(), FS.DETECTED));
        }
    }

    @Test
    void aPushDuringARepackLeadsToAnotherAfterIt() throws Exception {
        Path repo = repo(tmp.resolve("c.git"), 200);
        try (BitmapKeeper keeper = new BitmapKeeper(1, Duration.ZERO, (f, s, ok) -> runs.add(f))) {
            keeper.pushed(repo);
            keeper.pushed(repo);
            keeper.pushed(repo);
            await(() -> keeper.pending() == 0 && BitmapKeeper.hasBitmap(repo));
            assertTrue(runs.size() >= 1 && runs.size() <= 2, "at most one extra repack: " + runs);
        }
    }
}
