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

@RegisterConstructorMapper(User.class)
public interface UserDao {
    String SELECT = "SELECT u.user_id AS id, u.username, u.password, u.active, u.admin, u.firstname, u.lastname, "
            + "u.email, u.api_key, u.extern_type, u.extern_name, u.created_on, u.last_login FROM users u ";

    @SqlQuery(SELECT + "WHERE u.user_id = :id")
    Optional<User> byId(@Bind("id") long id);

    @SqlQuery(SELECT + "WHERE u.username = :username")
    Optional<User> byUsername(@Bind("username") String username);

    /** Users whose name equals {@code username} ignoring case (MySQL's collation would call them one). */
    @SqlQuery("SELECT COUNT(*) FROM users WHERE LOWER(username) = LOWER(:username)")
    int countByUsernameIgnoringCase(@Bind("username") String username);

    /** By primary or extra e-mail address, lower-cased as Kallithea stores them. */
    @SqlQuery(SELECT + "WHERE u.email = LOWER(:email) "
            + "OR u.user_id IN (SELECT m.user_id FROM user_email_map m WHERE m.email = LOWER(:email))")
    List<User> byEmail(@Bind("email") String email);

    @SqlQuery(SELECT + "WHERE u.api_key = :key "
            + "OR u.user_id IN (SELECT k.user_id FROM user_api_keys k WHERE k.api_key = :key "
            + "AND (k.expires = -1 OR k.expires > :now))")
    Optional<User> byApiKey(@Bind("key") String key, @Bind("now") long nowEpochSeconds);

    @SqlQuery(SELECT + "ORDER BY u.username")
    List<User> all();

    @SqlUpdate("INSERT INTO users (username, password, active, admin, firstname, lastname, email, api_key, "
            + "extern_type, created_on) VALUES (:username, :password, :active, :admin, :firstname, :lastname, "
            + "LOWER(:email), :apiKey, 'internal', :now)")
    @GetGeneratedKeys("user_id")
    long insert(@Bind("username") String username, @Bind("password") String passwordHash,
            @Bind("active") boolean active, @Bind("admin") boolean admin, @Bind("firstname") String firstname,
            @Bind("lastname") String lastname, @Bind("email") String email, @Bind("apiKey") String apiKey,
            @Bind("now") Instant now);

    @SqlUpdate("UPDATE users SET last_login = :now WHERE user_id = :id")
    void touchLogin(@Bind("id") long id, @Bind("now") Instant now);

    @SqlUpdate("UPDATE users SET active = :active WHERE user_id = :id")
    void setActive(@Bind("id") long id, @Bind("active") boolean active);

    @SqlUpdate("UPDATE users SET admin = :admin WHERE user_id = :id")
    void setAdmin(@Bind("id") long id, @Bind("admin") boolean admin);

    @SqlUpdate("UPDATE users SET password = :hash WHERE user_id = :id")
    void setPassword(@Bind("id") long id, @Bind("hash") String hash);

    @SqlUpdate("UPDATE users SET api_key = :key WHERE user_id = :id")
    void setApiKey(@Bind("id") long id, @Bind("key") String apiKey);

    @SqlUpdate("INSERT INTO users_groups (users_group_name, users_group_active, user_id, created_on) "
            + "VALUES (:name, :active, :owner, :now)")
    @GetGeneratedKeys("users_group_id")
    long insertUserGroup(@Bind("name") String name, @Bind("active") boolean active, @Bind("owner") long ownerId,
            @Bind("now") Instant now);

    @SqlUpdate("INSERT INTO users_groups_members (users_group_id, user_id) VALUES (:group, :user)")
    void addMember(@Bind("group") long userGroupId, @Bind("user") long userId);

