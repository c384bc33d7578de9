package cairn.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

@RegisterConstructorMapper(Repo.class)
@RegisterConstructorMapper(RepoGroup.class)
public interface RepoDao {
    String SELECT = "SELECT r.repo_id AS id, r.repo_name AS name, r.repo_type AS type, r.user_id AS owner_id, "
            + "r.private AS is_private, r.description, r.fork_id, r.group_id, r.landing_revision, r.clone_uri, "
            + "r.repo_state AS state, r.enable_downloads, r.enable_statistics, r.created_on, r.updated_on "
            + "FROM repositories r ";
    String SELECT_GROUP = "SELECT g.group_id AS id, g.group_name AS name, g.group_parent_id AS parent_id, "
            + "g.group_description AS description, g.user_id AS owner_id, g.created_on FROM repo_groups g ";

    @SqlQuery(SELECT + "WHERE r.repo_id = :id")
    Optional<Repo> byId(@Bind("id") long id);

    @SqlQuery(SELECT + "WHERE r.repo_name = :name")
    Optional<Repo> byName(@Bind("name") String name);

    @SqlQuery(SELECT + "ORDER BY r.repo_name")
    List<Repo> all();

    @SqlUpdate("INSERT INTO repositories (repo_name, repo_type, user_id, private, description, group_id, "
            + "fork_id, clone_uri, created_on, updated_on) "
            + "VALUES (:name, :type, :owner, :private, :description, :groupId, :forkId, :cloneUri, :now, :now)")
    @GetGeneratedKeys("repo_id")
    long insert(@Bind("name") String name, @Bind("type") String type, @Bind("owner") long ownerId,
            @Bind("private") boolean isPrivate, @Bind("description") String description,
            @Bind("groupId") Long groupId, @Bind("forkId") Long forkId, @Bind("cloneUri") String cloneUri,
            @Bind("now") Instant now);

    @SqlUpdate("UPDATE repositories SET updated_on = :now WHERE repo_id = :id")
    void touch(@Bind("id") long id, @Bind("now") Instant now);

    @SqlUpdate("UPDATE repositories SET private = :private WHERE repo_id = :id")
    void setPrivate(@Bind("id") long id, @Bind("private") boolean isPrivate);

    @SqlUpdate("UPDATE repositories SET fork_id = NULL WHERE fork_id = :id")
    void detachForks(@Bind("id") long id);

    @SqlUpdate("DELETE FROM repositories WHERE repo_id = :id")
    void delete(@Bind("id") long id);

    @SqlQuery(SELECT_GROUP + "WHERE g.group_name = :name")
    Optional<RepoGroup> groupByName(@Bind("name") String name);

    @SqlQuery(SELECT_GROUP + "ORDER BY g.group_name")
    List<RepoGroup> allGroups();

    @SqlUpdate("INSERT INTO repo_groups (group_name, group_parent_id, group_description, user_id, created_on) "
            + "VALUES (:name, :parent, :description, :owner, :now)")
    @GetGeneratedKeys("group_id")
    long insertGroup(@Bind("name") String name, @Bind("parent") Long parentId,
            @Bind("description") String description, @Bind("owner") long ownerId, @Bind("now") Instant now);
}
