package cairn.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.ehcache.Cache;

import cairn.auth.Level.Kind;
import cairn.cache.Caches;
import cairn.db.PermissionDao;
import cairn.db.PermissionDao.Grant;
import cairn.db.RepoDao;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

/**
 * Effective permissions, computed from a few queries per user and cached until anything permission-relevant changes
 * (the generation counter in the database, so every node sees the change at once).
 */
public final class PermissionService {
    private final PermissionDao dao;
    private final RepoDao repos;
    /** One entry per user: a permission change replaces it instead of leaving a large stale copy behind. */
    private final Cache<String, Cached> cache;

    /** A user's permissions and the generation they were computed at. */
    private record Cached(long generation, Perms perms) {
    }

    public PermissionService(PermissionDao dao, RepoDao repos, Caches caches) {
        this.dao = dao;
        this.repos = repos;
        this.cache = caches.create("perms", String.class, Cached.class, 5_000, Duration.ofMinutes(10));
    }

    /**
     * What {@code user} may do; {@code defaultUser} is the floor. An inactive user gets nothing, and so does anonymous
     * ({@code user} is the default user) when anonymous access is off.
     */
    public Perms of(User user, User defaultUser) {
        // the generation is read before computing: a change made meanwhile makes the next call compute again
        return of(user, defaultUser, dao.generation());
    }

    /** The permission generation now: cached answers computed at another one are stale. */
    public long generation() {
        return dao.generation();
    }

    /** As {@link #of(User, User)}, at a generation the caller read just before (one query for a whole request). */
    public Perms of(User user, User defaultUser, long generation) {
        if (!user.active()) {
            return Perms.NOTHING;
        }
        String key = user.id() + ":" + (user.admin() ? "a" : "");
        Cached cached = cache.get(key);
        if (cached == null || cached.generation() != generation) {
            cached = new Cached(generation, compute(user, defaultUser));
            cache.put(key, cached);
        }
        return cached.perms();
    }

    public Level repo(User user, User defaultUser, Repo repo) {
        return of(user, defaultUser).repo(repo.id());
    }

    /** Any change to users, groups, memberships, grants or repositories calls this. */
    public void changed() {
        dao.bumpGeneration();
    }

    /**
     * Kallithea's rule for the permission pages: someone who is not a super-admin may not lower or revoke their own
     * grant ({@code level} null = revoke) below admin, so a group admin cannot lock themselves out by mistake.
     */
    public static boolean dropsOwnAdmin(Perms actorPerms, User actor, User grantee, Level level) {
        return !actorPerms.isAdmin() && actor.id() == grantee.id() && (level == null || !level.atLeast(Level.ADMIN));
    }

    public void grantUser(Kind kind, long objectId, User user, Level level) {
        dao.grantUser(kind, objectId, user.id(), level);
        changed();
    }

    public void grantUserGroup(Kind kind, long objectId, long userGroupId, Level level) {
        dao.grantUserGroup(kind, objectId, userGroupId, level);
        changed();
    }

    public void setGlobal(User user, String permissionName) {
        dao.setGlobal(user.id(), permissionName);
        changed();
    }

    /**
     * Sets the user's level on every existing object of this kind that it has a grant on (private repositories
     * excepted): with the default user, Kallithea's "overwrite existing settings".
     */
    public void overwriteLevel(Kind kind, User user, Level level) {
        dao.overwriteUserLevel(kind, user.id(), level);
        changed();
    }

    /** The global permissions given to a user group itself; its active members inherit them. */
    public List<String> globalOfUserGroup(long userGroupId) {
        return dao.globalOfUserGroup(userGroupId);
    }

    /**
     * Sets or ({@code permissionName} null) removes a user's or user group's own global permission of {@code kind}
     * (e.g. {@code hg.create}). Global permissions add up with the default user's and the groups' (highest wins).
     */
    public void setOwnGlobal(boolean userGroup, long granteeId, String kind, String permissionName) {
        if (permissionName != null && !permissionName.startsWith(kind + ".")) {
            throw new IllegalArgumentException(permissionName + " is not a " + kind + " permission");
        }
        dao.setOwnGlobal(userGroup, granteeId, kind, permissionName);
        changed();
    }

    public List<String> globalOf(User user) {
        return dao.globalOfUser(user.id());
    }

    /**
     * Sets ({@code level} not null) or revokes ({@code level} null) a user's or user group's grant on repository groups
     * (as group.*) and repositories (as repository.*) in one transaction: apply_to_children.
     */
    public void setOnRepoGroupTree(boolean toUserGroup, long granteeId, List<Long> groupIds, List<Long> repoIds,
            Level level) {
        dao.setOnRepoGroupTree(toUserGroup, granteeId, groupIds, repoIds, level);
        changed();
    }

    /**
     * The user's level on one user group: super-admins admin, the default user's grant as floor, the owner admin,
     * grants to the user's active user groups and to the user raise it.
     */
    public Level onUserGroup(User user, User defaultUser, long userGroupId, long ownerId) {
        if (!user.active()) {
            return Level.NONE;
        }
        boolean anonymous = user.id() == defaultUser.id();
        List<Grant> defaults = dao.userGrants(Kind.USERGROUP, defaultUser.id(), userGroupId);
        List<Level> fromGroups = new ArrayList<>();
        Level own = null;
        if (!anonymous) {
            for (Grant g : dao.userGroupGrants(Kind.USERGROUP, user.id(), userGroupId)) {
                fromGroups.add(Level.ofPermissionName(g.permissionName()));
            }
            List<Grant> mine = dao.userGrants(Kind.USERGROUP, user.id(), userGroupId);
            own = mine.isEmpty() ? null : Level.ofPermissionName(mine.get(0).permissionName());
        }
        ObjectFacts facts = new ObjectFacts(defaults.isEmpty() ? null
                : Level.ofPermissionName(defaults.get(0).permissionName()), false,
                !anonymous && ownerId == user.id(), fromGroups, own);
        return PermissionRules.effective(!anonymous && user.admin(), facts);
    }

