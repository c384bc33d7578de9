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
    private final Cache<String, Perms> cache;

    public PermissionService(PermissionDao dao, RepoDao repos, Caches caches) {
        this.dao = dao;
        this.repos = repos;
        this.cache = caches.create("perms", String.class, Perms.class, 5_000, Duration.ofMinutes(10));
    }

    /**
     * What {@code user} may do; {@code defaultUser} is the floor. An inactive user gets nothing, and so does anonymous
     * ({@code user} is the default user) when anonymous access is off.
     */
    public Perms of(User user, User defaultUser) {
        if (!user.active()) {
            return Perms.NOTHING;
        }
        String key = user.id() + ":" + (user.admin() ? "a" : "") + ":" + dao.generation();
        Perms perms = cache.get(key);
        if (perms == null) {
            perms = compute(user, defaultUser);
            cache.put(key, perms);
        }
        return perms;
    }

    public Level repo(User user, User defaultUser, Repo repo) {
        return of(user, defaultUser).repo(repo.id());
    }

    /** Any change to users, groups, memberships, grants or repositories calls this. */
    public void changed() {
        dao.bumpGeneration();
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

    public List<String> globalOf(User user) {
        return dao.globalOfUser(user.id());
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
        return new Perms(global, Map.copyOf(repoLevels), Map.copyOf(groupLevels));
    }

    private <T> Map<Long, Level> levels(Kind kind, User user, User defaultUser, boolean anonymous, List<T> objects,
            ToLongFunction<T> id, ToLongFunction<T> owner, java.util.function.Predicate<T> isPrivate) {
        Map<Long, Level> defaults = toMap(dao.userGrants(kind, defaultUser.id(), null));
        Map<Long, Level> own = anonymous ? Map.of() : toMap(dao.userGrants(kind, user.id(), null));
        Map<Long, List<Level>> fromGroups = new HashMap<>();
        if (!anonymous) {
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
}
