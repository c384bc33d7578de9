package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.Perms;
import cairn.auth.User;
import cairn.auth.UserService.NewUser;
import cairn.config.Settings;
import cairn.vcs.FileEdits;
import cairn.vcs.FileEdits.Refused;
import cairn.vcs.Repo;

/**
 * Web editing's rules, on a real bare repository and database: only writers, only on a branch head, only from the head
 * the user saw, only sane paths; a refusal changes nothing (no ref move, no journal row, no hook call).
 */
class FileEditsTest {
    @TempDir
    static Path dir;
    static Services services;
    static User writer;
    static User reader;
    static User admin;
    static Repo repo;
    static Path folder;
    static final List<Path> hooked = new ArrayList<>();
    static int repoCount;

    @BeforeAll
    static void setUp() throws Exception {
        String url = "jdbc:h2:mem:fileedits-" + UUID.randomUUID()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.toString(), "database.url", url)));
        admin = services.setUp();
        writer = services.users.create(new NewUser("wendy", "wendy@example.com", "wendy-pw1", "Wendy", "Writer",
                true, false, null, null));
        reader = services.users.create("rita", "rita-pw1", "rita@example.com", false, null);
        services.fileEdits.onRefsChanged(hooked::add);
    }

    @AfterAll
    static void tearDown() {
        services.close();
    }

    /** A fresh repository per test: main with README (LF), dos.txt (CRLF), bin.dat (binary), dir/a.txt; tag v1. */
    @BeforeEach
    void freshRepo() throws Exception {
        repo = services.repos.createGit("edits" + (++repoCount), admin, true,
                "");
        services.permissions.grantUser(Kind.REPOSITORY, repo.id(), writer, Level.WRITE);
        services.permissions.grantUser(Kind.REPOSITORY, repo.id(), reader, Level.READ);
        folder = services.repos.folder(repo);
        Path work = dir.resolve("work" + repoCount);
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("README"), "hello\nworld\n");
            Files.writeString(work.resolve("dos.txt"), "one\r\ntwo\r\n");
            Files.write(work.resolve("bin.dat"), new byte[] {1, 0, 2, 0});
            Files.createDirectories(work.resolve("dir"));
            Files.writeString(work.resolve("dir/a.txt"), "a\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("first").setAuthor("Ann", "ann@x").setCommitter("Ann", "ann@x").call();
            git.tag().setName("v1").call();
            git.push().setRemote(folder.toUri().toString()).add("main").setPushTags().call();
        }
        try (Repository db = open()) {
            db.updateRef(Constants.HEAD).link("refs/heads/main");
        }
        hooked.clear();
    }

    private static Repository open() throws Exception {
        return new FileRepositoryBuilder().setGitDir(folder.toFile()).setMustExist(true).build();
    }

    private static String head() throws Exception {
        try (Repository db = open()) {
            return db.exactRef("refs/heads/main").getObjectId().name();
        }
    }

    private static Perms perms(User u) {
        return services.permissions.of(u, services.users.defaultUser());
    }

    private static String file(String commit, String path) throws Exception {
        try (Repository db = open(); RevWalk walk = new RevWalk(db)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            try (TreeWalk tw = TreeWalk.forPath(db, path, c.getTree())) {
                return tw == null ? null : new String(db.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    private static int journalRows() {
        return services.journal.search(null, repo.name(), "push_local", null, null, 100).size();
    }

    /** Asserts that {@code edit} is refused with {@code kind} and changed nothing at all. */
    private static Refused refused(FileEdits.Kind kind, org.junit.jupiter.api.function.Executable edit)
            throws Exception {
        String before = head();
        int rows = journalRows();
        Refused r = assertThrows(Refused.class, edit);
        assertEquals(kind, r.kind(), r.getMessage());
        assertEquals(before, head(), "the branch did not move");
        assertEquals(rows, journalRows(), "nothing journaled");
        assertTrue(hooked.isEmpty(), "no refs-changed hook");
        return r;
    }

    @Test
    void editAddDeleteCommitAsTheUserAndJournalPushLocal() throws Exception {
        String h0 = head();
        FileEdits.Editable e = services.fileEdits.open(perms(writer), repo, "main", "README");
        assertEquals("hello\nworld\n", e.text());
        assertEquals(h0, e.head());
        // a browser sends CRLF; the file keeps its LF
        FileEdits.Done d1 = services.fileEdits.edit(writer, perms(writer), repo, "main", e.head(), "README",
                "hello\r\nthere\r\n", "Say there", "10.0.0.1");
        assertEquals(d1.commitId(), head());
        assertEquals("hello\nthere\n", file(d1.commitId(), "README"));
        try (Repository db = open(); RevWalk walk = new RevWalk(db)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(d1.commitId()));
            assertEquals("Wendy Writer", c.getAuthorIdent().getName());
            assertEquals("wendy@example.com", c.getAuthorIdent().getEmailAddress());
            assertEquals("Wendy Writer", c.getCommitterIdent().getName());
            assertEquals("Say there", c.getShortMessage());
            assertEquals(h0, c.getParent(0).name());
        }
        assertEquals(List.of(folder), hooked);
        var rows = services.journal.search("wendy", repo.name(), "push_local:", null, null, 10);
        assertEquals(1, rows.size());
        assertEquals("push_local:" + d1.commitId(), rows.get(0).action());

        // CRLF files stay CRLF, from "tip" (HEAD's branch)
        FileEdits.Done d2 = services.fileEdits.edit(writer, perms(writer), repo, "tip", head(), "dos.txt",
                "one\ntwo\nthree", "three", null);
        assertEquals("one\r\ntwo\r\nthree", file(d2.commitId(), "dos.txt"));

        // add in a new folder, from the head's full id
        FileEdits.Done d3 = services.fileEdits.add(writer, perms(writer), repo, head(), head(), "new/deep/n.txt",
                "x\r\ny\r\n", "add n", null);
        assertEquals("main", d3.branch());
        assertEquals("x\ny\n", file(d3.commitId(), "new/deep/n.txt"));

        FileEdits.Done d4 = services.fileEdits.delete(writer, perms(writer), repo, "main", head(), "dir/a.txt",
                "drop a", null);
        assertNull(file(d4.commitId(), "dir/a.txt"));
        assertNotNull(file(d4.commitId(), "README"));
        assertEquals(4, journalRows());
        assertEquals(4, hooked.size());
    }

    @Test
    void theFirstFileOfAnEmptyRepository() throws Exception {
        Repo empty = services.repos.createGit("empty" + repoCount, admin, false, "");
        services.permissions.grantUser(Kind.REPOSITORY, empty.id(), writer, Level.WRITE);
        FileEdits.Target t = services.fileEdits.target(empty, "tip");
        assertEquals("main", t.branch());
        assertTrue(t.unborn());
        assertEquals(t, services.fileEdits.target(empty, "main"));
        assertNull(services.fileEdits.target(empty, "other"), "only the branch HEAD names");
        assertThrows(Refused.class, () -> services.fileEdits.edit(writer, perms(writer), empty, "main", t.head(),
                "README", "x", "m", null));
        FileEdits.Done d = services.fileEdits.add(writer, perms(writer), empty, "tip", t.head(), "docs/README.md",
                "# hello\n", "First file", null);
        folder = services.repos.folder(empty);
        assertEquals(d.commitId(), head());
        assertEquals("# hello\n", file(d.commitId(), "docs/README.md"));
        try (Repository db = open(); RevWalk walk = new RevWalk(db)) {
            assertEquals(0, walk.parseCommit(ObjectId.fromString(d.commitId())).getParentCount());
        }
        // a second "first" commit from the same empty form is refused: the branch exists now
        Refused again = assertThrows(Refused.class, () -> services.fileEdits.add(writer, perms(writer), empty,
                "main", t.head(), "other.txt", "x", "m", null));
        assertTrue(again.getMessage().contains("has moved"), again.getMessage());
        assertEquals(d.commitId(), head());
    }

    @Test
    void withoutWriteNothingIsDone() throws Exception {
        refused(FileEdits.Kind.FORBIDDEN, () -> services.fileEdits.open(perms(reader), repo, "main", "README"));
        refused(FileEdits.Kind.FORBIDDEN, () -> services.fileEdits.edit(reader, perms(reader), repo, "main", head(),
                "README", "x", "m", null));
        refused(FileEdits.Kind.FORBIDDEN, () -> services.fileEdits.add(reader, perms(reader), repo, "main", head(),
                "b.txt", "x", "m", null));
        refused(FileEdits.Kind.FORBIDDEN, () -> services.fileEdits.delete(reader, perms(reader), repo, "main",
                head(), "README", "m", null));
        User anon = services.users.defaultUser();
        refused(FileEdits.Kind.FORBIDDEN, () -> services.fileEdits.add(anon, perms(anon), repo, "main", head(),
                "b.txt", "x", "m", null));
    }

    @Test
    void onlyOnABranchHead() throws Exception {
        String h0 = head();
        FileEdits.Done d = services.fileEdits.add(writer, perms(writer), repo, "main", h0, "b.txt", "b", "b", null);
        hooked.clear();
        // an older commit (no longer a head), a tag, an abbreviated id, a missing branch: no new heads
        for (String rev : List.of(h0, "v1", d.commitId().substring(0, 12), "nosuch", "main~1", "")) {
            Refused r = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo,
                    rev, rev, "README", "changed", "m", null));
            assertTrue(r.getMessage().contains("only on a branch"), r.getMessage());
        }
        assertNull(services.fileEdits.target(repo, "v1"));
        assertNull(services.fileEdits.target(repo, h0));
        assertEquals("main", services.fileEdits.target(repo, d.commitId()).branch());
        assertEquals("main", services.fileEdits.target(repo, "tip").branch());

        // a branch with a slash in its name is named by its head's id (the UI's links do so)
        try (Repository db = open()) {
            org.eclipse.jgit.lib.RefUpdate u = db.updateRef("refs/heads/feature/x");
            u.setNewObjectId(ObjectId.fromString(h0));
            u.update();
        }
        assertEquals("feature/x", services.fileEdits.target(repo, h0).branch());
        String mainHead = head();
        FileEdits.Done side = services.fileEdits.edit(writer, perms(writer), repo, h0, h0, "README", "side\n",
                "on feature/x", null);
        assertEquals("feature/x", side.branch());
        assertEquals(mainHead, head(), "main did not move");
        assertEquals("side\n", file(side.commitId(), "README"));
    }

    @Test
    void aMovedBranchIsNotOverwritten() throws Exception {
        String seen = head();
        services.fileEdits.add(writer, perms(writer), repo, "main", seen, "other.txt", "someone else", "other",
                null);
        hooked.clear();
        String now = head();
        Refused r = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo,
                "main", seen, "README", "mine", "mine", null));
        assertTrue(r.getMessage().contains("has moved"), r.getMessage());
        assertEquals("", r.field());
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo, "main", null,
                "x.txt", "x", "x", null));
        assertEquals(now, head());
    }

    @Test
    void hostilePathsAreRefused() throws Exception {
        List<String> bad = List.of("", "/etc/passwd", "a//b", "a/", ".", "..", "../x", "a/../b", "./a", ".git/config",
                ".GIT/hooks/x", "x/.git", "a\0b", "a\nb", "a\tb", "x\u007f", "a\\b", ".git ", "git~1/config", "con",
                "aux.c", "x".repeat(256), ("abc/").repeat(300) + "x", ".git\u200c/config");
        for (String p : bad) {
            Refused r = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo,
                    "main", head(), p, "x", "m", null));
            assertEquals("path", r.field(), p + ": " + r.getMessage());
        }
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo, "main", head(),
                "../README", "x", "m", null));
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.delete(writer, perms(writer), repo, "main",
                head(), ".git/HEAD", "m", null));
    }

    @Test
    void existenceAndContentRules() throws Exception {
        String h = head();
        // adding over a file or a folder; a parent that is a file
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo, "main", h,
                "README", "x", "m", null));
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo, "main", h, "dir",
                "x", "m", null));
        Refused parent = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo,
                "main", h, "README/x.txt", "x", "m", null));
        assertTrue(parent.getMessage().contains("README is a file"), parent.getMessage());
        // editing or deleting what is missing, a folder, a binary file
        refused(FileEdits.Kind.NOT_FOUND, () -> services.fileEdits.edit(writer, perms(writer), repo, "main", h,
                "missing.txt", "x", "m", null));
        refused(FileEdits.Kind.NOT_FOUND, () -> services.fileEdits.delete(writer, perms(writer), repo, "main", h,
                "missing.txt", "m", null));
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.delete(writer, perms(writer), repo, "main", h,
                "dir", "m", null));
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo, "main", h,
                "dir", "x", "m", null));
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo, "main", h,
                "README/x", "x", "m", null));
        Refused bin = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.open(perms(writer), repo, "main",
                "bin.dat"));
        assertTrue(bin.getMessage().contains("binary"), bin.getMessage());
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo, "main", h,
                "bin.dat", "text", "m", null));
        // empty message, no change, too large, NUL in content
        Refused msg = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo,
                "main", h, "README", "changed", "  \n ", null));
        assertEquals("message", msg.field());
        Refused same = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.edit(writer, perms(writer), repo,
                "main", h, "README", "hello\r\nworld\r\n", "m", null));
        assertEquals("content", same.field());
        Refused big = refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo,
                "main", h, "big.txt", "x".repeat((int) FileEdits.MAX_BYTES + 1), "m", null));
        assertEquals("content", big.field());
        refused(FileEdits.Kind.INVALID, () -> services.fileEdits.add(writer, perms(writer), repo, "main", h,
                "nul.txt", "a\0b", "m", null));
    }
}