    private Perms compute(User user, User defaultUser) {
        boolean anonymous = user.id() == defaultUser.id();
        List<String> defaultGlobal = dao.globalOfUser(defaultUser.id());
        Set<String> global = anonymous
                ? PermissionRules.global(false, defaultGlobal, List.of(), List.of())
                : PermissionRules.global(user.admin(), defaultGlobal, dao.globalOfUserGroups(user.id()),
                        dao.globalOfUser(user.id()));
        Map<Long, Level> repoLevels = levels(Kind.REPOSITORY, user, defaultUser, anonymous, repos.all(),
                Repo::id, Repo::ownerId, Repo::isPrivate);
        Map<Long, Level> groupLevels = levels(Kind.GROUP, user, defaultUser, anonymous, repos.allGroups(),
                RepoGroup::id, RepoGroup::ownerId, g -> false);
        Map<Long, Level> userGroupLevels = levels(Kind.USERGROUP, user, defaultUser, anonymous, dao.userGroups(),
                PermissionDao.UserGroupRef::id, PermissionDao.UserGroupRef::ownerId, g -> false);
        return new Perms(global, Map.copyOf(repoLevels), Map.copyOf(groupLevels), Map.copyOf(userGroupLevels));
    }

    private <T> Map<Long, Level> levels(Kind kind, User user, User defaultUser, boolean anonymous, List<T> objects,
            ToLongFunction<T> id, ToLongFunction<T> owner, java.util.function.Predicate<T> isPrivate) {
        // a super-admin has admin on everything: no grant needs reading
        boolean superAdmin = !anonymous && user.admin();
        Map<Long, Level> defaults = superAdmin ? Map.of() : toMap(dao.userGrants(kind, defaultUser.id(), null));
        Map<Long, Level> own = anonymous || superAdmin ? Map.of() : toMap(dao.userGrants(kind, user.id(), null));
        Map<Long, List<Level>> fromGroups = new HashMap<>();
        if (!anonymous && !superAdmin) {
            for (Grant g : dao.userGroupGrants(kind, user.id(), null)) {
                fromGroups.computeIfAbsent(g.objectId(), k -> new ArrayList<>())
                        .add(Level.ofPermissionName(g.permissionName()));
            }
        }
        Map<Long, Level> out = new HashMap<>();
        for (T o : objects) {
            long oid = id.applyAsLong(o);
            ObjectFacts facts = new ObjectFacts(defaults.get(oid), isPrivate.test(o),
                    !anonymous && owner.applyAsLong(o) == user.id(), fromGroups.getOrDefault(oid, List.of()),
                    own.get(oid));
            Level level = PermissionRules.effective(!anonymous && user.admin(), facts);
            if (level != Level.NONE) {
                out.put(oid, level);
            }
        }
        return out;
    }

    private static Map<Long, Level> toMap(List<Grant> grants) {
        Map<Long, Level> m = new HashMap<>();
        for (Grant g : grants) {
            m.put(g.objectId(), Level.ofPermissionName(g.permissionName()));
        }
        return m;
    }

    public void revokeUser(Kind kind, long objectId, User user) {
        dao.revokeUser(kind, objectId, user.id());
        changed();
    }

    public void revokeUserGroup(Kind kind, long objectId, long userGroupId) {
        dao.revokeUserGroup(kind, objectId, userGroupId);
        changed();
    }

    /** Explicit user grants on an object (the default user's row included), then user-group grants. */
    public List<PermissionDao.Member> userMembers(Kind kind, long objectId) {
        return dao.userMembers(kind, objectId);
    }

    public List<PermissionDao.Member> userGroupMembers(Kind kind, long objectId) {
        return dao.userGroupMembers(kind, objectId);
    }
    /**
     * get_user's {@code permissions}: the global permission names (sorted) and the permission name on repositories,
     * repository groups and user groups by name. Objects at "none" are listed only when {@code withNone} (callers who
     * may see everything), so the map never reveals a private repository's name to someone who cannot read it.
     */
    public Map<String, Object> summary(User user, User defaultUser, boolean withNone) {
        Perms p = of(user, defaultUser);
        Map<String, String> repositories = new java.util.LinkedHashMap<>();
        for (Repo r : repos.all()) {
            Level l = p.repo(r.id());
            if (withNone || l != Level.NONE) {
                repositories.put(r.name(), l.permissionName(Kind.REPOSITORY));
            }
        }
        Map<String, String> groups = new java.util.LinkedHashMap<>();
        for (RepoGroup g : repos.allGroups()) {
            Level l = p.group(g.id());
            if (withNone || l != Level.NONE) {
                groups.put(g.name(), l.permissionName(Kind.GROUP));
            }
        }
        Map<String, String> userGroups = new java.util.LinkedHashMap<>();
        for (PermissionDao.UserGroupRef g : dao.userGroups()) {
            Level l = p.userGroup(g.id());
            if (withNone || l != Level.NONE) {
                userGroups.put(g.name(), l.permissionName(Kind.USERGROUP));
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("global", p.global().stream().sorted().toList());
        out.put("repositories", repositories);
        out.put("repositories_groups", groups);
        out.put("user_groups", userGroups);
        return out;
    }
}
