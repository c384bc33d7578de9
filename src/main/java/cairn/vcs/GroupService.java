package cairn.vcs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import cairn.auth.Level.Kind;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.db.GroupDao;
import cairn.db.PermissionDao.Member;

/**
 * Repository groups (Kallithea's RepoGroupModel): create, rename/move with everything inside, delete, grants with
 * apply_to_children. The database rows and the folders under the repository root are changed together: the disk step
 * runs last inside the database transaction and is undone if the commit fails, so both always agree.
 */
public final class GroupService {
    private static final Logger LOG = Logger.getLogger(GroupService.class.getName());

    /** Kallithea's apply_to_children values. */
    public enum Recursion {
        NONE, REPOS, GROUPS, ALL;

        /** none|repos|groups|all, or null when the text is none of these. */
        public static Recursion parse(String s) {
            for (Recursion r : values()) {
                if (r.name().toLowerCase(java.util.Locale.ROOT).equals(s)) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * A change that could not be made, and why; the message is for the log, callers answer their own error from the
     * reason.
     */
    public static final class GroupException extends Exception {
        private static final long serialVersionUID = 1L;

        /** The name breaks the naming rules or is taken, a move would nest a group in itself, it is not empty. */
        public enum Reason { BAD_NAME, EXISTS, INTO_ITSELF, NOT_EMPTY, FAILED }

        public final Reason reason;

        public GroupException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** Refused from below (the database, the disk): {@link Reason#FAILED}. */
        public GroupException(String message, Throwable cause) {
            super(message, cause);
            this.reason = Reason.FAILED;
        }
    }

    private final GroupDao dao;
    private final RepoStore store;
    private final PermissionService permissions;
    private final UserService users;
    private final Clock clock;

    public GroupService(GroupDao dao, RepoStore store, PermissionService permissions, UserService users,
            Clock clock) {
        this.dao = dao;
        this.store = store;
        this.permissions = permissions;
        this.users = users;
        this.clock = clock;
    }

    public Optional<RepoGroup> byId(long id) {
        return dao.byId(id);
    }

    public Optional<RepoGroup> byName(String name) {
        return dao.byName(name);
    }

    /** Every group, in database (id) order. */
    public List<RepoGroup> all() {
        return dao.all();
    }

    /** Reading a group (seeing it at all): super-admins, or group.read or more. */
    public static boolean canRead(cairn.auth.Perms perms, RepoGroup group) {
        return perms.isAdmin() || perms.group(group.id()).atLeast(cairn.auth.Level.READ);
    }

    /**
     * Editing, moving, deleting a group and managing its permissions: super-admins and users with group.admin on it
     * (Kallithea's HasRepoGroupPermissionLevel('admin')).
     */
    public static boolean canAdminister(cairn.auth.Perms perms, RepoGroup group) {
        return perms.isAdmin() || perms.group(group.id()).atLeast(cairn.auth.Level.ADMIN);
    }

    /**
     * Creating a group inside {@code parent} (null = the top level): super-admins anywhere, others inside a group they
     * administer (Kallithea's CanCreateGroup; 0.7 leaves the top level to super-admins).
     */
    public static boolean canCreateIn(cairn.auth.Perms perms, RepoGroup parent) {
        return perms.isAdmin() || parent != null && canAdminister(perms, parent);
    }

    /**
     * Whether an edit may put {@code group} inside {@code newParent} ({@code moveToTop}: at the top level; both
     * unset: where it is). Staying put is always allowed, so a top-level group's admin may keep it at the top; any
     * other place needs {@link #canCreateIn} there.
     */
    public static boolean canPlace(cairn.auth.Perms perms, RepoGroup group, RepoGroup newParent, boolean moveToTop) {
        if (moveToTop) {
            return group.parentId() == null || canCreateIn(perms, null);
        }
        if (newParent == null || group.parentId() != null && newParent.id() == group.parentId()) {
            return true;
        }
        return canCreateIn(perms, newParent);
    }

    /** Whether the user administers at least one group (then the group pages are theirs to use). */
    public static boolean administersAny(cairn.auth.Perms perms) {
        return perms.isAdmin() || perms.groups().values().stream().anyMatch(l -> l.atLeast(cairn.auth.Level.ADMIN));
    }

    /** The groups {@code perms} may administer, in database order (all of them for a super-admin). */
    public List<RepoGroup> administered(cairn.auth.Perms perms) {
        return dao.all().stream().filter(g -> canAdminister(perms, g)).toList();
    }

    /** Full names of the repositories directly inside the group. */
    public List<String> repositoryNames(RepoGroup group) {
        return dao.repositoryNames(group.id());
    }

    /** Full names of the repositories inside each group, by group id, for listing many groups at once. */
    public java.util.Map<Long, List<String>> repositoryNamesByGroup() {
        return dao.repositoryNamesByGroup();
    }

    /** Explicit user grants on the group (the default user's included), in the order they were made. */
    public List<Member> userMembers(RepoGroup group) {
        return permissions.userMembers(Kind.GROUP, group.id());
    }

    /** Explicit user-group grants on the group, in the order they were made. */
    public List<Member> userGroupMembers(RepoGroup group) {
        return permissions.userGroupMembers(Kind.GROUP, group.id());
    }

    /**
     * Creates group {@code simpleName} inside {@code parent} (null = top level) with its folder. The default user
     * gets the default group level (or, with {@code copyPermissions} and a parent, the parent's grants are copied);
     * an owner who is not a super-admin gets group.admin.
     */
    public RepoGroup create(String simpleName, String description, User owner, RepoGroup parent,
            boolean copyPermissions) throws GroupException {
        if (simpleName == null || simpleName.contains("/")) {
            throw new GroupException(GroupException.Reason.BAD_NAME, "invalid repository group name: " + simpleName);
        }
        String name = parent == null ? simpleName : parent.name() + "/" + simpleName;
        if (!RepoNames.isValid(name)) {
            throw new GroupException(GroupException.Reason.BAD_NAME, "invalid repository group name: " + name);
        }
        if (dao.byName(name).isPresent() || dao.repositoryExists(name)) {
            throw new GroupException(GroupException.Reason.EXISTS, name + " already exists");
        }
        long id;
        try {
            id = dao.insert(name, parent == null ? null : parent.id(),
                    description == null || description.isEmpty() ? simpleName : description, owner.id(),
                    clock.instant());
        } catch (RuntimeException e) {
            throw new GroupException("cannot insert repository group " + name, e);
        }
        try {
            if (parent != null && copyPermissions) {
                copyGrants(parent, id);
            } else {
                permissions.grantUser(Kind.GROUP, id, users.defaultUser(), defaultGroupLevel());
            }
            if (!owner.admin()) {
                permissions.grantUser(Kind.GROUP, id, owner, cairn.auth.Level.ADMIN);
            }
            store.createGroupFolder(name);
        } catch (IOException | RuntimeException e) {
            try {
                dao.deleteRow(id);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            permissions.changed();
            throw new GroupException("cannot create repository group " + name + ": " + e.getMessage(), e);
        }
        permissions.changed();
        return dao.byId(id).orElseThrow();
    }

    private void copyGrants(RepoGroup parent, long id) {
        for (Member m : permissions.userMembers(Kind.GROUP, parent.id())) {
            users.byId(m.granteeId()).ifPresent(u -> permissions.grantUser(Kind.GROUP, id, u,
                    cairn.auth.Level.ofPermissionName(m.permissionName())));
        }
        for (Member m : permissions.userGroupMembers(Kind.GROUP, parent.id())) {
            permissions.grantUserGroup(Kind.GROUP, id, m.granteeId(),
                    cairn.auth.Level.ofPermissionName(m.permissionName()));
        }
    }

    private cairn.auth.Level defaultGroupLevel() {
        for (String p : permissions.globalOf(users.defaultUser())) {
            if (p.startsWith(Kind.GROUP.prefix + ".")) {
                return cairn.auth.Level.ofPermissionName(p);
            }
        }
        return cairn.auth.Level.READ;
    }

    /** What update changes; null fields stay as they are. {@code moveToTop} puts the group at the top level. */
    public record Update(String simpleName, String description, User owner, RepoGroup parent, boolean moveToTop) {
    }

    /**
     * Updates description and owner, and renames and/or moves the group: its folder moves, and every repository and
     * sub-group inside gets the new path, in the database and on disk together.
     */
    public RepoGroup update(RepoGroup group, Update u) throws GroupException {
        String shortName = group.name().substring(group.name().lastIndexOf('/') + 1);
        String simpleName = u.simpleName() != null ? u.simpleName() : shortName;
        if (simpleName.contains("/")) {
            throw new GroupException(GroupException.Reason.BAD_NAME, "invalid repository group name: " + simpleName);
        }
        Long parentId = group.parentId();
        String parentName = RepoNames.parent(group.name());
        if (u.moveToTop()) {
            parentId = null;
            parentName = null;
        } else if (u.parent() != null) {
            if (u.parent().id() == group.id() || u.parent().name().startsWith(group.name() + "/")) {
                throw new GroupException(GroupException.Reason.INTO_ITSELF,
                        "cannot move group " + group.name() + " into itself");
            }
            parentId = u.parent().id();
            parentName = u.parent().name();
        }
        String newName = parentName == null ? simpleName : parentName + "/" + simpleName;
        if (!RepoNames.isValid(newName)) {
            throw new GroupException(GroupException.Reason.BAD_NAME, "invalid repository group name: " + newName);
        }
        boolean renamed = !newName.equals(group.name());
        if (renamed && (dao.byName(newName).isPresent() || dao.repositoryExists(newName))) {
            throw new GroupException(GroupException.Reason.EXISTS, newName + " already exists");
        }
        List<Path> cached = renamed ? repositoryFolders(group.name()) : List.of();
        boolean[] moved = {false};
        Long finalParentId = parentId;
        try {
            dao.update(group.id(), u.description(), u.owner() == null ? null : u.owner().id(), group.name(), newName,
                    finalParentId, () -> moved[0] = store.moveGroupFolder(group.name(), newName));
        } catch (RuntimeException e) {
            if (moved[0]) {
                undoMove(newName, group.name());
            }
            throw new GroupException("cannot update repository group " + group.name()
                    + (renamed ? " (to " + newName + ")" : ""), e);
        } finally {
            RepoStore.forgetCached(cached);
            permissions.changed();
        }
        if (renamed) {
            LOG.info("repository group " + group.name() + " is now " + newName);
        }
        return dao.byId(group.id()).orElseThrow();
    }

    private void undoMove(String from, String to) {
        try {
            store.moveGroupFolder(from, to);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "repository group folder " + from + " could not be moved back to " + to
                    + " after the database refused the rename; move it back by hand", e);
        }
    }

    /** Folders of the repositories below the group, as they are now (to drop cached handles after a move). */
    private List<Path> repositoryFolders(String groupName) {
        List<Path> out = new ArrayList<>();
        for (String name : dao.repositoryNamesBelow(groupName)) {
            Path dir = store.locate(name);
            if (dir != null) {
                out.add(dir);
            }
        }
        return out;
    }

    /**
     * Deletes an empty group: its row and grants go, its folder is moved aside as
     * {@code rm__<YYYYMMDD_HHMMSS_ffffff>_GROUP_<name>} in the repository root. Refused while it holds repositories or
     * sub-groups.
     */
    public void delete(RepoGroup group) throws GroupException {
        if (!dao.repositoryNames(group.id()).isEmpty() || !dao.children(group.id()).isEmpty()) {
            throw new GroupException(GroupException.Reason.NOT_EMPTY,
                    "repository group " + group.name() + " is not empty");
        }
        Path[] aside = {null};
        try {
            dao.delete(group.id(), () -> {
                aside[0] = store.moveGroupAside(group.name(),
                        LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()));
            });
        } catch (RuntimeException e) {
            if (aside[0] != null) {
                try {
                    store.restoreGroupFolder(aside[0], group.name());
                } catch (IOException | RuntimeException again) {
                    LOG.log(Level.SEVERE, "folder " + aside[0] + " of repository group " + group.name()
                            + " could not be put back after the database refused the delete", again);
                }
            }
            throw new GroupException("cannot delete repository group " + group.name(), e);
        } finally {
            permissions.changed();
        }
        LOG.info("deleted repository group " + group.name() + (aside[0] == null ? "" : "; folder moved to "
                + aside[0]));
    }

    /**
     * Sets ({@code level} not null) or revokes ({@code level} null) the grant of a user or user group on the group and,
     * by {@code recursion}, on the repositories (as repository.*) and sub-groups below it. As in Kallithea's web form,
     * the default user's level on private repositories is left alone.
     */
    public void setPermission(RepoGroup group, boolean toUserGroup, long granteeId, cairn.auth.Level level,
            Recursion recursion) {
        List<Long> groupIds = new ArrayList<>();
        List<Long> repoIds = new ArrayList<>();
        groupIds.add(group.id());
        if (recursion != Recursion.NONE) {
            collect(group, recursion, groupIds, repoIds, !toUserGroup && granteeId == users.defaultUser().id());
        }
        permissions.setOnRepoGroupTree(toUserGroup, granteeId, groupIds, repoIds, level);
    }

    private void collect(RepoGroup group, Recursion recursion, List<Long> groupIds, List<Long> repoIds,
            boolean isDefaultUser) {
        if (recursion == Recursion.REPOS || recursion == Recursion.ALL) {
            for (Repo r : dao.repositories(group.id())) {
                if (!(isDefaultUser && r.isPrivate())) {
                    repoIds.add(r.id());
                }
            }
        }
        for (RepoGroup child : dao.children(group.id())) {
            if (recursion == Recursion.GROUPS || recursion == Recursion.ALL) {
                groupIds.add(child.id());
            }
            collect(child, recursion, groupIds, repoIds, isDefaultUser);
        }
    }
}
