package cairn.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import cairn.auth.User;
import cairn.auth.UserGroup;

/** User groups and their members. */
@RegisterConstructorMapper(UserGroup.class)
@RegisterConstructorMapper(User.class)
public interface UserGroupDao {
    String SELECT = "SELECT g.users_group_id AS id, g.users_group_name AS name, "
            + "g.user_group_description AS description, g.users_group_active AS active, g.user_id AS owner_id, "
            + "o.username AS owner_name, g.created_on FROM users_groups g JOIN users o ON o.user_id = g.user_id ";

    @SqlQuery(SELECT + "WHERE g.users_group_id = :id")
    Optional<UserGroup> byId(@Bind("id") long id);

    @SqlQuery(SELECT + "WHERE g.users_group_name = :name")
    Optional<UserGroup> byName(@Bind("name") String name);

    @SqlQuery("SELECT COUNT(*) FROM users_groups WHERE LOWER(users_group_name) = LOWER(:name)")
    int countByNameIgnoringCase(@Bind("name") String name);

    /** In creation order, as Kallithea lists them. */
    @SqlQuery(SELECT + "ORDER BY g.users_group_id")
    List<UserGroup> all();

    @SqlUpdate("INSERT INTO users_groups (users_group_name, user_group_description, users_group_active, user_id, "
            + "created_on) VALUES (:name, :description, :active, :owner, :now)")
    @GetGeneratedKeys("users_group_id")
    long insert(@Bind("name") String name, @Bind("description") String description, @Bind("active") boolean active,
            @Bind("owner") long ownerId, @Bind("now") Instant now);

    @SqlUpdate("UPDATE users_groups SET users_group_name = :name, user_group_description = :description, "
            + "users_group_active = :active, user_id = :owner WHERE users_group_id = :id")
    void update(@Bind("id") long id, @Bind("name") String name, @Bind("description") String description,
            @Bind("active") boolean active, @Bind("owner") long ownerId);

    @SqlUpdate("DELETE FROM users_groups WHERE users_group_id = :id")
    void delete(@Bind("id") long id);

    /** Members in the order they were added. */
    @SqlQuery(UserDao.SELECT + "JOIN users_groups_members m ON m.user_id = u.user_id "
            + "WHERE m.users_group_id = :group ORDER BY m.users_group_member_id")
    List<User> members(@Bind("group") long groupId);

    /** One row of users_groups_members. */
    record Membership(long groupId, long userId) {
    }

    /** Every membership, in the order members were added: the members of all groups with one query. */
    @SqlQuery("SELECT users_group_id AS group_id, user_id FROM users_groups_members ORDER BY users_group_member_id")
    @RegisterConstructorMapper(Membership.class)
    List<Membership> allMemberships();

    @SqlQuery("SELECT COUNT(*) FROM users_groups_members WHERE users_group_id = :group AND user_id = :user")
    int memberships(@Bind("group") long groupId, @Bind("user") long userId);

    @SqlUpdate("INSERT INTO users_groups_members (users_group_id, user_id) VALUES (:group, :user)")
    void addMember(@Bind("group") long groupId, @Bind("user") long userId);

    @SqlUpdate("DELETE FROM users_groups_members WHERE users_group_id = :group AND user_id = :user")
    int removeMember(@Bind("group") long groupId, @Bind("user") long userId);

    /** Names of the repositories the group holds a permission on, in grant order. */
    @SqlQuery("SELECT r.repo_name FROM users_group_repo_to_perm p JOIN repositories r ON r.repo_id = p.repository_id "
            + "WHERE p.users_group_id = :group ORDER BY p.users_group_to_perm_id")
    List<String> assignedRepositories(@Bind("group") long groupId);
}
