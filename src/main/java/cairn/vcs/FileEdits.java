package cairn.vcs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import cairn.auth.Perms;
import cairn.auth.User;
import cairn.journal.JournalService;

/**
 * Kallithea's online editing: add, edit or delete one file on a branch head, committed as the user and journaled as
 * {@code push_local:<id>}. Only where the revision is a branch (its name, its head's full id, or {@code tip} while
 * HEAD is on a branch), so an edit never makes a new head; only from the head the user saw, so nobody's push is
 * overwritten. Every rule is here; pages only read forms and show refusals.
 */
public final class FileEdits {
    private static final Logger LOG = Logger.getLogger(FileEdits.class.getName());

    /** The largest file the web editor takes or offers, the same as the file browser shows inline. */
    public static final long MAX_BYTES = Browse.MAX_INLINE;
    static final int MAX_PATH_CHARS = 1024;
    static final int MAX_SEGMENT_BYTES = 255;
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    /** Why something was refused: the page answers 403, 404 or shows the message next to {@link #field()}. */
    public enum Kind {
        FORBIDDEN, NOT_FOUND, INVALID
    }

    /** A refusal; nothing was changed. {@code field} is the form field it concerns ("" for the whole form). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final String field;

        Refused(Kind kind, String field, String message) {
            super(message, null, false, false);
            this.kind = kind;
            this.field = field;
        }

        public Kind kind() {
            return kind;
        }

        public String field() {
            return field;
        }
    }

    /** The branch a revision names, and its head now (40 zeros: the first commit of an empty repository). */
    public record Target(String branch, String head) {
        public boolean unborn() {
            return ObjectId.zeroId().name().equals(head);
        }
    }

    /** A file as the edit form starts from it: its text and the head it was read at. */
    public record Editable(String branch, String head, String text) {
    }

    /** A commit made: its id and the branch it went onto. */
    public record Done(String commitId, String branch) {
    }

    private final RepoService repos;
    private final JournalService journal;
    private final Clock clock;
    private volatile Consumer<Path> refsChanged = folder -> {
    };

    public FileEdits(RepoService repos, JournalService journal, Clock clock) {
        this.repos = repos;
        this.journal = journal;
        this.clock = clock;
    }

    /**
     * What must happen when a branch moves, as after a push (the Git endpoint's caches of packs, its background
     * repacks); set once at start.
     */
    public void onRefsChanged(Consumer<Path> hook) {
        this.refsChanged = hook;
    }

    /** Kallithea's rule: editing needs write on the repository. */
    public static boolean mayWrite(Perms perms, Repo repo) {
        return perms.repo(repo.id()).atLeast(cairn.auth.Level.WRITE);
    }

    /**
     * The branch {@code rev} names: a branch name, the full id of a branch's head (HEAD's branch first, then the
     * first by name), or {@code tip}/{@code HEAD} while HEAD is on a branch; null for anything else (a tag, an older
     * commit), where an edit would make a new head.
     */
    public Target target(Repo repo, String rev) throws IOException {
        Path folder = repos.folder(repo);
        if (folder == null || rev == null) {
            return null;
        }
        try (Repository db = History.open(folder)) {
            return target(db, rev);
        }
    }

    /** Like {@link #target(Repo, String)}, but a revision that is no branch head is refused with the reason. */
    public Target branch(Repo repo, String rev) throws Refused, IOException {
        try (Repository db = History.open(folder(repo))) {
            return branch(db, rev);
        }
    }

