package cairn.gist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FileUtils;

import cairn.auth.User;

/**
 * Gists (Kallithea's GistModel): one or more files kept as a bare Git repository {@code DATA/gists/<access id>} with
 * one commit, and a row in the gists table. Public gists are addressed by their numeric id, private ones by a random
 * access id nobody can guess; a gist with a lifetime expires and is no longer listed.
 */
public final class GistService {
    private static final Logger LOG = Logger.getLogger(GistService.class.getName());
    /** Kallithea's alphabet for private access ids: no 0/O, 1/l/I that read alike. */
    private static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjklmnpqrstuvwxyz";
    private static final int ACCESS_ID_LENGTH = 20;
    private static final String BRANCH = "refs/heads/main";

    /** A gist that could not be made or removed; the message is for the log. */
    public static final class GistException extends Exception {
        private static final long serialVersionUID = 1L;

        public GistException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final GistDao dao;
    private final Path root;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public GistService(GistDao dao, Path root, Clock clock) {
        this.dao = dao;
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public Optional<Gist> byId(long id) {
        return dao.byId(id);
    }

    public Optional<Gist> byAccessId(String accessId) {
        return dao.byAccessId(accessId);
    }

    /** The owner's gists that have not expired, newest first. */
    public List<Gist> unexpiredOf(User owner) {
        return dao.unexpiredOf(owner.id(), clock.instant().toEpochMilli() / 1000.0);
    }

    public boolean isExpired(Gist gist) {
        return gist.isExpired(clock.instant());
    }

    /** The gist's page: {@code <base>/_admin/gists/<access id>}, base being scheme, host, port and context path. */
    public static String url(String base, Gist gist) {
        return base + "/_admin/gists/" + gist.accessId();
    }

    /** The bare repository holding the gist's files. */
    public Path folder(Gist gist) {
        return folder(gist.accessId());
    }

    private Path folder(String accessId) {
        Path dir = root.resolve(accessId).normalize();
        if (!dir.getParent().equals(root)) {
            throw new IllegalArgumentException("bad gist access id: " + accessId);
        }
        return dir;
    }

    /**
     * Creates a gist: {@code files} (name → content, in order) in one commit by {@code owner}. {@code type} is public
     * or private; {@code lifetimeMinutes} -1 keeps it forever. File names must be plain names, not paths.
     */
    public Gist create(User owner, Map<String, String> files, String type, long lifetimeMinutes, String description)
            throws GistException {
        if (!Gist.PUBLIC.equals(type) && !Gist.PRIVATE.equals(type)) {
            throw new GistException("gist type must be public or private, not " + type, null);
        }
        if (files.isEmpty()) {
            throw new GistException("a gist needs at least one file", null);
        }
        for (String name : files.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
                    || name.indexOf('\0') >= 0) {
                throw new GistException("file name cannot be a path: " + name, null);
            }
        }
        Instant now = clock.instant();
        double expires = lifetimeMinutes == -1 ? -1 : now.toEpochMilli() / 1000.0 + lifetimeMinutes * 60.0;
        Path[] made = {null};
        try {
            Gist gist = dao.insert(newAccessId(), description == null ? "" : description, owner.id(), expires, type,
                    now, g -> {
                        made[0] = folder(g.accessId());
                        writeRepository(made[0], owner, files, now);
                    });
            LOG.info("created " + type + " gist " + gist.accessId() + " for " + owner.username());
            return gist;
        } catch (RuntimeException e) {
            if (made[0] != null) {
                removeQuietly(made[0]);
            }
            throw new GistException("cannot create gist: " + e.getMessage(), e);
        }
    }

    private String newAccessId() {
        while (true) {
            StringBuilder sb = new StringBuilder(ACCESS_ID_LENGTH);
            for (int i = 0; i < ACCESS_ID_LENGTH; i++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String id = sb.toString();
            // an all-digit access id would read as a primary key
            if (!id.chars().allMatch(Character::isDigit)) {
                return id;
            }
        }
    }

    private static void writeRepository(Path dir, User owner, Map<String, String> files, Instant now)
            throws IOException {
        if (Files.exists(dir)) {
            throw new IOException("gist folder already exists: " + dir);
        }
        Files.createDirectories(dir.getParent());
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
            repo.create(true);
            try (ObjectInserter ins = repo.newObjectInserter()) {
                DirCache index = DirCache.newInCore();
                DirCacheBuilder builder = index.builder();
                for (Map.Entry<String, String> f : files.entrySet()) {
                    DirCacheEntry e;
                    try {
                        e = new DirCacheEntry(f.getKey());
                    } catch (IllegalArgumentException bad) {
                        throw new IOException("invalid file name " + f.getKey(), bad);
                    }
                    e.setFileMode(FileMode.REGULAR_FILE);
                    e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8)));
                    builder.add(e);
                }
                builder.finish();
                PersonIdent who = new PersonIdent(owner.username(), owner.email() == null ? "" : owner.email(), now,
                        ZoneId.systemDefault());
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(index.writeTree(ins));
                commit.setAuthor(who);
                commit.setCommitter(who);
                // Kallithea's message: "added file: a" / "added files: a, b"
                commit.setMessage("added file" + (files.size() > 1 ? "s: " : ": ") + String.join(", ", files.keySet()));
                ObjectId id = ins.insert(commit);
                ins.flush();
                RefUpdate ru = repo.updateRef(BRANCH);
                ru.setNewObjectId(id);
                ru.setExpectedOldObjectId(ObjectId.zeroId());
                RefUpdate.Result r = ru.update();
                if (r != RefUpdate.Result.NEW) {
                    throw new IOException("cannot create " + BRANCH + " in " + dir + ": " + r);
                }
                repo.updateRef(Constants.HEAD).link(BRANCH);
            }
        }
    }

    /** The gist's files (name → content) as committed, in name order. */
    public Map<String, String> files(Gist gist) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(folder(gist).toFile()).setBare().build();
                RevWalk walk = new RevWalk(repo)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                return out;
            }
            RevCommit c = walk.parseCommit(head);
            try (TreeWalk tw = new TreeWalk(repo)) {
                tw.addTree(c.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    out.put(tw.getPathString(),
                            new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** Deletes the gist: its row, then its repository (moved out of the way first, so a failure can be undone). */
    public void delete(Gist gist) throws GistException {
        Path dir = folder(gist);
        Path doomed = root.resolve(".deleting-" + gist.id() + "-" + System.nanoTime());
        boolean moved = false;
        try {
            if (Files.exists(dir)) {
                Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            }
            if (!dao.delete(gist.id())) {
                throw new IllegalStateException("gist " + gist.id() + " is gone");
            }
        } catch (IOException | RuntimeException e) {
            if (moved) {
                try {
                    Files.move(doomed, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new GistException("cannot delete gist " + gist.accessId() + ": " + e.getMessage(), e);
        }
        if (moved) {
            removeQuietly(doomed);
        }
        LOG.info("deleted gist " + gist.accessId());
    }

    private static void removeQuietly(Path dir) {
        try {
            FileUtils.delete(dir.toFile(), FileUtils.RECURSIVE | FileUtils.IGNORE_ERRORS);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove " + dir, e);
        }
    }
}
