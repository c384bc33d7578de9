package cairn.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoService;

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

    /** A push or pull changed the repository: "last change" moves and the cached tip is dropped. */
    @SqlUpdate("UPDATE repositories SET updated_on = :now, changeset_cache = NULL WHERE repo_id = :id")
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

    // ---- repository API (create with every setting, update, forks, followers, cached tip) ----

    @SqlQuery(SELECT + "ORDER BY r.repo_id")
    List<Repo> allById();

    @SqlQuery(SELECT + "WHERE r.fork_id = :id ORDER BY r.repo_id")
    List<Repo> forks(@Bind("id") long id);

    @SqlUpdate("INSERT INTO repositories (repo_name, repo_type, user_id, private, description, group_id, fork_id, "
            + "clone_uri, landing_revision, enable_statistics, enable_downloads, created_on, updated_on) "
            + "VALUES (:name, 'git', :owner, :private, :description, :groupId, :forkId, :cloneUri, :landing, "
            + ":statistics, :downloads, :now, :now)")
    @GetGeneratedKeys("repo_id")
    long insertFull(@Bind("name") String name, @Bind("owner") long ownerId, @Bind("private") boolean isPrivate,
            @Bind("description") String description, @Bind("groupId") Long groupId, @Bind("forkId") Long forkId,
            @Bind("cloneUri") String cloneUri, @Bind("landing") String landingRevision,
            @Bind("statistics") boolean enableStatistics, @Bind("downloads") boolean enableDownloads,
            @Bind("now") Instant now);

    @SqlUpdate("UPDATE repositories SET repo_name = :name, group_id = :groupId, user_id = :owner, "
            + "description = :description, private = :private, clone_uri = :cloneUri, landing_revision = :landing, "
            + "enable_statistics = :statistics, enable_downloads = :downloads WHERE repo_id = :id")
    void update(@Bind("id") long id, @Bind("name") String name, @Bind("groupId") Long groupId,
            @Bind("owner") long ownerId, @Bind("description") String description, @Bind("private") boolean isPrivate,
            @Bind("cloneUri") String cloneUri, @Bind("landing") String landingRevision,
            @Bind("statistics") boolean enableStatistics, @Bind("downloads") boolean enableDownloads);

    /** Deletes a repository row; its forks are detached first when asked (else the fork key refuses). */
    @Transaction
    default void deleteRepository(long id, boolean detachForks) {
        if (detachForks) {
            detachForks(id);
        }
        delete(id);
    }

    @SqlQuery("SELECT user_id FROM user_followings WHERE follows_repository_id = :id ORDER BY user_following_id")
    List<Long> followers(@Bind("id") long repoId);

    /** The users following a repository, in the order they started: one query for any number. */
    @SqlQuery(UserDao.SELECT + "JOIN user_followings f ON f.user_id = u.user_id "
            + "WHERE f.follows_repository_id = :id ORDER BY f.user_following_id")
    @RegisterConstructorMapper(cairn.auth.User.class)
    List<cairn.auth.User> followerUsers(@Bind("id") long repoId);

    @SqlUpdate("INSERT INTO user_followings (user_id, follows_repository_id, follows_from) VALUES (:u, :r, :now)")
    void follow(@Bind("u") long userId, @Bind("r") long repoId, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM user_followings WHERE user_id = :u AND follows_repository_id = :r")
    int unfollow(@Bind("u") long userId, @Bind("r") long repoId);

    @SqlQuery("SELECT follows_repository_id FROM user_followings WHERE user_id = :u "
            + "AND follows_repository_id IS NOT NULL ORDER BY user_following_id")
    List<Long> followedBy(@Bind("u") long userId);

    @SqlQuery("SELECT changeset_cache FROM repositories WHERE repo_id = :id")
    Optional<String> changesetCache(@Bind("id") long id);

    @SqlQuery("SELECT repo_id AS id, changeset_cache AS json FROM repositories WHERE changeset_cache IS NOT NULL")
    @RegisterConstructorMapper(RepoService.CachedTip.class)
    List<RepoService.CachedTip> changesetCaches();

    @SqlUpdate("UPDATE repositories SET changeset_cache = :json WHERE repo_id = :id")
    void setChangesetCache(@Bind("id") long id, @Bind("json") String json);

    /** Many cached tips at once: one JDBC batch in one transaction. */
    @SqlBatch("UPDATE repositories SET changeset_cache = :json WHERE repo_id = :id")
    void setChangesetCaches(@BindMethods List<RepoService.CachedTip> tips);

    @SqlQuery(SELECT_GROUP + "WHERE g.group_id = :id")
    Optional<RepoGroup> groupById(@Bind("id") long id);

    @SqlQuery("SELECT users_group_id AS id, users_group_name AS name, user_id AS owner_id, "
            + "users_group_active AS active FROM users_groups WHERE users_group_id = :id")
    @RegisterConstructorMapper(RepoService.UserGroupRef.class)
    Optional<RepoService.UserGroupRef> userGroupById(@Bind("id") long id);

    @SqlQuery("SELECT users_group_id AS id, users_group_name AS name, user_id AS owner_id, "
            + "users_group_active AS active FROM users_groups WHERE users_group_name = :name")
    @RegisterConstructorMapper(RepoService.UserGroupRef.class)
    Optional<RepoService.UserGroupRef> userGroupByName(@Bind("name") String name);
}
