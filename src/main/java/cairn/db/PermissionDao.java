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

    /** A number bumped on every permission-relevant change; part of permission cache keys on every node. */
    public long generation() {
        return jdbi.withHandle(h -> h.createQuery("SELECT gen FROM cache_generation WHERE name = 'permissions'")
                .mapTo(Long.class).one());
    }

    public void bumpGeneration() {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cache_generation SET gen = gen + 1 WHERE name = 'permissions'")
                .execute());
    }
}
