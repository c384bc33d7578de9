package cairn.auth;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import cairn.auth.Level.Kind;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;
import cairn.db.UserGroupDao;

/**
 * User groups and their members, with Kallithea's rules: who may see, create and administer a group, the rows a new
 * group gets, and why a group cannot be deleted.
 */
public final class UserGroupService {
    /** A letter or digit first, then letters, digits, {@code . _ - @} and spaces. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@ -]{0,254}");

    private final UserGroupDao dao;
    private final UserService users;
    private final PermissionService permissions;
    private final Clock clock;

    public UserGroupService(UserGroupDao dao, UserService users, PermissionService permissions, Clock clock) {
        this.dao = dao;
        this.users = users;
        this.permissions = permissions;
        this.clock = clock;
    }

    public Optional<UserGroup> byId(long id) {
        return dao.byId(id);
    }

    public Optional<UserGroup> byName(String name) {
        return dao.byName(name);
    }

    /** Every user group, in creation order. */
    public List<UserGroup> all() {
        return dao.all();
    }

    /** The groups {@code perms} may read (all of them for a super-admin). */
    public List<UserGroup> readable(Perms perms) {
        return dao.all().stream().filter(g -> canRead(perms, g)).toList();
    }

    public List<User> members(UserGroup group) {
        return dao.members(group.id());
    }

    /** The members of every group by group id, each in the order they were added: two queries for any number. */
    public java.util.Map<Long, List<User>> membersByGroup() {
        java.util.Map<Long, User> byId = new java.util.HashMap<>();
        for (User u : users.all()) {
            byId.put(u.id(), u);
        }
        java.util.Map<Long, List<User>> out = new java.util.HashMap<>();
        for (UserGroupDao.Membership m : dao.allMemberships()) {
            User u = byId.get(m.userId());
            if (u != null) {
                out.computeIfAbsent(m.groupId(), k -> new java.util.ArrayList<>()).add(u);
            }
        }
        return out;
    }

    public static boolean canRead(Perms perms, UserGroup group) {
        return perms.isAdmin() || perms.userGroup(group.id()).atLeast(Level.READ);
    }

    /** Editing, deleting and changing members need usergroup.admin (or super-admin). */
    public static boolean canAdminister(Perms perms, UserGroup group) {
        return perms.isAdmin() || perms.userGroup(group.id()).atLeast(Level.ADMIN);
    }

    /** The groups {@code perms} may administer (all of them for a super-admin). */
    public List<UserGroup> administered(Perms perms) {
        return dao.all().stream().filter(g -> canAdminister(perms, g)).toList();
    }

    /** Whether the user administers at least one user group. */
    public static boolean administersAny(Perms perms) {
        return perms.isAdmin() || perms.userGroups().values().stream().anyMatch(l -> l.atLeast(Level.ADMIN));
    }

    /** Creating needs super-admin or the global hg.usergroup.create.true. */
    public static boolean canCreate(Perms perms) {
        return perms.isAdmin() || perms.global().contains("hg.usergroup.create.true");
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.endsWith(" ") && !User.DEFAULT.equals(name);
    }

    /**
     * Creates a group owned by {@code owner}, with Kallithea's rows: the default user's level on it (its global
     * usergroup.* default) and usergroup.admin for the owner.
     */
    public UserGroup create(String name, String description, User owner, boolean active) {
        if (name != null && dao.byName(name).isPresent()) {
            throw new Refused(Reason.NAME_TAKEN, "user group " + name + " already exists");
        }
        if (!validName(name) || dao.countByNameIgnoringCase(name) > 0) {
            throw new Refused(Reason.INVALID, "invalid user group name: " + name);
        }
        long id;
        try {
            id = dao.insert(name, description == null ? "" : description, active, owner.id(), clock.instant());
        } catch (RuntimeException e) {
            throw new Refused(Reason.INVALID, "cannot create user group " + name + ": " + e.getMessage());
        }
        defaultGrants(permissions, id, users.defaultUser(), owner);
        return dao.byId(id).orElseThrow();
    }

    /** The default user's level and the owner's usergroup.admin on a new group; bumps the permission generation. */
    private static void defaultGrants(PermissionService permissions, long groupId, User defaultUser, User owner) {
        Level floor = Level.READ;
        for (String p : permissions.globalOf(defaultUser)) {
            if (p.startsWith(Kind.USERGROUP.prefix + ".")) {
                floor = Level.ofPermissionName(p);
            }
        }
        permissions.grantUser(Kind.USERGROUP, groupId, defaultUser, floor);
        if (owner.id() != defaultUser.id()) {
            permissions.grantUser(Kind.USERGROUP, groupId, owner, Level.ADMIN);
        }
    }

    /** Changes to a group; null fields stay as they are. */
    public record GroupChanges(String name, String description, User owner, Boolean active) {
    }

    /** Applies the changes; a new name must be valid and free. */
    public UserGroup update(UserGroup group, GroupChanges c) {
        String name = c.name() != null ? c.name() : group.name();
        if (!name.equals(group.name())) {
            if (!validName(name)) {
                throw new Refused(Reason.INVALID, "invalid user group name: " + name);
            }
            if (dao.byName(name).isPresent() || (!name.equalsIgnoreCase(group.name())
                    && dao.countByNameIgnoringCase(name) > 0)) {
                throw new Refused(Reason.NAME_TAKEN, "user group " + name + " already exists");
            }
        }
        try {
            dao.update(group.id(), name, c.description() != null ? c.description() : group.description(),
                    c.active() != null ? c.active() : group.active(),
                    c.owner() != null ? c.owner().id() : group.ownerId());
        } catch (RuntimeException e) {
            throw new Refused(Reason.INVALID, "cannot update user group " + group.name() + ": " + e.getMessage());
        }
        permissions.changed();
        return dao.byId(group.id()).orElseThrow();
    }

    /**
     * Deletes a group, refused while it holds a permission on a repository (Kallithea's rule); its members, its
     * grants on repository groups and user groups, and the grants on it go with it.
     */
    public void delete(UserGroup group) {
        List<String> assigned = dao.assignedRepositories(group.id());
        if (!assigned.isEmpty()) {
            throw new Refused(Reason.ASSIGNED, "User Group assigned to " + String.join(", ", assigned), assigned);
        }
        try {
            dao.delete(group.id());
        } catch (RuntimeException e) {
            throw new Refused(Reason.INVALID, "cannot delete user group " + group.name() + ": " + e.getMessage());
        }
        permissions.changed();
    }

    /** Adds a member; false when the user already was one. */
    public boolean addMember(UserGroup group, User user) {
        if (dao.memberships(group.id(), user.id()) > 0) {
            return false;
        }
        try {
            dao.addMember(group.id(), user.id());
        } catch (RuntimeException e) {
            // added by a concurrent request a moment ago
            if (dao.memberships(group.id(), user.id()) > 0) {
                return false;
            }
            throw e;
        }
        permissions.changed();
        return true;
    }

    /** Removes a member; false when the user was not one. */
    public boolean removeMember(UserGroup group, User user) {
        boolean removed = dao.removeMember(group.id(), user.id()) > 0;
        if (removed) {
            permissions.changed();
        }
        return removed;
    }
}
