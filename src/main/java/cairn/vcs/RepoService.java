package cairn.vcs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.db.RepoDao;

/** Repositories and repository groups: the database rows and the folders on disk, kept in step. */
public final class RepoService {
    private static final Logger LOG = Logger.getLogger(RepoService.class.getName());

    private final RepoDao dao;
    private final RepoStore store;
    private final PermissionService permissions;
    private final UserService users;
    private final Clock clock;

    public RepoService(RepoDao dao, RepoStore store, PermissionService permissions, UserService users, Clock clock) {
        this.dao = dao;
        this.store = store;
        this.permissions = permissions;
        this.users = users;
        this.clock = clock;
    }

    public Optional<Repo> byName(String name) {
        return dao.byName(name);
    }

    public Optional<Repo> byId(long id) {
        return dao.byId(id);
    }

    public List<Repo> all() {
        return dao.all();
    }

    public List<RepoGroup> allGroups() {
        return dao.allGroups();
    }

    /** The repository's folder, or null when the database knows it but the disk does not (it is never dropped). */
    public Path folder(Repo repo) {
        return store.locate(repo.name());
    }

    /** Creates an empty Git repository, its parent groups as needed, and the default user's grant on it. */
    public Repo createGit(String name, User owner, boolean isPrivate, String description) throws IOException {
        if (!RepoNames.isValid(name)) {
            throw new IllegalArgumentException("invalid repository name: " + name);
        }
        if (dao.byName(name).isPresent() || dao.groupByName(name).isPresent()) {
            throw new IllegalArgumentException("repository " + name + " already exists");
        }
        Long groupId = ensureGroups(RepoNames.parent(name), owner);
        Path dir = store.createGit(name);
        try {
            return register(name, owner, isPrivate, description, groupId);
        } catch (RuntimeException e) {
            // The folder was created empty a moment ago; without its row it would be an orphan.
            org.eclipse.jgit.util.FileUtils.delete(dir.toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE);
            throw e;
        }
    }

    private Repo register(String name, User owner, boolean isPrivate, String description, Long groupId) {
        long id = dao.insert(name, "git", owner.id(), isPrivate, description, groupId, null, null, clock.instant());
        Level floor = isPrivate ? Level.NONE : defaultLevel(Kind.REPOSITORY, Level.READ);
        permissions.grantUser(Kind.REPOSITORY, id, users.defaultUser(), floor);
        return dao.byId(id).orElseThrow();
    }

    public void setPrivate(Repo repo, boolean isPrivate) {
        dao.setPrivate(repo.id(), isPrivate);
        permissions.changed();
    }

    /** Records that the repository changed (a push), for "last change" displays. */
    public void touch(Repo repo) {
        dao.touch(repo.id(), clock.instant());
    }

    /** The id of group {@code name}, creating it and its parents (owned by {@code owner}) as needed. */
    public Long ensureGroups(String name, User owner) {
        if (name == null) {
            return null;
        }
        Optional<RepoGroup> existing = dao.groupByName(name);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        if (dao.byName(name).isPresent()) {
            throw new IllegalArgumentException(name + " is a repository, not a group");
        }
        Long parent = ensureGroups(RepoNames.parent(name), owner);
        long id = dao.insertGroup(name, parent, null, owner.id(), clock.instant());
        permissions.grantUser(Kind.GROUP, id, users.defaultUser(), defaultLevel(Kind.GROUP, Level.READ));
        return id;
    }

    /** The default user's global default for new objects of this kind (e.g. repository.read). */
    private Level defaultLevel(Kind kind, Level fallback) {
        for (String p : permissions.globalOf(users.defaultUser())) {
            if (p.startsWith(kind.prefix + ".")) {
                return Level.ofPermissionName(p);
            }
        }
        return fallback;
    }

    /** What a rescan changed: repositories registered, and rows dropped because their folder is gone. */
    public record Rescan(List<String> added, List<String> removed) {
    }

    /**
     * Registers every repository found on disk that the database does not know, owned by {@code owner}. Rows whose
     * folder is missing are reported and kept unless {@code removeObsolete}: the disk may come back (a mount).
     */
    public Rescan rescan(User owner, boolean removeObsolete) {
        List<String> added = scan(owner);
        List<String> removed = new java.util.ArrayList<>();
        if (removeObsolete) {
            for (Repo r : dao.all()) {
                if (store.locate(r.name()) == null) {
                    dao.detachForks(r.id());
                    dao.delete(r.id());
                    removed.add(r.name());
                }
            }
            permissions.changed();
        }
        return new Rescan(added, removed);
    }

    /** Registers repositories found on disk that the database does not know; returns their names. */
    public List<String> scan(User owner) {
        Set<String> known = new HashSet<>();
        for (Repo r : dao.all()) {
            known.add(r.name());
        }
        List<String> added = new java.util.ArrayList<>();
        for (RepoStore.Found f : store.scan()) {
            if (known.remove(f.name())) {
                continue;
            }
            if (dao.groupByName(f.name()).isPresent()) {
                LOG.warning("repository folder " + f.dir() + " has the name of a group; skipped");
                continue;
            }
            register(f.name(), owner, false, null, ensureGroups(RepoNames.parent(f.name()), owner));
            LOG.info("registered repository " + f.name() + " found at " + f.dir());
            added.add(f.name());
        }
        for (String missing : known) {
            LOG.warning("repository " + missing + " is in the database but not under " + store.root());
        }
        return added;
    }
}
