package cairn.vcs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.TreeWalk;

/** What the web UI shows of a repository: trees, files (never loaded whole when large), logs and diffs. */
public final class Browse {
    /** Files larger than this are not shown inline, only offered raw. */
    public static final long MAX_INLINE = 1024 * 1024;
    /** Diffs larger than this are cut, as Kallithea's cut_off_limit. */
    public static final long CUT_OFF = 256_000;

    private Browse() {
    }

    /** A path at a revision: a folder, or a file with its size and (when small text) its lines. */
    public record Entry(boolean isDir, long size, boolean binary, List<String> lines) {
    }

    /** One child of a folder. */
    public record Child(String name, String path, boolean isDir, long size) {
    }

    /** A README found at the root of a revision. */
    public record Readme(String name, String text) {
    }

    /** One line of a diff: kind is {@code add}, {@code del}, {@code ctx} or {@code hunk}. */
    public record DiffLine(String kind, String text, String oldNo, String newNo) {
    }

    /** The diff of one file. */
    public record FileDiff(String path, String change, boolean binary, List<DiffLine> lines) {
    }

    /** A changeset with its parents and file diffs; {@code cut} when the diff was cut short. */
    public record Diff(History.Changeset changeset, List<String> parents, List<FileDiff> files, boolean cut) {
    }

    private static RevCommit commit(Repository db, RevWalk walk, String rev) throws IOException, History.NotFound {
        return walk.parseCommit(History.resolve(db, rev, null));
    }

    /** A commit as lists show it: no revision number, no file lists (those cost a diff each). */
    static History.Changeset brief(RevCommit c) {
        return new History.Changeset(c.name(), -1, c.getAuthorIdent().getName(), c.getAuthorIdent().getEmailAddress(),
                c.getAuthorIdent().getWhenAsInstant(), c.getFullMessage(), List.of(), List.of(), List.of());
    }

    /** The commits a prepared walk yields, after skipping {@code skip}, at most {@code limit}. */
    private static List<History.Changeset> page(RevWalk walk, int skip, int limit) {
        List<History.Changeset> out = new ArrayList<>();
        int seen = 0;
        for (RevCommit c : walk) {
            if (seen++ < skip) {
                continue;
            }
            out.add(brief(c));
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** Up to {@code limit} commits reachable from {@code rev}, newest first, skipping {@code skip}. */
    public static List<History.Changeset> latest(Path folder, String rev, int skip, int limit)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            if (db.resolve(Constants.HEAD) == null && (rev.equals("tip") || rev.equals("HEAD"))) {
                return List.of();
            }
            walk.markStart(commit(db, walk, rev));
            return page(walk, skip, limit);
        }
    }

