package cairn.db;

import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;

import cairn.auth.Level;
import cairn.auth.Level.Kind;

/** Reads and writes grants: global permissions and levels on repositories, repository groups and user groups. */
public final class PermissionDao {
    /** One grant row: the object it is on and the permission name. */
    public record Grant(long objectId, String permissionName) {
    }

    private record Tables(String userTable, String userObjectColumn, String groupTable, String groupObjectColumn,
            String groupGranteeColumn) {
    }

    private static final Map<Kind, Tables> TABLES = Map.of(
            Kind.REPOSITORY, new Tables("repo_to_perm", "repository_id", "users_group_repo_to_perm",
                    "repository_id", "users_group_id"),
            Kind.GROUP, new Tables("user_repo_group_to_perm", "group_id", "users_group_repo_group_to_perm",
                    "group_id", "users_group_id"),
            Kind.USERGROUP, new Tables("user_user_group_to_perm", "user_group_id", "user_group_user_group_to_perm",
                    "target_user_group_id", "user_group_id"));

    private static final String ACTIVE_MEMBERSHIP = " JOIN users_groups_members m ON m.users_group_id = gp.%s"
            + " JOIN users_groups ug ON ug.users_group_id = m.users_group_id AND ug.users_group_active = TRUE";

    private final Jdbi jdbi;

