package cairn.vcs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.PermissionService;
import cairn.auth.Perms;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.db.PermissionDao;
import cairn.db.RepoDao;
import cairn.journal.JournalService;

/** Repositories and repository groups: the database rows and the folders on disk, kept in step. */
public final class RepoService {
    private static final Logger LOG = Logger.getLogger(RepoService.class.getName());

    private final RepoDao dao;
    private final RepoStore store;
    private final PermissionService permissions;
    private final UserService users;
    private final Clock clock;
    private final JournalService journal;
    private final RepoImporter importer;

    public RepoService(RepoDao dao, RepoStore store, PermissionService permissions, UserService users,
            JournalService journal, Clock clock) {
        this.dao = dao;
        this.store = store;
        this.permissions = permissions;
        this.users = users;
        this.journal = journal;
        this.clock = clock;
        this.importer = new RepoImporter(120);
    }

    public Optional<Repo> byName(String name) {
        return dao.byName(name);
    }

    /** A lookup by the Git endpoint and the permission generation read before it. */
    private record Served(long generation, Optional<Repo> repo) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Served> served =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A repository by name ({@code name}) or permanent id ({@code _<id>}) for serving Git requests, read again only
     * when the permission generation moved. Every change to what a Git request needs of the row (name, group, type,
     * privacy, existence) bumps it; other fields (description, last change) may be older, so pages use
     * {@link #byName}. An entry is used only at the generation it was read at, so a slow reader of an older
     * generation can never leave an old row for newer requests.
     */
    public Optional<Repo> forServing(String nameOrId, long generation) {
        Served known = served.get(nameOrId);
        if (known == null || known.generation() != generation) {
            if (served.size() >= 10_000) {
                served.clear();
            }
            known = new Served(generation, nameOrId.matches("_[0-9]{1,18}")
                    ? dao.byId(Long.parseLong(nameOrId.substring(1))) : dao.byName(nameOrId));
            served.put(nameOrId, known);
        }
        return known.repo();
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

    // ---------------------------------------------------------------------------------------------------------------
    // The repository API's rules (JSON-RPC today, the UI later): creation, import, forks, updates, deletion, pulls.
    // Messages of Refusal are Kallithea's exact wording and go to the caller verbatim.

    /** A refusal or failure whose message is shown to the caller as it is. */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        private final String detail;

        public Refusal(String message) {
            this(message, null);
        }

        /** A refusal with the reason behind it, for callers that show more than Kallithea's wording (the UI). */
        public Refusal(String message, String detail) {
            super(message, null, false, false);
            this.detail = detail;
        }

        /** Why, in more words than the message (e.g. "cannot fetch from URL: authentication failed"), or null. */
        public String detail() {
            return detail;
        }
    }

    /** A user group as the repository rules need it. */
    public record UserGroupRef(long id, String name, long ownerId, boolean active) {
    }

    /** A row's cached tip (the changeset_cache column), as stored. */
    public record CachedTip(long id, String json) {
    }

    /** The newest changeset of a repository, Kallithea's {@code last_changeset}. */
    public record Tip(String rawId, int revision, String message, Instant date, String author) {
        public static final Tip EMPTY = new Tip("0".repeat(40), -1, "", Instant.EPOCH, "");

        public String shortId() {
            return rawId.substring(0, 12);
        }

        public boolean isEmpty() {
            return revision < 0;
        }
    }

    /** Branch and tag names with the commit each points at. */
    public record Refs(Map<String, String> branches, Map<String, String> tags) {
    }

    /** What a new repository (or fork) is to be. */
    public record NewRepo(String name, User owner, String description, boolean isPrivate, String cloneUri,
            String landingRev, boolean enableStatistics, boolean enableDownloads, boolean copyPermissions) {
    }

    /** What update_repo changes: null = unchanged. */
    public record Changes(String name, RepoGroup group, User owner, String description, Boolean isPrivate,
            String cloneUri, String landingRev, Boolean enableStatistics, Boolean enableDownloads) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RM_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSSSSS");

    /** Every repository in database order (by id). */
    public List<Repo> allById() {
        return dao.allById();
    }

    public List<Repo> forks(Repo repo) {
        return dao.forks(repo.id());
    }

    public Optional<RepoGroup> groupByName(String name) {
        return dao.groupByName(name);
    }

    public Optional<RepoGroup> groupById(long id) {
        return dao.groupById(id);
    }

    public Optional<UserGroupRef> userGroupById(long id) {
        return dao.userGroupById(id);
    }

    public Optional<UserGroupRef> userGroupByName(String name) {
        return dao.userGroupByName(name);
    }

    /** Ids of the repositories {@code user} follows. */
    public java.util.Set<Long> followedBy(User user) {
        return new java.util.LinkedHashSet<>(dao.followedBy(user.id()));
    }

    /**
     * Starts or stops following; returns whether the user follows afterwards. Journaled as Kallithea does
     * ({@code started_following_repo} / {@code stopped_following_repo}).
     */
    public boolean toggleFollowing(User user, Repo repo, String ip) {
        boolean following;
        if (dao.unfollow(user.id(), repo.id()) > 0) {
            following = false;
        } else {
            dao.follow(user.id(), repo.id(), clock.instant());
            following = true;
        }
        journal.record(user, repo, following ? "started_following_repo" : "stopped_following_repo", ip);
        return following;
    }

    /** Users following the repository, in the order they started. */
    public List<User> followers(Repo repo) {
        return dao.followerUsers(repo.id());
    }

    /** The repository's newest changeset, from the cached copy in the database or (then cached) from disk. */
    public Tip tip(Repo repo) {
        Optional<String> cached = dao.changesetCache(repo.id());
        if (cached.isPresent()) {
            Tip t = parseTip(cached.get());
            if (t != null) {
                return t;
            }
        }
        return computeTip(repo);
    }

    /** Tips of many repositories with one query; those not cached yet are read from disk and cached. */
    public Map<Long, Tip> tips(List<Repo> repos) {
        Map<Long, Tip> out = new HashMap<>();
        for (CachedTip c : dao.changesetCaches()) {
            Tip t = parseTip(c.json());
            if (t != null) {
                out.put(c.id(), t);
            }
        }
        List<CachedTip> fresh = new ArrayList<>();
        for (Repo r : repos) {
            if (!out.containsKey(r.id())) {
                Tip t = readTip(r);
                out.put(r.id(), t == null ? Tip.EMPTY : t);
                if (t != null) {
                    fresh.add(new CachedTip(r.id(), tipJson(t)));
                }
            }
        }
        if (!fresh.isEmpty()) {
            try {
                // one batch in one transaction: a first listing of thousands of repositories is not thousands of commits
                dao.setChangesetCaches(fresh);
            } catch (RuntimeException e) {
                LOG.warning("cannot cache the tips of " + fresh.size() + " repositories: " + e);
            }
        }
        return out;
    }

    /** Forgets the cached tip (Kallithea's invalidate_cache); the next read takes it from disk. */
    public void invalidate(Repo repo) {
        dao.setChangesetCache(repo.id(), null);
    }

    private Tip computeTip(Repo repo) {
        Tip tip = readTip(repo);
        if (tip == null) {
            return Tip.EMPTY;
        }
        try {
            dao.setChangesetCache(repo.id(), tipJson(tip));
        } catch (RuntimeException e) {
            LOG.warning("cannot cache the tip of " + repo.name() + ": " + e);
        }
        return tip;
    }

    /** The tip on disk (empty without a folder), or null when it cannot be read (then it is not cached). */
    private Tip readTip(Repo repo) {
        Path dir = store.locate(repo.name());
        if (dir == null) {
            return Tip.EMPTY;
        }
        try {
            History.Changeset c = History.tip(dir);
            return c == null ? Tip.EMPTY : new Tip(c.rawId(), c.revision(), c.message(), c.date(), c.author());
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot read the tip of " + repo.name() + ": " + e);
            return null;
        }
    }

    private static String tipJson(Tip tip) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("raw_id", tip.rawId());
        m.put("revision", tip.revision());
        m.put("message", tip.message());
        m.put("date", tip.date().toEpochMilli());
        m.put("author", tip.author());
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Tip parseTip(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new Tip(n.get("raw_id").asText(), n.get("revision").asInt(), n.get("message").asText(),
                    Instant.ofEpochMilli(n.get("date").asLong()), n.get("author").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Branches and tags (peeled to their commit) of the repository; empty when it has no folder. */
    public Refs refs(Repo repo) throws IOException {
        Map<String, String> branches = new TreeMap<>();
        Map<String, String> tags = new TreeMap<>();
        Path dir = store.locate(repo.name());
        if (dir != null) {
            try (Repository db = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
                for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                    if (r.getObjectId() != null) {
                        branches.put(r.getName().substring(Constants.R_HEADS.length()), r.getObjectId().name());
                    }
                }
                for (Ref r : db.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                    Ref peeled = db.getRefDatabase().peel(r);
                    ObjectId id = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : r.getObjectId();
                    if (id != null) {
                        tags.put(r.getName().substring(Constants.R_TAGS.length()), id.name());
                    }
                }
            }
        }
        return new Refs(branches, tags);
    }

    /** Kallithea's fork right: super-admins, or the global {@code hg.fork.repository}. */
    public static boolean canFork(Perms perms) {
        return perms.isAdmin() || perms.global().contains("hg.fork.repository");
    }

    /**
     * Checks that {@code url} is an http(s) or git:// remote that answers with these credentials; the refusal says
     * why (with any password hidden), for a form to show before an import starts.
     */
    public void checkRemote(String url) throws Refusal {
        try {
            importer.check(url);
        } catch (IOException e) {
            throw new Refusal(e.getMessage());
        }
    }

    /**
     * Whether {@link #checkCreateLocation} would allow some place: the top level, or a group with write or more (the
     * new-repository page is open to these users).
     */
    public static boolean canCreateSomewhere(Perms perms) {
        return canCreateTopLevel(perms) || perms.groups().values().stream().anyMatch(l -> l.atLeast(Level.WRITE));
    }

    /** Whether {@link #checkCreateLocation} allows the top level. */
    public static boolean canCreateTopLevel(Perms perms) {
        return perms.isAdmin() || perms.global().contains("hg.create.repository");
    }

    /**
     * Kallithea 0.7's rule for where a new repository (or fork) may go: the parent group must exist and the caller
     * needs write on it; at the top level the caller needs {@code hg.create.repository}. Admins may do both.
     */
    public void checkCreateLocation(Perms perms, String fullName) throws Refusal {
        String groupName = RepoNames.parent(fullName);
        if (groupName != null) {
            Optional<RepoGroup> group = dao.groupByName(groupName);
            if (group.isEmpty()) {
                throw new Refusal("repo group `" + groupName + "` not found");
            }
            if (!perms.isAdmin() && !perms.group(group.get().id()).atLeast(Level.WRITE)) {
                throw new Refusal("no permission to create repo in " + groupName);
            }
        } else if (!canCreateTopLevel(perms)) {
            throw new Refusal("no permission to create top level repo");
        }
    }

    /**
     * Creates a repository as the API's create_repo does, importing {@code cloneUri} when given. The folder is made
     * (and filled) first and the row written after; if either fails nothing remains of the attempt.
     */
    public Repo create(User actor, NewRepo spec, String ip) throws Refusal {
        return create(actor, spec, ip, org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE);
    }

    /** As {@link #create(User, NewRepo, String)}, reporting the import's progress to {@code monitor}. */
    public Repo create(User actor, NewRepo spec, String ip, org.eclipse.jgit.lib.ProgressMonitor monitor)
            throws Refusal {
        String name = spec.name();
        String failed = "failed to create repository `" + name.substring(name.lastIndexOf('/') + 1) + "`";
        Repo repo = materialize(spec, null, failed, "repo `" + name + "` already exist", dir -> {
            if (spec.cloneUri() != null) {
                importer.fetchRemote(dir, spec.cloneUri(), monitor);
            }
        });
        journal.record(actor, repo, "user_created_repo", ip);
        return repo;
    }

    /** Forks {@code source} as {@code spec.name()}: every branch and tag copied, {@code fork_of} set. */
    public Repo fork(User actor, Repo source, NewRepo spec, String ip) throws Refusal {
        String failed = "failed to fork repository `" + source.name() + "` as `" + spec.name() + "`";
        Path from = store.locate(source.name());
        if (from == null) {
            throw new Refusal(failed);
        }
        Repo fork = materialize(spec, source, failed, failed, dir -> importer.fetchLocal(dir, from));
        journal.record(actor, source, "user_forked_repo:" + fork.name(), ip);
        journal.record(actor, fork, "user_created_fork", ip);
        return fork;
    }

    @FunctionalInterface
    private interface Filler {
        void fill(Path dir) throws IOException;
    }

    /**
     * The rules a new repository (or import) must pass before any work starts: a valid, free name (no repository,
     * group or creation in progress has it), an http(s) or git:// clone URI, an existing parent group. The refusal's
     * {@link Refusal#detail() detail} says which rule failed.
     */
    public void checkCreatable(NewRepo spec) throws Refusal {
        String name = spec.name();
        checkCreatable(spec, "failed to create repository `" + name.substring(name.lastIndexOf('/') + 1) + "`",
                "repo `" + name + "` already exist");
    }

    /** The rules, with the API's messages: {@code failed} for most, {@code taken} when the name is in use. */
    private void checkCreatable(NewRepo spec, String failed, String taken) throws Refusal {
        String name = spec.name();
        if (!RepoNames.isValid(name)) {
            throw new Refusal(failed, "invalid repository name");
        }
        if (dao.byName(name).isPresent() || dao.groupByName(name).isPresent()) {
            throw new Refusal(taken, name + " already exists");
        }
        if (creating.contains(name)) {
            throw new Refusal(failed, name + " is being created (an import is running)");
        }
        if (spec.cloneUri() != null && !RepoImporter.isAllowedRemote(spec.cloneUri())) {
            LOG.info("refused clone URI for " + name + ": " + RepoImporter.hidePassword(spec.cloneUri()));
            throw new Refusal(failed, "not an http(s) or git:// URL with a host");
        }
        String groupName = RepoNames.parent(name);
        if (groupName != null && dao.groupByName(groupName).isEmpty()) {
            throw new Refusal("repo group `" + groupName + "` not found");
        }
    }

    /** Names of repositories being created (filled) right now: a second creation of the same name is refused. */
    private final Set<String> creating = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Makes a repository: an empty bare repository is created in a hidden staging folder (no URL, API call or scan
     * reaches it), filled, moved to its name in one step, and only then gets its row. On any failure the folder is
     * removed and no row remains.
     */
    private Repo materialize(NewRepo spec, Repo forkOf, String failed, String taken, Filler filler) throws Refusal {
        String name = spec.name();
        checkCreatable(spec, failed, taken);
        String groupName = RepoNames.parent(name);
        RepoGroup group = null;
        if (groupName != null) {
            group = dao.groupByName(groupName).orElseThrow(() -> new Refusal("repo group `" + groupName
                    + "` not found"));
        }
        if (!creating.add(name)) {
            throw new Refusal(failed, name + " is being created (an import is running)");
        }
        try {
            return materialize(spec, forkOf, failed, filler, name, group);
        } finally {
            creating.remove(name);
        }
    }

    private Repo materialize(NewRepo spec, Repo forkOf, String failed, Filler filler, String name, RepoGroup group)
            throws Refusal {
        Path staged;
        try {
            staged = store.createStaging();
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot create the folder of " + name + ": " + e.getMessage());
            throw new Refusal(failed);
        }
        Path dir = staged;
        try {
            filler.fill(staged);
            try {
                dir = store.adopt(staged, name);
            } catch (IOException e) {
                LOG.warning("cannot move " + staged + " to " + name + ": " + e.getMessage());
                throw new IOException("a folder called " + name + " is in the way under the repository root", e);
            }
            long id = dao.insertFull(name, spec.owner().id(), spec.isPrivate(),
                    spec.description() == null || spec.description().isEmpty() ? name : spec.description(),
                    group == null ? null : group.id(), forkOf == null ? null : forkOf.id(), spec.cloneUri(),
                    spec.landingRev() == null ? "rev:tip" : spec.landingRev(), spec.enableStatistics(),
                    spec.enableDownloads(), clock.instant());
            try {
                grantInitial(id, spec, group, forkOf);
                dao.follow(spec.owner().id(), id, clock.instant());
            } catch (RuntimeException e) {
                dao.deleteRepository(id, false);
                throw e;
            }
            permissions.changed();
            return dao.byId(id).orElseThrow();
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot create repository " + name + ": " + e);
            unregister(dir);
            try {
                org.eclipse.jgit.util.FileUtils.delete(dir.toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE);
            } catch (IOException cleanup) {
                LOG.warning("could not remove the new folder " + dir + ": " + cleanup.getMessage());
            }
            throw new Refusal(failed, e instanceof IOException ? e.getMessage() : "internal error (see the log)");
        }
    }

    /** The new repository's grants: copied from its group or fork source when asked, else the default user's row. */
    private void grantInitial(long repoId, NewRepo spec, RepoGroup group, Repo forkOf) {
        User defaultUser = users.defaultUser();
        if (spec.copyPermissions() && (forkOf != null || group != null)) {
            Kind kind = forkOf != null ? Kind.REPOSITORY : Kind.GROUP;
            long from = forkOf != null ? forkOf.id() : group.id();
            boolean defaultCopied = false;
            for (PermissionDao.Member m : permissions.userMembers(kind, from)) {
                defaultCopied |= m.granteeId() == defaultUser.id();
                users.byId(m.granteeId()).ifPresent(u -> permissions.grantUser(Kind.REPOSITORY, repoId, u,
                        Level.ofPermissionName(m.permissionName())));
            }
            for (PermissionDao.Member m : permissions.userGroupMembers(kind, from)) {
                permissions.grantUserGroup(Kind.REPOSITORY, repoId, m.granteeId(),
                        Level.ofPermissionName(m.permissionName()));
            }
            if (defaultCopied) {
                if (spec.isPrivate()) {
                    permissions.grantUser(Kind.REPOSITORY, repoId, defaultUser, Level.NONE);
                }
                return;
            }
        }
        Level floor = spec.isPrivate() ? Level.NONE : defaultLevel(Kind.REPOSITORY, Level.READ);
        permissions.grantUser(Kind.REPOSITORY, repoId, defaultUser, floor);
    }

    /**
     * Kallithea 0.7's permission checks of update_repo for callers who are not super-admins; {@code asGiven} is the
     * repoid argument as written, for the "does not exist" answer.
     */
    public void checkUpdate(Perms perms, Repo repo, String nameArg, boolean ownerGiven, RepoGroup group,
            String asGiven) throws Refusal {
        if (!perms.isAdmin()) {
            if (!perms.repo(repo.id()).atLeast(Level.ADMIN)) {
                throw new Refusal("repository `" + asGiven + "` does not exist");
            }
            if (!repo.name().equals(nameArg) && repo.groupId() == null && !canCreateTopLevel(perms)) {
                throw new Refusal("no permission to create (or move) top level repositories");
            }
            if (ownerGiven) {
                throw new Refusal("Only Kallithea admin can specify `owner` param");
            }
        }
        if (group != null && !java.util.Objects.equals(group.id(), repo.groupId()) && !perms.isAdmin()
                && !perms.group(group.id()).atLeast(Level.WRITE)) {
            throw new Refusal("no permission to create (or move) repo in " + group.name());
        }
    }

    /**
     * Applies update_repo's changes. A new name or group moves the folder first and writes the row after; if the row
     * cannot be written the folder goes back, so database and disk keep agreeing.
     */
    public Repo update(User actor, Repo repo, Changes c, String asGiven, String ip) throws Refusal {
        return update(actor, repo, c, false, asGiven, ip);
    }

    /** As {@link #update(User, Repo, Changes, String, String)}; {@code toTop} moves the repository out of its group. */
    public Repo update(User actor, Repo repo, Changes c, boolean toTop, String asGiven, String ip) throws Refusal {
        String failed = "failed to update repo `" + asGiven + "`";
        Long groupId = toTop ? null : c.group() != null ? Long.valueOf(c.group().id()) : repo.groupId();
        String groupPath = toTop ? null : c.group() != null ? c.group().name()
                : repo.groupId() == null ? null : dao.groupById(repo.groupId()).map(RepoGroup::name).orElse(null);
        String shortName = c.name() != null ? c.name() : repo.shortName();
        String newName = groupPath == null ? shortName : groupPath + "/" + shortName;
        if (shortName.contains("/") || !RepoNames.isValid(newName)) {
            throw new Refusal(failed);
        }
        if (c.cloneUri() != null && !c.cloneUri().isEmpty()) {
            try {
                importer.check(c.cloneUri());
            } catch (IOException e) {
                LOG.info("update of " + repo.name() + ": bad clone URI: " + e.getMessage());
                throw new Refusal(failed);
            }
        }
        boolean renamed = !newName.equals(repo.name());
        if (renamed && (dao.byName(newName).isPresent() || dao.groupByName(newName).isPresent())) {
            throw new Refusal(failed);
        }
        Path from = renamed ? store.locate(repo.name()) : null;
        Path to = null;
        if (from != null) {
            to = store.root().resolve(newName + (from.getFileName().toString().endsWith(".git") ? ".git" : ""))
                    .normalize();
            try {
                if (!to.startsWith(store.root()) || Files.exists(to, LinkOption.NOFOLLOW_LINKS)
                        || Files.exists(store.root().resolve(newName))
                        || Files.exists(store.root().resolve(newName + ".git"))) {
                    throw new IOException("target folder exists or lies outside the root: " + to);
                }
                Files.createDirectories(to.getParent());
                if (!to.getParent().toRealPath().startsWith(store.root())) {
                    throw new IOException("target folder lies outside the root: " + to);
                }
                unregister(from);
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot move " + repo.name() + " to " + newName + ": " + e);
                throw new Refusal(failed);
            }
        }
        try {
            dao.update(repo.id(), newName, groupId, c.owner() != null ? c.owner().id() : repo.ownerId(),
                    c.description() != null ? c.description() : repo.description(),
                    c.isPrivate() != null ? c.isPrivate() : repo.isPrivate(),
                    c.cloneUri() != null ? c.cloneUri() : repo.cloneUri(),
                    c.landingRev() != null ? c.landingRev() : repo.landingRevision(),
                    c.enableStatistics() != null ? c.enableStatistics() : repo.enableStatistics(),
                    c.enableDownloads() != null ? c.enableDownloads() : repo.enableDownloads());
        } catch (RuntimeException e) {
            LOG.warning("cannot update repository " + repo.name() + ": " + e);
            if (from != null) {
                try {
                    Files.move(to, from, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException back) {
                    LOG.severe("repository " + repo.name() + " is now in " + to + " but its row still says "
                            + repo.name() + ": " + back);
                }
            }
            throw new Refusal(failed);
        }
        permissions.changed();
        Repo updated = dao.byId(repo.id()).orElseThrow();
        journal.record(actor, updated, "user_updated_repo", ip);
        return updated;
    }

    /**
     * Deletes a repository: its folder is moved aside to {@code rm__<timestamp>__<name>} in the same parent folder
     * (Kallithea's layout, never erased), then the row goes; if the row cannot go, the folder comes back. Forks must
     * be handled ({@code detach} or {@code delete}) or the deletion is refused. Returns the number of forks handled.
     */
    public int delete(User actor, Repo repo, String forksMode, String ip) throws Refusal {
        String failed = "failed to delete repository `" + repo.name() + "`";
        List<Repo> forks = dao.forks(repo.id());
        boolean detach = "detach".equals(forksMode);
        boolean deleteForks = "delete".equals(forksMode);
        if (!forks.isEmpty() && !detach && !deleteForks) {
            LOG.info("repository " + repo.name() + " still has attached forks");
            throw new Refusal(failed);
        }
        if (deleteForks) {
            for (Repo f : forks) {
                delete(actor, f, "delete", ip);
            }
        }
        Path dir = store.locate(repo.name());
        Path aside = null;
        if (dir != null) {
            aside = dir.getParent().resolve("rm__" + LocalDateTime.now(clock.withZone(ZoneId.systemDefault()))
                    .format(RM_STAMP) + "__" + RepoNames.fromUrl(dir.getFileName().toString()));
            try {
                unregister(dir);
                Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot move " + dir + " aside: " + e);
                throw new Refusal(failed);
            }
        }
        try {
            dao.deleteRepository(repo.id(), detach);
        } catch (RuntimeException e) {
            LOG.warning("cannot delete the row of " + repo.name() + ": " + e);
            if (aside != null) {
                try {
                    Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException back) {
                    LOG.severe("repository " + repo.name() + " was moved to " + aside + " but its row remains: "
                            + back);
                }
            }
            throw new Refusal(failed);
        }
        permissions.changed();
        journal.record(actor, repo, "user_deleted_repo", ip);
        return forks.size();
    }

    /**
     * Pulls every branch and tag from {@code cloneUri} (when given), else from the stored clone URI, else from the
     * fork parent, into the repository.
     */
    public void pull(User actor, Repo repo, String cloneUri, String ip) throws Refusal {
        pull(actor, repo, cloneUri, ip, org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE);
    }

    /** As {@link #pull(User, Repo, String, String)}, reporting to {@code monitor}; refusals carry the reason. */
    public void pull(User actor, Repo repo, String cloneUri, String ip, org.eclipse.jgit.lib.ProgressMonitor monitor)
            throws Refusal {
        String failed = "Unable to pull changes from `" + repo.name() + "`";
        Path dir = store.locate(repo.name());
        if (dir == null) {
            throw new Refusal(failed, "the repository has no folder on disk");
        }
        try {
            String uri = cloneUri != null && !cloneUri.isEmpty() ? cloneUri
                    : repo.cloneUri() != null && !repo.cloneUri().isEmpty() ? repo.cloneUri() : null;
            if (uri != null) {
                importer.fetchRemote(dir, uri, monitor);
            } else if (repo.forkId() != null) {
                Repo parent = dao.byId(repo.forkId()).orElseThrow(() -> new Refusal(failed, "the fork's origin is gone"));
                Path from = store.locate(parent.name());
                if (from == null) {
                    throw new Refusal(failed, "the fork's origin has no folder on disk");
                }
                try {
                    importer.fetchLocal(dir, from, monitor);
                } catch (IOException e) {
                    // the message names the folder on the server's disk: say which repository instead
                    throw new IOException("cannot fetch from " + parent.name() + ": "
                            + RepoImporter.explain(e.getCause() != null ? e.getCause() : e), e);
                }
            } else {
                throw new Refusal(failed, "nothing to pull from: no clone URI, and not a fork");
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("pull into " + repo.name() + " failed: " + e.getMessage());
            throw new Refusal(failed, e instanceof IOException ? e.getMessage() : "internal error (see the log)");
        }
        dao.touch(repo.id(), clock.instant());
        journal.record(actor, repo, "pull", ip);
    }

    private static void unregister(Path dir) {
        RepoStore.forgetCached(List.of(dir));
    }
}