    @SqlUpdate("INSERT INTO users (username, password, active, admin, firstname, lastname, email, api_key, "
            + "extern_type, extern_name, created_on) VALUES (:username, :password, :active, :admin, :firstname, "
            + ":lastname, LOWER(:email), :apiKey, :externType, :externName, :now)")
    @GetGeneratedKeys("user_id")
    long insertFull(@Bind("username") String username, @Bind("password") String passwordHash,
            @Bind("active") boolean active, @Bind("admin") boolean admin, @Bind("firstname") String firstname,
            @Bind("lastname") String lastname, @Bind("email") String email, @Bind("apiKey") String apiKey,
            @Bind("externType") String externType, @Bind("externName") String externName,
            @Bind("now") Instant now);

    /** Writes every editable column of the profile (not the password, API key or dates). */
    @SqlUpdate("UPDATE users SET username = :username, firstname = :firstname, lastname = :lastname, "
            + "email = LOWER(:email), active = :active, admin = :admin, extern_type = :externType, "
            + "extern_name = :externName WHERE user_id = :id")
    void update(@Bind("id") long id, @Bind("username") String username, @Bind("firstname") String firstname,
            @Bind("lastname") String lastname, @Bind("email") String email, @Bind("active") boolean active,
            @Bind("admin") boolean admin, @Bind("externType") String externType,
            @Bind("externName") String externName);

    @SqlUpdate("DELETE FROM users WHERE user_id = :id")
    void delete(@Bind("id") long id);

    /** The user's extra e-mail addresses (user_email_map), oldest first. */
    @SqlQuery("SELECT email FROM user_email_map WHERE user_id = :id ORDER BY email_id")
    List<String> extraEmails(@Bind("id") long id);

    /** Every extra e-mail address as (user id, address), oldest first: one query for a whole list of users. */
    @SqlQuery("SELECT user_id, email FROM user_email_map ORDER BY email_id")
    @RegisterConstructorMapper(ExtraEmail.class)
    List<ExtraEmail> allExtraEmails();

    /** One row of user_email_map. */
    record ExtraEmail(long userId, String email) {
    }

    @SqlUpdate("INSERT INTO user_email_map (user_id, email) VALUES (:id, LOWER(:email))")
    void insertExtraEmail(@Bind("id") long id, @Bind("email") String email);

    @SqlUpdate("DELETE FROM user_email_map WHERE user_id = :id AND email = LOWER(:email)")
    int deleteExtraEmail(@Bind("id") long id, @Bind("email") String email);

    /** One row of user_api_keys: expires is epoch seconds, -1 for never. */
    record ExtraApiKey(String apiKey, String description, long expires, Instant createdOn) {
    }

    @SqlQuery("SELECT api_key, description, expires, created_on FROM user_api_keys WHERE user_id = :id "
            + "ORDER BY user_api_key_id")
    @RegisterConstructorMapper(ExtraApiKey.class)
    List<ExtraApiKey> extraApiKeys(@Bind("id") long id);

    @SqlUpdate("INSERT INTO user_api_keys (user_id, api_key, description, expires, created_on) "
            + "VALUES (:id, :key, :description, :expires, :now)")
    void insertApiKey(@Bind("id") long id, @Bind("key") String key, @Bind("description") String description,
            @Bind("expires") long expires, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM user_api_keys WHERE user_id = :id AND api_key = :key")
    int deleteApiKey(@Bind("id") long id, @Bind("key") String key);

    @SqlQuery("SELECT repo_name FROM repositories WHERE user_id = :id ORDER BY repo_name")
    List<String> ownedRepositories(@Bind("id") long id);

    @SqlQuery("SELECT group_name FROM repo_groups WHERE user_id = :id ORDER BY group_name")
    List<String> ownedRepoGroups(@Bind("id") long id);

    @SqlQuery("SELECT users_group_name FROM users_groups WHERE user_id = :id ORDER BY users_group_name")
    List<String> ownedUserGroups(@Bind("id") long id);

    @SqlQuery("SELECT gist_access_id FROM gists WHERE user_id = :id ORDER BY gist_id")
    List<String> ownedGists(@Bind("id") long id);
}
