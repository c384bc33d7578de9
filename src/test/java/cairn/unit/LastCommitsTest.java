package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.cache.Caches;
import cairn.cache.Memo;
import cairn.vcs.Browse;

/** One history walk per folder finds each entry's last change; merges follow git's TREESAME rule; it is bounded. */
class LastCommitsTest {
    @TempDir
    Path tmp;

    private static RevCommit commit(Git git, Path work, String file, String text, String msg) throws Exception {
        Path f = work.resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(msg).setAuthor("Ann", "ann@x").setCommitter("Ann", "ann@x").call();
    }

    @Test
    void eachEntryGetsTheCommitThatLastChangedIt() throws Exception {
        Path work = tmp.resolve("w");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            commit(git, work, "a.txt", "a", "add a");
            RevCommit c1 = commit(git, work, "c.txt", "c", "add c");
            RevCommit c2 = commit(git, work, "dir/b.txt", "b", "add dir/b");
            // a side branch changes c.txt; main changes a.txt; the merge itself changes nothing new
            git.branchCreate().setName("side").call();
            RevCommit c3 = commit(git, work, "a.txt", "a2", "change a");
            git.checkout().setName("side").call();
            RevCommit side = commit(git, work, "c.txt", "c2", "change c on side");
            git.checkout().setName("main").call();
            RevCommit merge = git.merge().include(side).setCommit(true).setMessage("merge side")
                    .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).call()
                    .getNewHead() == null ? null : git.log().setMaxCount(1).call().iterator().next();
            Path folder = work.resolve(".git");
            Browse.LastCommits root = Browse.lastCommits(folder, merge.name(), "", 100);
            assertTrue(root.complete());
            assertEquals(c3.name(), root.byName().get("a.txt").id());
            assertEquals(side.name(), root.byName().get("c.txt").id(), "the side commit, not the merge");
            assertEquals(c2.name(), root.byName().get("dir").id());
            assertEquals("change a", root.byName().get("a.txt").subject());
            assertEquals("Ann", root.byName().get("a.txt").author());

            Browse.LastCommits dir = Browse.lastCommits(folder, merge.name(), "dir", 100);
            assertEquals(c2.name(), dir.byName().get("b.txt").id());

            // at an older commit the answer is the older one
            assertEquals(c1.name(), Browse.lastCommits(folder, c2.name(), "", 100).byName().get("c.txt").id());

            // children on any branch: both branches grew from c2; the merge is c3's and side's only child
            assertEquals(java.util.Set.of(c3.name(), side.name()),
                    java.util.Set.copyOf(Browse.children(folder, c2.name(), 100).ids()));
            assertEquals(java.util.List.of(merge.name()), Browse.children(folder, side.name(), 100).ids());
            assertTrue(Browse.children(folder, merge.name(), 100).ids().isEmpty());
            assertFalse(Browse.children(folder, c1.name(), 1).complete(), "bounded");

            // bounded: after 2 commits (merge, then side's change) c.txt is found but not dir or a.txt
            Browse.LastCommits bounded = Browse.lastCommits(folder, merge.name(), "", 2);
            assertFalse(bounded.complete());
            assertEquals(2, bounded.walked());
            assertNull(bounded.byName().get("dir"));
        }
    }

    @Test
    void changelogIsTopologicalEvenWithSkewedDates() throws Exception {
        Path work = tmp.resolve("skew");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            long[] days = {10, 20, 5, 30, 1};   // the third and fifth commits claim to be older than their parents
            for (int i = 0; i < days.length; i++) {
                Files.writeString(work.resolve("f.txt"), "v" + i);
                git.add().addFilepattern(".").call();
                org.eclipse.jgit.lib.PersonIdent who = new org.eclipse.jgit.lib.PersonIdent("Ann", "ann@x",
                        java.time.Instant.parse("2020-01-01T00:00:00Z").plus(Duration.ofDays(days[i])),
                        java.time.ZoneOffset.UTC);
                ids.add(git.commit().setMessage("c" + i).setAuthor(who).setCommitter(who).call().name());
            }
            java.util.List<String> log = Browse.log(work.resolve(".git"), null, 10).stream()
                    .map(e -> e.changeset().rawId()).toList();
            assertEquals(java.util.List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)), log);
            assertEquals(2, Browse.log(work.resolve(".git"), "main", 2).size(), "limited");
        }
    }

    @Test
    void memoComputesOncePerKey() throws Exception {
        try (Caches caches = new Caches()) {
            Memo<String> memo = new Memo<>(caches, "t", String.class, 10, Duration.ofMinutes(1));
            int[] calls = {0};
            assertEquals("x1", memo.<RuntimeException, RuntimeException>get("repo1:abc", () -> "x" + ++calls[0]));
            assertEquals("x1", memo.<RuntimeException, RuntimeException>get("repo1:abc", () -> "x" + ++calls[0]));
            assertEquals("x2", memo.<RuntimeException, RuntimeException>get("repo1:def", () -> "x" + ++calls[0]));
            assertEquals(1, memo.hits());
            assertEquals(2, memo.misses());
        }
    }
}