    private static Target target(Repository db, String rev) throws IOException {
        Ref head = db.exactRef(Constants.HEAD);
        String headBranch = head != null && head.isSymbolic()
                && head.getTarget().getName().startsWith(Constants.R_HEADS)
                        ? head.getTarget().getName().substring(Constants.R_HEADS.length())
                        : null;
        // an empty repository: the first commit goes to the branch HEAD names, and makes no second head
        boolean empty = headBranch != null && head.getObjectId() == null
                && db.getRefDatabase().getRefsByPrefix(Constants.R_REFS).isEmpty();
        if (rev.equals("tip") || rev.equals(Constants.HEAD)) {
            if (headBranch == null || (head.getObjectId() == null && !empty)) {
                return null;
            }
            return new Target(headBranch, empty ? ObjectId.zeroId().name() : head.getObjectId().name());
        }
        if (!rev.isEmpty() && Repository.isValidRefName(Constants.R_HEADS + rev)) {
            Ref ref = db.exactRef(Constants.R_HEADS + rev);
            if (ref != null && ref.getObjectId() != null) {
                return new Target(rev, ref.getObjectId().name());
            }
            if (empty && rev.equals(headBranch)) {
                return new Target(rev, ObjectId.zeroId().name());
            }
        }
        if (rev.matches("[0-9a-f]{40}")) {
            TreeSet<String> names = new TreeSet<>();
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (r.getObjectId() != null && r.getObjectId().name().equals(rev)) {
                    names.add(r.getName().substring(Constants.R_HEADS.length()));
                }
            }
            if (names.isEmpty()) {
                return null;
            }
            return new Target(names.contains(headBranch) ? headBranch : names.first(), rev);
        }
        return null;
    }

    /** The file at the head of the branch {@code rev} names, for the edit form; refused where it may not be edited. */
    public Editable open(Perms perms, Repo repo, String rev, String path) throws Refused, IOException {
        checkWrite(perms, repo);
        try (Repository db = History.open(folder(repo)); RevWalk walk = new RevWalk(db)) {
            Target t = branch(db, rev);
            RevCommit head = t.unborn() ? null : walk.parseCommit(ObjectId.fromString(t.head()));
            String p = checkPath(path, false);
            ObjectId blob = existingFile(db, head, p);
            return new Editable(t.branch(), t.head(), editableText(db, blob, p));
        }
    }

    /** Adds {@code path} (which must not exist) with {@code content} on the branch {@code rev} names. */
    public Done add(User user, Perms perms, Repo repo, String rev, String expectedHead, String path, String content,
            String message, String ip) throws Refused, IOException {
        checkWrite(perms, repo);
        String p = checkPath(path);
        String text = normalise(content == null ? "" : content, "\n");
        return commit(user, repo, rev, expectedHead, message, ip, (db, head, ins, dc) -> {
            try (TreeWalk tw = find(db, head, p)) {
                if (tw != null) {
                    throw new Refused(Kind.INVALID, "path", (tw.isSubtree() ? "A folder " : "A file ") + p
                            + " already exists on " + "this branch");
                }
            }
            checkParents(db, head, p);
            put(ins, dc, p, checkSize(text), FileMode.REGULAR_FILE);
        });
    }

    /**
     * Replaces the text of {@code path} (an existing text file) on the branch {@code rev} names. Line endings follow
     * the file's own (those of its first line), since browsers send every line ending as CRLF.
     */
    public Done edit(User user, Perms perms, Repo repo, String rev, String expectedHead, String path, String content,
            String message, String ip) throws Refused, IOException {
        checkWrite(perms, repo);
        String p = checkPath(path, false);
        return commit(user, repo, rev, expectedHead, message, ip, (db, head, ins, dc) -> {
            ObjectId old = existingFile(db, head, p);
            String oldText = editableText(db, old, p);
            String text = normalise(content == null ? "" : content, lineEnding(oldText));
            if (text.equals(oldText)) {
                throw new Refused(Kind.INVALID, "content", "No changes: the content is what the file already holds");
            }
            put(ins, dc, p, checkSize(text), null); // the mode (e.g. executable) stays
        });
    }

    /** Deletes {@code path} (an existing file or symbolic link) on the branch {@code rev} names. */
    public Done delete(User user, Perms perms, Repo repo, String rev, String expectedHead, String path,
            String message, String ip) throws Refused, IOException {
        checkWrite(perms, repo);
        String p = checkPath(path, false);
        return commit(user, repo, rev, expectedHead, message, ip, (db, head, ins, dc) -> {
            try (TreeWalk tw = find(db, head, p)) {
                if (tw == null) {
                    throw new Refused(Kind.NOT_FOUND, "path", "No file " + p + " on this branch");
                }
                if (tw.isSubtree() || tw.getFileMode(0) == FileMode.GITLINK) {
                    throw new Refused(Kind.INVALID, "path", p + " is not a file: only files are deleted here");
                }
            }
            DirCacheEditor ed = dc.editor();
            ed.add(new DirCacheEditor.DeletePath(p));
            ed.finish();
        });
    }

    // ---- the one commit path ---------------------------------------------------------------------------------------

    /** Writes {@code bytes} as the blob at {@code path}; {@code mode} null keeps the entry's mode. */
    private static void put(ObjectInserter ins, DirCache dc, String path, byte[] bytes, FileMode mode)
            throws IOException {
        ObjectId blob = ins.insert(Constants.OBJ_BLOB, bytes);
        DirCacheEditor ed = dc.editor();
        ed.add(new DirCacheEditor.PathEdit(path) {
            @Override
            public void apply(DirCacheEntry ent) {
                if (mode != null) {
                    ent.setFileMode(mode);
                }
                ent.setObjectId(blob);
                ent.setLength(bytes.length);
            }
        });
        ed.finish();
    }

    @FunctionalInterface
    private interface Change {
        void apply(Repository db, RevCommit head, ObjectInserter ins, DirCache index) throws Refused, IOException;
    }

    private Done commit(User user, Repo repo, String rev, String expectedHead, String message, String ip,
            Change change) throws Refused, IOException {
        String msg = message == null ? "" : message.strip();
        if (msg.isEmpty()) {
            throw new Refused(Kind.INVALID, "message", "Say what the change does: the commit message is empty");
        }
        if (msg.length() > MAX_MESSAGE_CHARS) {
            throw new Refused(Kind.INVALID, "message", "The commit message is longer than " + MAX_MESSAGE_CHARS
                    + " characters");
        }
        msg = normalise(msg, "\n") + "\n";
        Path folder = folder(repo);
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db);
                ObjectInserter ins = db.newObjectInserter()) {
            Target t = branch(db, rev);
            if (expectedHead == null || expectedHead.isEmpty()) {
                throw new Refused(Kind.INVALID, "", "The form does not say which head it was opened at: open the"
                        + " page again");
            }
            if (!expectedHead.equals(t.head())) {
                throw moved(t);
            }
            RevCommit head = t.unborn() ? null : walk.parseCommit(ObjectId.fromString(t.head()));
            DirCache dc = head == null ? DirCache.newInCore()
                    : DirCache.read(walk.getObjectReader(), head.getTree());
            change.apply(db, head, ins, dc);
            ObjectId tree = dc.writeTree(ins);
            PersonIdent who = ident(user);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            if (head != null) {
                cb.setParentId(head);
            }
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setEncoding(StandardCharsets.UTF_8);
            cb.setMessage(msg);
            ObjectId id = ins.insert(cb);
            ins.flush();
            RefUpdate ru = db.updateRef(Constants.R_HEADS + t.branch());
            ru.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
            ru.setNewObjectId(id);
            ru.setRefLogIdent(who);
            ru.setRefLogMessage("web edit: " + msg.lines().findFirst().orElse(""), false);
            RefUpdate.Result r = ru.update(walk);
            if (r != (head == null ? RefUpdate.Result.NEW : RefUpdate.Result.FAST_FORWARD)) {
                // the branch moved between our read and the update (a push); the new objects are unreferenced
                LOG.info("web edit of " + repo.name() + " on " + t.branch() + " not applied: " + r);
                throw moved(t);
            }
            try {
                refsChanged.accept(folder);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "after a web edit of " + repo.name(), e);
            }
            repos.touch(repo);
            journal.record(user, repo, "push_local:" + id.name(), ip);
            return new Done(id.name(), t.branch());
        }
    }

    private static Refused moved(Target t) {
        return new Refused(Kind.INVALID, "", "The branch " + t.branch() + " has moved since this page was opened"
                + " (someone pushed or edited it): nothing was committed. Open the file again to start from its"
                + " new head.");
    }

    /** The user as Git shows them: full name (else username) and e-mail, at the service clock's time, in UTC. */
    private PersonIdent ident(User user) {
        String name = ((user.firstname() == null ? "" : user.firstname()) + " "
                + (user.lastname() == null ? "" : user.lastname())).strip();
        return new PersonIdent(name.isEmpty() ? user.username() : name, user.email() == null ? "" : user.email(),
                clock.instant(), ZoneOffset.UTC);
    }

    // ---- rules ---------------------------------------------------------------------------------------------------

    private static void checkWrite(Perms perms, Repo repo) throws Refused {
        if (!mayWrite(perms, repo)) {
            throw new Refused(Kind.FORBIDDEN, "", "Editing files needs write access to " + repo.name());
        }
    }

    private Path folder(Repo repo) throws Refused {
        Path folder = repos.folder(repo);
        if (folder == null) {
            throw new Refused(Kind.NOT_FOUND, "", "No repository " + repo.name());
        }
        return folder;
    }

    private static Target branch(Repository db, String rev) throws Refused, IOException {
        Target t = rev == null ? null : target(db, rev);
        if (t == null) {
            throw new Refused(Kind.INVALID, "", "Files are edited only on a branch: " + rev
                    + " is not a branch name or a branch head");
        }
        return t;
    }

    private static final ObjectChecker CHECKER = new ObjectChecker().setSafeForWindows(true).setSafeForMacOS(true);

    /**
     * A path as Git stores it: {@code a/b/c}, no empty, {@code .} or {@code ..} segment, no {@code .git} (in any case
     * or disguise), no control characters, not absolute, no names Windows or macOS clones could not check out.
     */
    public static String checkPath(String path) throws Refused {
        return checkPath(path, true);
    }

    /**
     * Not {@code strict}: only what makes a path a path (for files that exist already, whatever their names); strict
     * adds backslashes and the names Windows and macOS refuse (for new files).
     */
    private static String checkPath(String path, boolean strict) throws Refused {
        if (path == null || path.isEmpty()) {
            throw invalidPath("Give the file a name");
        }
        if (path.length() > MAX_PATH_CHARS) {
            throw invalidPath("The path is longer than " + MAX_PATH_CHARS + " characters");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalidPath("The path may not contain control characters");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < path.length()
                    && Character.isLowSurrogate(path.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                            && Character.isHighSurrogate(path.charAt(i - 1)))) {
                throw invalidPath("The path is not valid text");
            }
        }
        if (path.startsWith("/")) {
            throw invalidPath("The path must be relative to the repository's root: no leading /");
        }
        if (strict && path.contains("\\")) {
            throw invalidPath("Use / between folders: \\ is not allowed");
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty()) {
                throw invalidPath("The path has an empty part (// or a trailing /)");
            }
            if (seg.equals(".") || seg.equals("..")) {
                throw invalidPath("The path may not contain . or .. parts");
            }
            if (seg.toLowerCase(Locale.ROOT).equals(".git")) {
                throw invalidPath(".git is not allowed in a path");
            }
            if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw invalidPath("A file or folder name is longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
        if (!strict) {
            return path;
        }
        try {
            CHECKER.checkPath(path);
        } catch (CorruptObjectException e) {
            throw invalidPath(path + " cannot be checked out everywhere (" + e.getMessage() + ")");
        }
        return path;
    }

    private static Refused invalidPath(String message) {
        return new Refused(Kind.INVALID, "path", message);
    }

    /** What is at {@code path} in {@code head} (null: nothing, or no commit yet); the caller closes it. */
    private static TreeWalk find(Repository db, RevCommit head, String path) throws IOException {
        return head == null ? null : TreeWalk.forPath(db, path, head.getTree());
    }

    /** Every folder above {@code path} must be a folder (or not exist yet), never a file. */
    private static void checkParents(Repository db, RevCommit head, String path) throws Refused, IOException {
        List<String> segs = List.of(path.split("/"));
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < segs.size() - 1; i++) {
            if (prefix.length() > 0) {
                prefix.append('/');
            }
            prefix.append(segs.get(i));
            try (TreeWalk tw = find(db, head, prefix.toString())) {
                if (tw == null) {
                    return; // from here on, new folders
                }
                if (!tw.isSubtree()) {
                    throw invalidPath(prefix + " is a file, so it cannot hold " + path);
                }
            }
        }
    }

    /** The blob of an existing regular (or executable) file at {@code path}. */
    private static ObjectId existingFile(Repository db, RevCommit head, String path) throws Refused, IOException {
        try (TreeWalk tw = find(db, head, path)) {
            if (tw == null) {
                checkParents(db, head, path); // "README/x": README is a file
                throw new Refused(Kind.NOT_FOUND, "path", "No file " + path + " on this branch");
            }
            if (tw.isSubtree()) {
                throw new Refused(Kind.INVALID, "path", path + " is a folder");
            }
            FileMode mode = tw.getFileMode(0);
            if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                throw new Refused(Kind.INVALID, "path", path + " is not a regular file (a symbolic link or a"
                        + " submodule): it is not edited here");
            }
            return tw.getObjectId(0);
        }
    }

    /** The blob's text, if the editor may take it: not binary, not over the limit, valid UTF-8. */
    private static String editableText(Repository db, ObjectId blob, String path) throws Refused, IOException {
        ObjectLoader loader = db.open(blob, Constants.OBJ_BLOB);
        if (loader.getSize() > MAX_BYTES) {
            throw new Refused(Kind.INVALID, "content", path + " is larger than " + MAX_BYTES / 1024
                    + " KiB: change it with Git, not in the browser");
        }
        byte[] bytes = loader.getCachedBytes();
        if (RawText.isBinary(bytes)) {
            throw new Refused(Kind.INVALID, "content", path + " is a binary file: change it with Git, not in the"
                    + " browser");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(Kind.INVALID, "content", path + " is not UTF-8 text: change it with Git, not in the"
                    + " browser");
        }
    }

    private static byte[] checkSize(String text) throws Refused {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new Refused(Kind.INVALID, "content", "The content is larger than " + MAX_BYTES / 1024
                    + " KiB, the most the web editor takes: commit it with Git");
        }
        if (RawText.isBinary(bytes)) {
            throw new Refused(Kind.INVALID, "content", "The content holds NUL characters: commit binary files with"
                    + " Git");
        }
        return bytes;
    }

    /** The line ending of a text's first line ({@code \n} when it has none). */
    static String lineEnding(String text) {
        int nl = text.indexOf('\n');
        int cr = text.indexOf('\r');
        if (cr >= 0 && (nl < 0 || cr < nl)) {
            return cr + 1 < text.length() && text.charAt(cr + 1) == '\n' ? "\r\n" : "\r";
        }
        return "\n";
    }

    /** Every line ending (CRLF, CR, LF) as {@code eol}. */
    static String normalise(String text, String eol) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", eol);
    }
}