    public static List<String> branches(Path folder) throws IOException {
        try (Repository db = History.open(folder)) {
            List<String> out = new ArrayList<>();
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                out.add(r.getName().substring(Constants.R_HEADS.length()));
            }
            return out;
        }
    }

    private static TreeWalk find(Repository db, RevCommit c, String path) throws IOException, History.NotFound {
        TreeWalk tw = TreeWalk.forPath(db, path, c.getTree());
        if (tw == null) {
            throw new History.NotFound(path);
        }
        return tw;
    }

    public static Entry entry(Path folder, String rev, String path) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            if (path.isEmpty()) {
                return new Entry(true, 0, false, null);
            }
            try (TreeWalk tw = find(db, c, path)) {
                if (tw.isSubtree()) {
                    return new Entry(true, 0, false, null);
                }
                if (tw.getFileMode(0) == FileMode.GITLINK) {
                    throw new History.NotFound(path);
                }
                ObjectLoader loader = db.open(tw.getObjectId(0));
                long size = loader.getSize();
                if (size > MAX_INLINE) {
                    return new Entry(false, size, false, null);
                }
                byte[] bytes = loader.getCachedBytes();
                if (RawText.isBinary(bytes)) {
                    return new Entry(false, size, true, null);
                }
                return new Entry(false, size, false, new String(bytes, StandardCharsets.UTF_8).lines().toList());
            }
        }
    }

    public static List<Child> list(Path folder, String rev, String path) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            ObjectId tree = c.getTree();
            if (!path.isEmpty()) {
                try (TreeWalk tw = find(db, c, path)) {
                    tree = tw.getObjectId(0);
                }
            }
            List<Child> dirs = new ArrayList<>();
            List<Child> files = new ArrayList<>();
            try (TreeWalk tw = new TreeWalk(db)) {
                tw.addTree(tree);
                while (tw.next()) {
                    String name = tw.getNameString();
                    String p = path.isEmpty() ? name : path + "/" + name;
                    if (tw.isSubtree()) {
                        dirs.add(new Child(name, p, true, 0));
                    } else if (tw.getFileMode(0) != FileMode.GITLINK) {
                        files.add(new Child(name, p, false, tw.getObjectReader()
                                .getObjectSize(tw.getObjectId(0), org.eclipse.jgit.lib.ObjectReader.OBJ_ANY)));
                    }
                }
            }
            dirs.addAll(files);
            return dirs;
        }
    }

    /** Streams a file's bytes (any size) to {@code out}, after reporting its length. */
    public static void stream(Path folder, String rev, String path, LongConsumer length, OutputStream out)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            try (TreeWalk tw = find(db, c, path)) {
                if (tw.isSubtree() || tw.getFileMode(0) == FileMode.GITLINK) {
                    throw new History.NotFound(path);
                }
                ObjectLoader loader = db.open(tw.getObjectId(0));
                length.accept(loader.getSize());
                loader.copyTo(out);
            }
        }
    }

    private static final List<String> README_NAMES = List.of("readme.md", "readme.markdown", "readme.rst",
            "readme.txt", "readme");

    /** A README's name and blob id (the blob's content is read only when needed). */
    public record ReadmeRef(String name, String blobId) {
    }

    /** The README at the root of {@code rev} by name and blob id, without reading it; null when there is none. */
    public static ReadmeRef readmeRef(Path folder, String rev) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            try (TreeWalk tw = new TreeWalk(db)) {
                tw.addTree(c.getTree());
                ReadmeRef best = null;
                int bestRank = Integer.MAX_VALUE;
                while (tw.next()) {
                    int rank = README_NAMES.indexOf(tw.getNameString().toLowerCase(Locale.ROOT));
                    if (rank >= 0 && rank < bestRank && !tw.isSubtree()) {
                        best = new ReadmeRef(tw.getNameString(), tw.getObjectId(0).name());
                        bestRank = rank;
                    }
                }
                return best;
            }
        }
    }

    /** A blob's text (UTF-8), or null when it is larger than {@link #MAX_INLINE}. */
    public static String blobText(Path folder, String blobId) throws IOException {
        try (Repository db = History.open(folder)) {
            ObjectLoader loader = db.open(ObjectId.fromString(blobId), Constants.OBJ_BLOB);
            if (loader.getSize() > MAX_INLINE) {
                return null;
            }
            return new String(loader.getCachedBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The README at the root of {@code rev}, if any and not too large. */
    public static Readme readme(Path folder, String rev) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            try (TreeWalk tw = new TreeWalk(db)) {
                tw.addTree(c.getTree());
                String best = null;
                ObjectId bestId = null;
                int bestRank = Integer.MAX_VALUE;
                while (tw.next()) {
                    int rank = README_NAMES.indexOf(tw.getNameString().toLowerCase(Locale.ROOT));
                    if (rank >= 0 && rank < bestRank && !tw.isSubtree()) {
                        best = tw.getNameString();
                        bestId = tw.getObjectId(0);
                        bestRank = rank;
                    }
                }
                if (best == null) {
                    return null;
                }
                ObjectLoader loader = db.open(bestId);
                if (loader.getSize() > MAX_INLINE) {
                    return null;
                }
                return new Readme(best, new String(loader.getCachedBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    /** The changeset's diff against its first parent, cut after about {@code limit} bytes. */
    public static Diff diff(Path folder, String rev, long limit) throws IOException, History.NotFound {
        return diff(folder, rev, limit, 3, false);
    }

    /** As {@link #diff(Path, String, long)}, with {@code context} lines around changes and whitespace ignored. */
    public static Diff diff(Path folder, String rev, long limit, int context, boolean ignoreWhitespace)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            List<String> parents = new ArrayList<>();
            for (RevCommit p : c.getParents()) {
                parents.add(p.name());
            }
            // not History.changeset: its revision number costs a walk of the whole history, and no page shows it
            History.Changeset cs = brief(c);
            ObjectId parentTree = c.getParentCount() > 0 ? walk.parseCommit(c.getParent(0)).getTree() : null;
            FileDiffs d = fileDiffs(db, parentTree, c.getTree(), limit, context, ignoreWhitespace);
            return new Diff(cs, parents, d.files(), d.cut());
        }
    }

    /** File diffs between two trees, cut after about {@code limit} bytes. */
    public record FileDiffs(List<FileDiff> files, boolean cut) {
    }

    private static FileDiffs fileDiffs(Repository db, ObjectId oldTree, ObjectId newTree, long limit, int context,
            boolean ignoreWhitespace) throws IOException {
        List<FileDiff> files = new ArrayList<>();
        long total = 0;
        boolean cut = false;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DiffFormatter df = new DiffFormatter(buf)) {
            df.setRepository(db);
            df.setDetectRenames(true);
            df.setContext(Math.max(0, Math.min(context, 10_000)));
            if (ignoreWhitespace) {
                df.setDiffComparator(org.eclipse.jgit.diff.RawTextComparator.WS_IGNORE_ALL);
            }
            for (DiffEntry e : df.scan(oldTree, newTree)) {
                String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
                String change = e.getChangeType().name().toLowerCase(Locale.ROOT);
                if (cut) {
                    files.add(new FileDiff(path, change, false, List.of()));
                    continue;
                }
                buf.reset();
                df.format(e);
                total += buf.size();
                String text = buf.toString(StandardCharsets.UTF_8);
                boolean binary = text.contains("\nBinary files ");
                files.add(new FileDiff(path, change, binary, binary ? List.of() : parse(text)));
                if (total > limit) {
                    cut = true;
                }
            }
        }
        return new FileDiffs(files, cut);
    }

    /** What {@code other} has that {@code org} lacks: its commits (newest first) and the diff from their merge base. */
    public record Comparison(String orgId, String otherId, String baseId, List<History.Changeset> commits,
            FileDiffs diff, boolean related) {
    }

    /**
     * Compares two revisions inside {@code folder} (for forks: the other repository's folder, where the original's
     * history is expected too). {@code org} may be a commit id from another repository.
     */
    public static Comparison compare(Path folder, String org, String other, long limit, int context,
            boolean ignoreWhitespace) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit o = commit(db, walk, org);
            RevCommit t = commit(db, walk, other);
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(o);
            walk.markStart(t);
            RevCommit base = walk.next();
            walk.reset();
            walk.setRevFilter(RevFilter.ALL);
            walk.markStart(t);
            walk.markUninteresting(o);
            List<History.Changeset> commits = new ArrayList<>();
            for (RevCommit c : walk) {
                commits.add(brief(c));
                if (commits.size() >= 1000) {
                    break;
                }
            }
            ObjectId baseTree = base == null ? null : walk.parseCommit(base).getTree();
            FileDiffs d = fileDiffs(db, base == null ? o.getTree() : baseTree, t.getTree(), limit, context,
                    ignoreWhitespace);
            return new Comparison(o.name(), t.name(), base == null ? null : base.name(), commits, d, base != null);
        }
    }

    private static List<DiffLine> parse(String text) {
        List<DiffLine> out = new ArrayList<>();
        int oldNo = 0;
        int newNo = 0;
        boolean inHunk = false;
        for (String line : text.split("\n", -1)) {
            Matcher m = HUNK.matcher(line);
            if (m.matches()) {
                oldNo = Integer.parseInt(m.group(1));
                newNo = Integer.parseInt(m.group(2));
                inHunk = true;
                out.add(new DiffLine("hunk", line, "", ""));
            } else if (!inHunk) {
                continue;
            } else if (line.startsWith("+")) {
                out.add(new DiffLine("add", line.substring(1), "", Integer.toString(newNo++)));
            } else if (line.startsWith("-")) {
                out.add(new DiffLine("del", line.substring(1), Integer.toString(oldNo++), ""));
            } else if (line.startsWith(" ")) {
                out.add(new DiffLine("ctx", line.substring(1), Integer.toString(oldNo++), Integer.toString(newNo++)));
            } else if (line.startsWith("\\")) {
                out.add(new DiffLine("ctx", line, "", ""));
            }
        }
        return out;
    }

    /** Archive formats offered for download, by file-name suffix. */
    public static final List<String> ARCHIVE_FORMATS = List.of("zip", "tar.gz", "tar");

    static {
        org.eclipse.jgit.archive.ArchiveFormats.registerAll();
    }

    /**
     * Streams an archive of {@code rev} to {@code out} as it is built (nothing is assembled first), with every path
     * under {@code prefix/}.
     */
    public static void archive(Path folder, String rev, String format, String prefix, OutputStream out)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder)) {
            ObjectId id = History.resolve(db, rev, null);
            new org.eclipse.jgit.api.Git(db).archive().setTree(id).setFormat(format.equals("tar.gz") ? "tgz" : format)
                    .setPrefix(prefix + "/").setOutputStream(out).call();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException("archive of " + rev + " failed", e);
        }
    }

    /** One line of an annotated file: the commit that last changed it. */
    public record BlameLine(int number, String text, String commit, String author, String date) {
    }

    /** Blame of a text file, or null when the file is binary or too large to show. */
    public static List<BlameLine> annotate(Path folder, String rev, String path) throws IOException, History.NotFound {
        Entry e = entry(folder, rev, path);
        if (e.isDir() || e.lines() == null) {
            return null;
        }
        try (Repository db = History.open(folder)) {
            ObjectId id = History.resolve(db, rev, null);
            org.eclipse.jgit.blame.BlameResult blame = new org.eclipse.jgit.api.Git(db).blame().setStartCommit(id)
                    .setFilePath(path).call();
            if (blame == null) {
                throw new History.NotFound(path);
            }
            List<BlameLine> out = new ArrayList<>();
            int n = blame.getResultContents().size();
            for (int i = 0; i < n; i++) {
                RevCommit c = blame.getSourceCommit(i);
                out.add(new BlameLine(i + 1, blame.getResultContents().getString(i),
                        c == null ? "" : c.name(), c == null ? "" : c.getAuthorIdent().getName(),
                        c == null ? "" : c.getAuthorIdent().getWhenAsInstant().toString().substring(0, 10)));
            }
            return out;
        } catch (org.eclipse.jgit.api.errors.GitAPIException ex) {
            throw new IOException("blame of " + path + " failed", ex);
        }
    }

    /** Up to {@code limit} commits reachable from {@code rev} that changed {@code path}, newest first. */
    public static List<History.Changeset> fileHistory(Path folder, String rev, String path, int skip, int limit)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            walk.markStart(commit(db, walk, rev));
            walk.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
                    org.eclipse.jgit.treewalk.filter.PathFilter.create(path),
                    org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF));
            return page(walk, skip, limit);
        }
    }

    /** Branch and tag names with the commits they point at. */
    public record Refs(java.util.Map<String, String> branches, java.util.Map<String, String> tags) {
    }

    public static Refs refs(Path folder) throws IOException {
        try (Repository db = History.open(folder)) {
            java.util.Map<String, String> branches = new java.util.TreeMap<>();
            java.util.Map<String, String> tags = new java.util.TreeMap<>();
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                branches.put(r.getName().substring(Constants.R_HEADS.length()), r.getObjectId().name());
            }
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                Ref peeled = db.getRefDatabase().peel(r);
                ObjectId id = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : r.getObjectId();
                tags.put(r.getName().substring(Constants.R_TAGS.length()), id.name());
            }
            return new Refs(branches, tags);
        }
    }

    /**
     * Writes the changeset's diff against its first parent straight to {@code out}: as a plain diff, or as a patch
     * {@code git am} applies (mail headers first).
     */
    public static void rawDiff(Path folder, String rev, boolean asPatch, OutputStream out)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit c = commit(db, walk, rev);
            if (asPatch) {
                org.eclipse.jgit.lib.PersonIdent a = c.getAuthorIdent();
                String header = "From " + c.name() + " Mon Sep 17 00:00:00 2001\nFrom: " + a.getName() + " <"
                        + a.getEmailAddress() + ">\nDate: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(a.getWhenAsInstant().atZone(a.getZoneId())) + "\nSubject: [PATCH] "
                        + c.getShortMessage() + "\n\n" + bodyOf(c) + "---\n\n";
                out.write(header.getBytes(StandardCharsets.UTF_8));
            }
            try (DiffFormatter df = new DiffFormatter(out)) {
                df.setRepository(db);
                ObjectId parentTree = c.getParentCount() > 0 ? walk.parseCommit(c.getParent(0)).getTree() : null;
                df.format(parentTree, c.getTree());
            }
            if (asPatch) {
                out.write("-- \nCairn\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String bodyOf(RevCommit c) {
        String full = c.getFullMessage();
        int nl = full.indexOf('\n');
        String body = nl < 0 ? "" : full.substring(nl + 1).strip();
        return body.isEmpty() ? "" : body + "\n";
    }

    /** A commit of a changelog with its parents, for drawing the graph. */
    public record LogEntry(History.Changeset changeset, List<String> parents) {
    }

    /** Commits read beyond a changelog page to put it in topological order despite skewed commit dates. */
    static final int TOPO_LOOKAHEAD = 256;

    /**
     * The first {@code limit} commits of the changelog, newest first in topological order (a commit after all its
     * children): of one branch, or of every branch when {@code branch} is null. Reads only {@code limit} +
     * {@value #TOPO_LOOKAHEAD} commits in date order and sorts those (children first, else newest first), instead of
     * the whole history a full topological sort needs: only a child dated older than its parent by more than that
     * many commits could be listed late.
     */
    public static List<LogEntry> log(Path folder, String branch, int limit) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            walk.sort(org.eclipse.jgit.revwalk.RevSort.COMMIT_TIME_DESC);
            if (branch != null) {
                walk.markStart(commit(db, walk, branch));
            } else {
                boolean any = false;
                for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                    walk.markStart(walk.parseCommit(r.getObjectId()));
                    any = true;
                }
                if (!any) {
                    return List.of();
                }
            }
            List<RevCommit> read = new ArrayList<>();
            for (RevCommit c : walk) {
                read.add(c);
                if (read.size() >= limit + TOPO_LOOKAHEAD) {
                    break;
                }
            }
            // Kahn's algorithm over the commits read; among those ready, the newest (first read) goes first
            java.util.Map<RevCommit, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < read.size(); i++) {
                index.put(read.get(i), i);
            }
            int[] children = new int[read.size()];
            for (RevCommit c : read) {
                for (RevCommit p : c.getParents()) {
                    Integer pi = index.get(p);
                    if (pi != null) {
                        children[pi]++;
                    }
                }
            }
            java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
            for (int i = 0; i < read.size(); i++) {
                if (children[i] == 0) {
                    ready.add(i);
                }
            }
            List<LogEntry> out = new ArrayList<>();
            while (!ready.isEmpty() && out.size() < limit) {
                RevCommit c = read.get(ready.poll());
                List<String> parents = new ArrayList<>();
                for (RevCommit p : c.getParents()) {
                    parents.add(p.name());
                    Integer pi = index.get(p);
                    if (pi != null && --children[pi] == 0) {
                        ready.add(pi);
                    }
                }
                out.add(new LogEntry(brief(c), parents));
            }
            return out;
        }
    }

    /** The last change of one entry of a folder: commit id, subject, author and time. */
    public record LastCommit(String id, String subject, String author, java.time.Instant date) {
        public String shortId() {
            return id.substring(0, 12);
        }
    }

    /**
     * The last commit of each entry of a folder, by entry name; {@code walked} commits were read, and
     * {@code complete} tells whether every entry was reached before the bound.
     */
    public record LastCommits(java.util.Map<String, LastCommit> byName, int walked, boolean complete) {
    }

    /**
     * The last commit that changed each entry of folder {@code dir} (empty = root) at {@code commitId}, found in ONE
     * walk of the history, newest first, that stops when every entry is placed or after {@code maxCommits} commits
     * (entries not reached by then have none). A merge changes an entry only when the entry differs from every
     * parent (git log's TREESAME rule); a root commit changes everything it has.
     */
    public static LastCommits lastCommits(Path folder, String commitId, String dir, int maxCommits)
            throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit start = commit(db, walk, commitId);
            ObjectId top = dirTree(db, start, dir);
            if (top == null) {
                throw new History.NotFound(dir);
            }
            java.util.Set<String> wanted = new java.util.HashSet<>();
            try (TreeWalk tw = new TreeWalk(db)) {
                tw.addTree(top);
                while (tw.next()) {
                    wanted.add(tw.getNameString());
                }
            }
            java.util.Map<String, LastCommit> found = new java.util.HashMap<>();
            java.util.Map<ObjectId, ObjectId> trees = new java.util.HashMap<>();
            walk.sort(org.eclipse.jgit.revwalk.RevSort.COMMIT_TIME_DESC);
            walk.markStart(start);
            int walked = 0;
            for (RevCommit c : walk) {
                if (found.size() >= wanted.size() || walked >= maxCommits) {
                    break;
                }
                walked++;
                ObjectId mine = trees.remove(c);
                if (mine == null) {
                    mine = dirTree(db, c, dir);
                }
                if (mine == null) {
                    continue;
                }
                List<ObjectId> parentTrees = new ArrayList<>();
                boolean sameAsAParent = false;
                for (RevCommit p : c.getParents()) {
                    walk.parseHeaders(p);
                    ObjectId pt = trees.get(p);
                    if (pt == null) {
                        pt = dirTree(db, p, dir);
                        if (pt != null) {
                            trees.put(p.copy(), pt);
                        }
                    }
                    if (mine.equals(pt)) {
                        sameAsAParent = true;
                        break;
                    }
                    parentTrees.add(pt);
                }
                if (sameAsAParent) {
                    continue;
                }
                LastCommit lc = null;
                try (TreeWalk tw = new TreeWalk(db)) {
                    tw.addTree(mine);
                    for (ObjectId pt : parentTrees) {
                        if (pt == null) {
                            tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
                        } else {
                            tw.addTree(pt);
                        }
                    }
                    while (tw.next()) {
                        if (tw.getRawMode(0) == 0) {
                            continue;
                        }
                        String name = tw.getNameString();
                        if (!wanted.contains(name) || found.containsKey(name)) {
                            continue;
                        }
                        boolean changed = true;
                        for (int i = 1; i < tw.getTreeCount(); i++) {
                            if (tw.getRawMode(i) == tw.getRawMode(0) && tw.idEqual(0, i)) {
                                changed = false;
                                break;
                            }
                        }
                        if (changed) {
                            if (lc == null) {
                                org.eclipse.jgit.lib.PersonIdent a = c.getAuthorIdent();
                                lc = new LastCommit(c.name(), c.getShortMessage(), a.getName(), a.getWhenAsInstant());
                            }
                            found.put(name, lc);
                        }
                    }
                }
            }
            return new LastCommits(java.util.Map.copyOf(found), walked, found.size() >= wanted.size());
        }
    }

    /** A commit's children on any branch (ids); {@code complete} is false when the search stopped at its bound. */
    public record Children(List<String> ids, boolean complete) {
    }

    /**
     * The commits of any branch that have {@code commitId} as a parent. Walks only what is newer than the commit (what
     * it cannot reach), at most {@code maxCommits} commits.
     */
    public static Children children(Path folder, String commitId, int maxCommits) throws IOException, History.NotFound {
        try (Repository db = History.open(folder); RevWalk walk = new RevWalk(db)) {
            RevCommit target = commit(db, walk, commitId);
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (r.getObjectId() == null) {
                    continue;
                }
                try {
                    walk.markStart(walk.parseCommit(r.getObjectId()));
                } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException notACommit) {
                    // a branch pointing at something else has no history
                }
            }
            walk.markUninteresting(target);
            List<String> out = new ArrayList<>();
            int walked = 0;
            for (RevCommit c : walk) {
                if (++walked > maxCommits) {
                    return new Children(out, false);
                }
                for (RevCommit p : c.getParents()) {
                    if (p.equals(target)) {
                        out.add(c.name());
                        break;
                    }
                }
            }
            return new Children(out, true);
        }
    }

    /** The tree of folder {@code dir} in commit {@code c}, or null when the commit has no such folder. */
    private static ObjectId dirTree(Repository db, RevCommit c, String dir) throws IOException {
        if (dir.isEmpty()) {
            return c.getTree();
        }
        try (TreeWalk tw = TreeWalk.forPath(db, dir, c.getTree())) {
            return tw == null || !tw.isSubtree() ? null : tw.getObjectId(0);
        }
    }

    /**
     * A short fingerprint of every branch head (names and commits): it changes whenever a push moves, adds or
     * deletes a branch, so it keys what depends on all branches (the changelog's graph).
     */
    public static String headsState(Path folder) throws IOException {
        try (Repository db = History.open(folder)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-1");
            ObjectId head = db.resolve(Constants.HEAD);
            md.update(((head == null ? "-" : head.name()) + "\n").getBytes(StandardCharsets.UTF_8));
            for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                md.update((r.getName() + " " + (r.getObjectId() == null ? "-" : r.getObjectId().name()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