    public PermissionDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The user's own global permissions. */
    public List<String> globalOfUser(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT p.permission_name FROM user_to_perm up "
                + "JOIN permissions p ON p.permission_id = up.permission_id WHERE up.user_id = :u")
                .bind("u", userId).mapTo(String.class).list());
    }

    /** Global permissions of the active user groups the user is a member of. */
    public List<String> globalOfUserGroups(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT p.permission_name FROM users_group_to_perm gp "
                + "JOIN permissions p ON p.permission_id = gp.permission_id"
                + ACTIVE_MEMBERSHIP.formatted("users_group_id") + " WHERE m.user_id = :u")
                .bind("u", userId).mapTo(String.class).list());
    }

    /** A user's explicit grants of one kind, on one object ({@code objectId} not null) or on all. */
    public List<Grant> userGrants(Kind kind, long userId, Long objectId) {
        Tables t = TABLES.get(kind);
        String sql = "SELECT gp." + t.userObjectColumn + " AS object_id, p.permission_name FROM " + t.userTable
                + " gp JOIN permissions p ON p.permission_id = gp.permission_id WHERE gp.user_id = :u"
                + (objectId == null ? "" : " AND gp." + t.userObjectColumn + " = :o");
        return jdbi.withHandle(h -> h.createQuery(sql).bind("u", userId).bind("o", objectId)
                .map((rs, ctx) -> new Grant(rs.getLong(1), rs.getString(2))).list());
    }

    /** Grants of one kind to the active user groups the user is a member of, on one object or on all. */
    public List<Grant> userGroupGrants(Kind kind, long userId, Long objectId) {
        Tables t = TABLES.get(kind);
        String sql = "SELECT gp." + t.groupObjectColumn + " AS object_id, p.permission_name FROM " + t.groupTable
                + " gp JOIN permissions p ON p.permission_id = gp.permission_id"
                + ACTIVE_MEMBERSHIP.formatted(t.groupGranteeColumn) + " WHERE m.user_id = :u"
                + (objectId == null ? "" : " AND gp." + t.groupObjectColumn + " = :o");
        return jdbi.withHandle(h -> h.createQuery(sql).bind("u", userId).bind("o", objectId)
                .map((rs, ctx) -> new Grant(rs.getLong(1), rs.getString(2))).list());
    }

    /** Sets (replaces) a user's level on an object. */
    public void grantUser(Kind kind, long objectId, long userId, Level level) {
        Tables t = TABLES.get(kind);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM " + t.userTable + " WHERE user_id = :u AND " + t.userObjectColumn + " = :o")
                    .bind("u", userId).bind("o", objectId).execute();
            h.createUpdate("INSERT INTO " + t.userTable + " (user_id, " + t.userObjectColumn + ", permission_id) "
                    + "SELECT :u, :o, permission_id FROM permissions WHERE permission_name = :p")
                    .bind("u", userId).bind("o", objectId).bind("p", level.permissionName(kind)).execute();
        });
    }

    /** Sets (replaces) a user group's level on an object. */
    public void grantUserGroup(Kind kind, long objectId, long userGroupId, Level level) {
        Tables t = TABLES.get(kind);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM " + t.groupTable + " WHERE " + t.groupGranteeColumn + " = :g AND "
                    + t.groupObjectColumn + " = :o").bind("g", userGroupId).bind("o", objectId).execute();
            h.createUpdate("INSERT INTO " + t.groupTable + " (" + t.groupGranteeColumn + ", " + t.groupObjectColumn
                    + ", permission_id) SELECT :g, :o, permission_id FROM permissions WHERE permission_name = :p")
                    .bind("g", userGroupId).bind("o", objectId).bind("p", level.permissionName(kind)).execute();
        });
    }

    /** Replaces the user's global permission of the same kind (e.g. hg.create.*) with {@code permissionName}. */
    public void setGlobal(long userId, String permissionName) {
        String kindPrefix = permissionName.equals("hg.admin") ? permissionName
                : permissionName.substring(0, permissionName.lastIndexOf('.') + 1) + "%";
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM user_to_perm WHERE user_id = :u AND permission_id IN "
                    + "(SELECT permission_id FROM permissions WHERE permission_name LIKE :k "
                    + "AND permission_name NOT LIKE :deeper)")
                    .bind("u", userId).bind("k", kindPrefix)
                    .bind("deeper", kindPrefix.replace("%", "") + "%.%").execute();
            h.createUpdate("INSERT INTO user_to_perm (user_id, permission_id) "
                    + "SELECT :u, permission_id FROM permissions WHERE permission_name = :p")
                    .bind("u", userId).bind("p", permissionName).execute();
        });
    }

    /**
     * Sets ({@code level} not null) or removes ({@code level} null) the grant of a user ({@code toUserGroup} false) or
     * user group on repository groups and repositories at once, in one transaction: apply_to_children of the
     * repository-group grant methods. Groups get {@code group.<level>}, repositories {@code repository.<level>}.
     */
    public void setOnRepoGroupTree(boolean toUserGroup, long granteeId, List<Long> groupIds, List<Long> repoIds,
            Level level) {
        jdbi.useTransaction(h -> {
            for (Kind kind : List.of(Kind.GROUP, Kind.REPOSITORY)) {
                Tables t = TABLES.get(kind);
                String table = toUserGroup ? t.groupTable : t.userTable;
                String grantee = toUserGroup ? t.groupGranteeColumn : "user_id";
                String object = toUserGroup ? t.groupObjectColumn : t.userObjectColumn;
                for (long objectId : kind == Kind.GROUP ? groupIds : repoIds) {
                    String where = " WHERE " + grantee + " = :g AND " + object + " = :o";
                    if (level == null) {
                        h.createUpdate("DELETE FROM " + table + where).bind("g", granteeId).bind("o", objectId)
                                .execute();
                        continue;
                    }
                    // updated in place, so the grant keeps its position in member listings (as in Kallithea)
                    String perm = level.permissionName(kind);
                    int updated = h.createUpdate("UPDATE " + table + " SET permission_id = (SELECT permission_id "
                            + "FROM permissions WHERE permission_name = :p)" + where)
                            .bind("p", perm).bind("g", granteeId).bind("o", objectId).execute();
                    if (updated == 0) {
                        h.createUpdate("INSERT INTO " + table + " (" + grantee + ", " + object + ", permission_id) "
                                + "SELECT :g, :o, permission_id FROM permissions WHERE permission_name = :p")
                                .bind("g", granteeId).bind("o", objectId).bind("p", perm).execute();
                    }
                }
            }
        });
    }

    /**
     * Sets the level of every existing grant of the user on objects of this kind, in one transaction (the default
     * permissions page's "overwrite existing"). Grants on private repositories are left alone.
     */
    public void overwriteUserLevel(Kind kind, long userId, Level level) {
        Tables t = TABLES.get(kind);
        String notPrivate = kind == Kind.REPOSITORY
                ? " AND repository_id NOT IN (SELECT repo_id FROM repositories WHERE private = TRUE)" : "";
        jdbi.useTransaction(h -> h.createUpdate("UPDATE " + t.userTable + " SET permission_id = (SELECT permission_id "
                + "FROM permissions WHERE permission_name = :p) WHERE user_id = :u" + notPrivate)
                .bind("p", level.permissionName(kind)).bind("u", userId).execute());
    }

    /** Global permissions given to the user group itself (its active members inherit them). */
    public List<String> globalOfUserGroup(long userGroupId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT p.permission_name FROM users_group_to_perm gp "
                + "JOIN permissions p ON p.permission_id = gp.permission_id WHERE gp.users_group_id = :g")
                .bind("g", userGroupId).mapTo(String.class).list());
    }

    /**
     * Sets ({@code permissionName} not null) or removes the user's ({@code userGroup} false) or user group's own
     * global permission of one kind (e.g. {@code hg.create}), in one transaction.
     */
    public void setOwnGlobal(boolean userGroup, long granteeId, String kind, String permissionName) {
        String table = userGroup ? "users_group_to_perm" : "user_to_perm";
        String grantee = userGroup ? "users_group_id" : "user_id";
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM " + table + " WHERE " + grantee + " = :g AND permission_id IN "
                    + "(SELECT permission_id FROM permissions WHERE permission_name LIKE :k "
                    + "AND permission_name NOT LIKE :deeper)")
                    .bind("g", granteeId).bind("k", kind + ".%").bind("deeper", kind + ".%.%").execute();
            if (permissionName != null) {
                h.createUpdate("INSERT INTO " + table + " (" + grantee + ", permission_id) "
                        + "SELECT :g, permission_id FROM permissions WHERE permission_name = :p")
                        .bind("g", granteeId).bind("p", permissionName).execute();
            }
        });
    }

    /** A number bumped on every permission-relevant change; part of permission cache keys on every node. */
    public long generation() {
        return jdbi.withHandle(h -> h.createQuery("SELECT gen FROM cache_generation WHERE name = 'permissions'")
                .mapTo(Long.class).one());
    }

    public void bumpGeneration() {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cache_generation SET gen = gen + 1 WHERE name = 'permissions'")
                .execute());
    }

    /** One explicit grant on an object, with who holds it: a user (by username) or a user group (by name). */
    public record Member(long granteeId, String name, String permissionName) {
    }

    /** Primary keys of the user and user-group grant tables per kind: listings keep the order grants were made. */
    private static final Map<Kind, String[]> GRANT_KEYS = Map.of(
            Kind.REPOSITORY, new String[] {"repo_to_perm_id", "users_group_to_perm_id"},
            Kind.GROUP, new String[] {"group_to_perm_id", "users_group_repo_group_to_perm_id"},
            Kind.USERGROUP, new String[] {"user_user_group_to_perm_id", "user_group_user_group_to_perm_id"});

    /** The explicit user grants on one object (the {@code default} user's row included), by username. */
    public List<Member> userMembers(Kind kind, long objectId) {
        Tables t = TABLES.get(kind);
        return jdbi.withHandle(h -> h.createQuery("SELECT u.user_id, u.username, p.permission_name FROM "
                + t.userTable + " gp JOIN users u ON u.user_id = gp.user_id "
                + "JOIN permissions p ON p.permission_id = gp.permission_id WHERE gp." + t.userObjectColumn
                + " = :o ORDER BY gp." + GRANT_KEYS.get(kind)[0]).bind("o", objectId)
                .map((rs, ctx) -> new Member(rs.getLong(1), rs.getString(2), rs.getString(3))).list());
    }

    /** The explicit user-group grants on one object, by group name. */
    public List<Member> userGroupMembers(Kind kind, long objectId) {
        Tables t = TABLES.get(kind);
        return jdbi.withHandle(h -> h.createQuery("SELECT ug.users_group_id, ug.users_group_name, p.permission_name "
                + "FROM " + t.groupTable + " gp JOIN users_groups ug ON ug.users_group_id = gp."
                + t.groupGranteeColumn + " JOIN permissions p ON p.permission_id = gp.permission_id WHERE gp."
                + t.groupObjectColumn + " = :o ORDER BY gp." + GRANT_KEYS.get(kind)[1]).bind("o", objectId)
                .map((rs, ctx) -> new Member(rs.getLong(1), rs.getString(2), rs.getString(3))).list());
    }

    /** Removes a user's explicit grant on an object (nothing when there is none). */
    public void revokeUser(Kind kind, long objectId, long userId) {
        Tables t = TABLES.get(kind);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + t.userTable + " WHERE user_id = :u AND "
                + t.userObjectColumn + " = :o").bind("u", userId).bind("o", objectId).execute());
    }

    /** Removes a user group's explicit grant on an object (nothing when there is none). */
    public void revokeUserGroup(Kind kind, long objectId, long userGroupId) {
        Tables t = TABLES.get(kind);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + t.groupTable + " WHERE " + t.groupGranteeColumn
                + " = :g AND " + t.groupObjectColumn + " = :o").bind("g", userGroupId).bind("o", objectId)
                .execute());
    }
    /** A user group as permission computation needs it: id, name and owner. */
    public record UserGroupRef(long id, String name, long ownerId) {
    }

    /** Every user group, in creation order. */
    public List<UserGroupRef> userGroups() {
        return jdbi.withHandle(h -> h.createQuery("SELECT users_group_id, users_group_name, user_id FROM users_groups "
                + "ORDER BY users_group_id")
                .map((rs, ctx) -> new UserGroupRef(rs.getLong(1), rs.getString(2), rs.getLong(3))).list());
    }
}
