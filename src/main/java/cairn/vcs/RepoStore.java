package cairn.vcs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache.FileKey;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Repositories on disk under one root: {@code root/<name>} (Kallithea's layout) or {@code root/<name>.git}. Every path
 * handed out is checked to lie inside the root, so no name can reach a file outside it.
 */
public final class RepoStore {
    private static final Logger LOG = Logger.getLogger(RepoStore.class.getName());
    private static final int MAX_DEPTH = 16;

    private final Path root;

    public RepoStore(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /** The folder of the repository called {@code name}, or null if there is none on disk. */
    public Path locate(String name) {
        if (!RepoNames.isValid(name)) {
            return null;
        }
        for (String candidate : new String[] {name, name + ".git"}) {
            Path dir = inside(root.resolve(candidate));
            if (dir != null && looksLikeRepository(dir)) {
                return dir;
            }
        }
        return null;
    }

    /** The path if it really is inside the root once links are followed, else null. */
    private Path inside(Path p) {
        try {
            if (!Files.exists(p)) {
                return null;
            }
            Path real = p.toRealPath();
            return real.startsWith(root) && !real.equals(root) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A Git repository, or a Mercurial one (served by a later protocol); a group folder is neither. */
    static boolean looksLikeRepository(Path dir) {
        return isGitRepository(dir) || Files.isDirectory(dir.resolve(".hg"));
    }

    public static boolean isGitRepository(Path dir) {
        return Files.isDirectory(dir) && FileKey.isGitRepository(dir.toFile(), FS.DETECTED);
    }

    /** Creates an empty bare repository {@code root/<name>}; refuses if anything exists at that path. */
    public Path createGit(String name) throws IOException {
        Path dir = freePlace(name);
        initBare(dir);
        return dir;
    }

    /** {@code root/<name>} for a new repository: a valid name, inside the root, nothing there yet; parents made. */
    private Path freePlace(String name) throws IOException {
        if (!RepoNames.isValid(name)) {
            throw new IllegalArgumentException("invalid repository name: " + name);
        }
        Path dir = root.resolve(name).normalize();
        if (!dir.startsWith(root) || !existingAncestorInside(dir)) {
            throw new IOException("repository folder would lie outside the repository root: " + dir);
        }
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.exists(root.resolve(name + ".git"))) {
            throw new IOException("repository folder already exists: " + dir);
        }
        Files.createDirectories(dir.getParent());
        return dir;
    }

    /** An empty bare repository at {@code dir}, HEAD at main. */
    private static void initBare(Path dir) throws IOException {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
            repo.create(true);
            repo.updateRef("HEAD").link("refs/heads/main");
        }
    }

    /** Hidden folder under the root where new repositories are filled before they get their name. */
    static final String STAGING = ".importing";

    /**
     * Creates an empty bare repository under {@code root/.importing/}, where no name reaches it and the scan does not
     * look (hidden folder): a repository is filled there, then moved into place with {@link #adopt}.
     */
    public Path createStaging() throws IOException {
        Path dir = root.resolve(STAGING).resolve(java.util.UUID.randomUUID() + ".git");
        Files.createDirectories(dir.getParent());
        initBare(dir);
        return dir;
    }

    /**
     * Moves a repository made by {@link #createStaging} to {@code root/<name>} in one step (same file system);
     * refuses, as {@link #createGit} does, if anything is at that path already.
     */
    public Path adopt(Path staged, String name) throws IOException {
        Path dir = freePlace(name);
        org.eclipse.jgit.lib.RepositoryCache.unregister(FileKey.exact(staged.toFile(), FS.DETECTED));
        Files.move(staged, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    /**
     * Removes staging folders older than {@code age} (left by a stop in the middle of an import); younger ones may
     * belong to an import running in another process on the same root.
     */
    public void cleanStaging(java.time.Duration age) {
        Path staging = root.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        java.time.Instant before = java.time.Instant.now().minus(age);
        try (Stream<Path> children = Files.list(staging)) {
            for (Path child : children.toList()) {
                if (Files.getLastModifiedTime(child).toInstant().isBefore(before)) {
                    org.eclipse.jgit.util.FileUtils.delete(child.toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE
                            | org.eclipse.jgit.util.FileUtils.IGNORE_ERRORS);
                    LOG.info("removed the unfinished import " + child);
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot clean " + staging + ": " + e.getMessage());
        }
    }

    /** Whether the deepest existing folder on the way to {@code p} is inside the root once links are followed. */
    private boolean existingAncestorInside(Path p) throws IOException {
        Path existing = p.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.toRealPath().startsWith(root);
    }

    /** A bare Git repository found on disk, named by its path under the root (without {@code .git}). */
    public record Found(String name, Path dir) {
    }

    /**
     * Every Git repository under the root, as {@code kallithea-cli repo-scan} finds them: folders that are
     * repositories are not entered; other folders are groups. Hidden folders and moved-aside {@code rm__} ones are
     * skipped.
     */
    public List<Found> scan() {
        List<Found> found = new ArrayList<>();
        walk(root, "", 0, found);
        return found;
    }

    private void walk(Path dir, String prefix, int depth, List<Found> found) {
        if (depth > MAX_DEPTH) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                String fileName = child.getFileName().toString();
                if (fileName.startsWith(".") || fileName.startsWith("rm__") || !Files.isDirectory(child)
                        || !child.toRealPath().startsWith(root)) {
                    continue;
                }
                String name = prefix + RepoNames.fromUrl(fileName);
                if (isGitRepository(child)) {
                    if (RepoNames.isValid(name)) {
                        found.add(new Found(name, child));
                    } else {
                        LOG.warning("repository folder " + child + " has a name Cairn cannot serve; skipped");
                    }
                } else if (RepoNames.isValid(name)) {
                    walk(child, name + "/", depth + 1, found);
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot scan " + dir + ": " + e.getMessage());
        }
    }
    // ---- repository-group folders: create, move (rename) and move aside ----

    /** The folder {@code root/<name>} of a repository group, checked to lie inside the root (it need not exist). */
    public Path groupFolder(String name) throws IOException {
        if (!RepoNames.isValid(name)) {
            throw new IllegalArgumentException("invalid group name: " + name);
        }
        Path dir = root.resolve(name).normalize();
        if (!dir.startsWith(root) || dir.equals(root) || !existingAncestorInside(dir)) {
            throw new IOException("group folder would lie outside the repository root: " + dir);
        }
        return dir;
    }

    /** Creates the (empty) folder of a new repository group; refuses if anything is at that path. */
    public Path createGroupFolder(String name) throws IOException {
        Path dir = groupFolder(name);
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.exists(root.resolve(name + ".git"))) {
            throw new IOException("folder already exists: " + dir);
        }
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * Moves a group's folder (with everything inside) from {@code root/<from>} to {@code root/<to>}, creating the new
     * parent folders; refuses if anything is at the target. A group without a folder gets an empty one at the target.
     * Returns whether a folder was moved (so the caller knows what to undo).
     */
    public boolean moveGroupFolder(String from, String to) throws IOException {
        Path src = groupFolder(from);
        Path dst = groupFolder(to);
        if (Files.exists(dst, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.exists(root.resolve(to + ".git"))) {
            throw new IOException("folder already exists: " + dst);
        }
        if (dst.startsWith(src)) {
            throw new IOException("cannot move " + src + " into itself");
        }
        if (!Files.isDirectory(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dst);
            return false;
        }
        Files.createDirectories(dst.getParent());
        Files.move(src, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Moves an (empty) group's folder aside, as Kallithea archives a deleted group: to
     * {@code root/rm__<YYYYMMDD_HHMMSS_ffffff>_GROUP_<last segment>}. Returns the new path, or null when the group had
     * no folder.
     */
    public Path moveGroupAside(String name, java.time.LocalDateTime now) throws IOException {
        Path src = groupFolder(name);
        if (!Files.isDirectory(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        String stamp = now.format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_"))
                + String.format("%06d", now.getNano() / 1000);
        Path dst = root.resolve("rm__" + stamp + "_GROUP_" + name.substring(name.lastIndexOf('/') + 1));
        if (Files.exists(dst, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("folder already exists: " + dst);
        }
        Files.move(src, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return dst;
    }

    /** Puts a folder moved aside by {@link #moveGroupAside} back (undo when the database step failed). */
    public void restoreGroupFolder(Path movedAside, String name) throws IOException {
        Path dst = groupFolder(name);
        Files.createDirectories(dst.getParent());
        Files.move(movedAside, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The repository at {@code folder} from JGit's repository cache (opened and registered there if it is not yet):
     * its pack indexes, bitmap and refs stay loaded between requests. Close what it returns (the cache keeps it).
     */
    public static Repository openCached(Path folder) throws IOException {
        return org.eclipse.jgit.lib.RepositoryCache.open(FileKey.exact(folder.toFile(), FS.DETECTED), true);
    }

    /** Drops JGit's cached handles on these repository folders (after they moved), so nothing serves a stale path. */
    public static void forgetCached(List<Path> repositoryFolders) {
        for (Path p : repositoryFolders) {
            org.eclipse.jgit.lib.RepositoryCache.unregister(FileKey.exact(p.toFile(), FS.DETECTED));
        }
    }
}
