package cairn.db;

import java.time.Instant;
import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import cairn.journal.JournalEntry;

@RegisterConstructorMapper(JournalEntry.class)
public interface JournalDao {
    @SqlUpdate("INSERT INTO user_logs (user_id, username, repository_id, repository_name, user_ip, action, "
            + "action_date) VALUES (:userId, :username, :repoId, :repoName, :ip, :action, :at)")
    void insert(@Bind("userId") Long userId, @Bind("username") String username, @Bind("repoId") Long repoId,
            @Bind("repoName") String repoName, @Bind("ip") String ip, @Bind("action") String action,
            @Bind("at") Instant at);

    @SqlQuery("SELECT user_log_id AS id, user_id, username, repository_id AS repo_id, repository_name AS repo_name, "
            + "user_ip AS ip, action, action_date AS at FROM user_logs WHERE repository_id = :repoId "
            + "ORDER BY user_log_id DESC LIMIT :limit")
    List<JournalEntry> forRepo(@Bind("repoId") long repoId, @Bind("limit") int limit);

    @SqlQuery("SELECT user_log_id AS id, user_id, username, repository_id AS repo_id, repository_name AS repo_name, "
            + "user_ip AS ip, action, action_date AS at FROM user_logs ORDER BY user_log_id DESC LIMIT :limit")
    List<JournalEntry> latest(@Bind("limit") int limit);

    /**
     * The newest entries matching a filter; {@code where} is built by JournalService from fixed fragments only (every
     * value is a bound parameter), and parameters it does not use are ignored.
     */
    @SqlQuery("SELECT user_log_id AS id, user_id, username, repository_id AS repo_id, repository_name AS repo_name, "
            + "user_ip AS ip, action, action_date AS at FROM user_logs <where> ORDER BY user_log_id DESC LIMIT :limit")
    @org.jdbi.v3.sqlobject.customizer.AllowUnusedBindings
    List<JournalEntry> search(@org.jdbi.v3.sqlobject.customizer.Define("where") String where,
            @Bind("user") String username, @Bind("repo") String repoName, @Bind("action") String actionPrefix,
            @Bind("from") Instant from, @Bind("to") Instant to, @Bind("limit") int limit);

    @SqlQuery("SELECT user_log_id AS id, user_id, username, repository_id AS repo_id, repository_name AS repo_name, "
            + "user_ip AS ip, action, action_date AS at FROM user_logs WHERE repository_id IN (<ids>) "
            + "ORDER BY user_log_id DESC LIMIT :limit")
    List<JournalEntry> forRepos(@org.jdbi.v3.sqlobject.customizer.BindList("ids") java.util.Collection<Long> ids,
            @Bind("limit") int limit);
}
