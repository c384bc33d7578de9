package cairn.vcs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * Read-only history of a Git repository as Kallithea shows it: changesets with revision numbers (the position in the
 * list of every commit reachable from any ref, oldest first), their files, and the tree at a revision.
 */
public final class History {

    /** A changeset: ids, number, author, time, message, and (when asked) the paths it added, changed, removed. */
    public record Changeset(String rawId, int revision, String authorName, String authorEmail, Instant date,
            String message, List<String> added, List<String> changed, List<String> removed) {

        public String shortId() {
            return rawId.substring(0, 12);
        }

        public String author() {
            return authorEmail == null || authorEmail.isEmpty() ? authorName : authorName + " <" + authorEmail + ">";
        }
    }

    /** One entry of a tree listing. */
    public record Node(String path, boolean isDir) {
    }

    /** Thrown when a revision or path names nothing. */
    public static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        public NotFound(String what) {
            super(what);
        }
    }

    private History() {
    }

    static Repository open(Path folder) throws IOException {
        return RepoStore.openCached(folder);
    }

    /** Every commit reachable from any branch or tag, oldest first: index = Kallithea's revision number. */
    public static List<ObjectId> revisions(Path folder) throws IOException {
        try (Repository db = open(folder)) {
            return revisions(db);
        }
    }

    private static List<ObjectId> revisions(Repository db) throws IOException {
        try (RevWalk walk = new RevWalk(db)) {
            return revisions(db, walk);
        }
    }

    private static List<ObjectId> revisions(Repository db, RevWalk walk) throws IOException {
        walk.sort(RevSort.TOPO, true);
        walk.sort(RevSort.COMMIT_TIME_DESC, true);
        for (Ref ref : db.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
            if (id == null) {
                continue;
            }
            try {
                walk.markStart(walk.parseCommit(id));
            } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException notACommit) {
                // a tag of a tree or blob: no history
            }
        }
        List<ObjectId> out = new ArrayList<>();
        for (RevCommit c : walk) {
            out.add(c.copy());
        }
        Collections.reverse(out);
        return out;
    }

    /** The newest commit of HEAD (or of any branch when HEAD is dangling), or null for an empty repository. */
    public static Changeset tip(Path folder) throws IOException {
        try (Repository db = open(folder); RevWalk walk = new RevWalk(db)) {
            List<ObjectId> all = revisions(db);
            if (all.isEmpty()) {
                return null;
            }
            ObjectId head = db.resolve(Constants.HEAD);
            if (head == null) {
                head = all.get(all.size() - 1);
            }
            return changeset(db, walk.parseCommit(head), all.indexOf(head), false);
        }
    }

    /**
     * Resolves a revision as users write it: a full or abbreviated commit id, a branch or tag name, a revision
     * number, or {@code tip} (HEAD).
     */
    public static ObjectId resolve(Repository db, String revision, List<ObjectId> numbered)
            throws IOException, NotFound {
        String rev = revision.trim();
        if (rev.equals("tip") || rev.isEmpty()) {
            rev = Constants.HEAD;
        }
        if (rev.matches("-?\\d{1,9}") && numbered != null) {
            int n = Integer.parseInt(rev);
            if (n >= 0 && n < numbered.size()) {
                return numbered.get(n);
            }
            if (!rev.matches("[0-9a-f]{4,}")) {
                throw new NotFound(revision);
            }
        }
        if (rev.startsWith("-") || rev.contains("..") || rev.contains(":") || rev.contains("^") || rev.contains("~")
                || rev.contains("@")) {
            throw new NotFound(revision);
        }
        ObjectId id;
        try {
            id = db.resolve(rev + "^{commit}");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.AmbiguousObjectException
                | org.eclipse.jgit.errors.MissingObjectException e) {
            throw new NotFound(revision);
        }
        if (id == null || !db.getObjectDatabase().has(id)) {
            throw new NotFound(revision);
        }
        return id;
    }

    /** Checks that {@code revision} names a commit of the repository (throws NotFound otherwise). */
    public static ObjectId resolveIn(Path folder, String revision) throws IOException, NotFound {
        try (Repository db = open(folder)) {
            return resolve(db, revision, null);
        }
    }

    /** Query of {@link #changesets}. Null fields are not given. */
    public record Query(String start, String end, Instant startDate, Instant endDate, String branch, boolean reverse,
            boolean withFiles, Integer max) {
    }

    /** Changesets between start and end (inclusive), in dates, on a branch: oldest first unless reversed. */
    public static List<Changeset> changesets(Path folder, Query q) throws IOException, NotFound {
        try (Repository db = open(folder); RevWalk walk = new RevWalk(db)) {
            List<ObjectId> all = revisions(db);
            Map<ObjectId, Integer> number = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                number.put(all.get(i), i);
            }
            int from = q.start() == null ? 0 : number.get(resolve(db, q.start(), all));
            int to = q.end() == null ? all.size() - 1 : number.get(resolve(db, q.end(), all));
            java.util.Set<ObjectId> onBranch = null;
            if (q.branch() != null) {
                Ref ref = db.exactRef(Constants.R_HEADS + q.branch());
                if (ref == null) {
                    throw new NotFound("branch " + q.branch());
                }
                onBranch = new java.util.HashSet<>();
                try (RevWalk bw = new RevWalk(db)) {
                    bw.markStart(bw.parseCommit(ref.getObjectId()));
                    for (RevCommit c : bw) {
                        onBranch.add(c.copy());
                    }
                }
            }
            List<Changeset> out = new ArrayList<>();
            for (int i = from; i <= to && i < all.size(); i++) {
                ObjectId id = all.get(i);
                if (onBranch != null && !onBranch.contains(id)) {
                    continue;
                }
                RevCommit c = walk.parseCommit(id);
                Instant when = c.getCommitterIdent().getWhenAsInstant();
                if ((q.startDate() != null && when.isBefore(q.startDate()))
                        || (q.endDate() != null && when.isAfter(q.endDate()))) {
                    continue;
                }
                out.add(changeset(db, c, i, q.withFiles()));
                if (q.max() != null && out.size() >= q.max()) {
                    break;
                }
            }
            if (q.reverse()) {
                Collections.reverse(out);
            }
            return out;
        }
    }

    /** One changeset with its file lists. */
    public static Changeset changeset(Path folder, String rawId) throws IOException, NotFound {
        if (!rawId.matches("[0-9a-fA-F]{4,40}")) {
            throw new NotFound(rawId);
        }
        try (Repository db = open(folder); RevWalk walk = new RevWalk(db)) {
            ObjectId id = resolve(db, rawId, null);
            List<ObjectId> all = revisions(db);
            return changeset(db, walk.parseCommit(id), all.indexOf(id), true);
        }
    }

    private static Changeset changeset(Repository db, RevCommit c, int revision, boolean withFiles)
            throws IOException {
        PersonIdent author = c.getAuthorIdent();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        if (withFiles) {
            try (DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
                df.setRepository(db);
                df.setDetectRenames(false);
                ObjectId parentTree = null;
                if (c.getParentCount() > 0) {
                    try (RevWalk pw = new RevWalk(db)) {
                        parentTree = pw.parseCommit(c.getParent(0)).getTree();
                    }
                }
                for (DiffEntry e : df.scan(parentTree, c.getTree())) {
                    switch (e.getChangeType()) {
                        case ADD -> added.add(e.getNewPath());
                        case DELETE -> removed.add(e.getOldPath());
                        default -> changed.add(e.getNewPath());
                    }
                }
            }
        }
        return new Changeset(c.name(), revision, author.getName(), author.getEmailAddress(),
                author.getWhenAsInstant(), c.getFullMessage(), added, changed, removed);
    }

    /** Files and folders below {@code root} at a revision, recursively, folders first (Kallithea's node list). */
    public static List<Node> nodes(Path folder, String revision, String root) throws IOException, NotFound {
        String prefix = root == null ? "" : root.replaceAll("^/+|/+$", "");
        try (Repository db = open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = walk.parseCommit(resolve(db, revision, revisions(db)));
            List<Node> dirs = new ArrayList<>();
            List<Node> files = new ArrayList<>();
            ObjectId tree = c.getTree();
            if (!prefix.isEmpty()) {
                try (TreeWalk find = TreeWalk.forPath(db, prefix, c.getTree())) {
                    if (find == null || !find.isSubtree()) {
                        throw new NotFound(root);
                    }
                    tree = find.getObjectId(0);
                }
            }
            try (TreeWalk tw = new TreeWalk(db)) {
                tw.addTree(tree);
                walkTree(tw, prefix, dirs, files);
            }
            List<Node> out = new ArrayList<>(dirs);
            out.addAll(files);
            return out;
        }
    }

    private static void walkTree(TreeWalk tw, String prefix, List<Node> dirs, List<Node> files) throws IOException {
        tw.setRecursive(false);
        while (tw.next()) {
            String path = prefix.isEmpty() ? tw.getPathString() : prefix + "/" + tw.getPathString();
            if (tw.getFileMode(0) == FileMode.TREE) {
                dirs.add(new Node(path, true));
                tw.enterSubtree();
            } else if (tw.getFileMode(0) != FileMode.GITLINK) {
                files.add(new Node(path, false));
            }
        }
    }
}
