package cairn.journal;

import java.time.Clock;
import java.util.List;

import cairn.auth.User;
import cairn.db.JournalDao;
import cairn.vcs.Repo;

/** The journal (Kallithea's user_logs): pulls, pushes and administrative actions. */
public final class JournalService {
    /** A push of more commits than this is journaled over several rows, so no row outgrows its column. */
    static final int IDS_PER_ROW = 1000;

    private final JournalDao dao;
    private final Clock clock;

    public JournalService(JournalDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
    }

    public void record(User user, Repo repo, String action, String ip) {
        dao.insert(user == null ? null : user.id(), user == null ? null : user.username(),
                repo == null ? null : repo.id(), repo == null ? null : repo.name(), ip, action, clock.instant());
    }

    public void pulled(User user, Repo repo, String ip) {
        record(user, repo, "pull", ip);
    }

    /** Kallithea's {@code push:<id>,<id>,…} action for the commits a push brought in. */
    public void pushed(User user, Repo repo, List<String> commitIds, String ip) {
        if (commitIds.isEmpty()) {
            record(user, repo, "push:", ip);
            return;
        }
        for (int i = 0; i < commitIds.size(); i += IDS_PER_ROW) {
            List<String> chunk = commitIds.subList(i, Math.min(commitIds.size(), i + IDS_PER_ROW));
            record(user, repo, "push:" + String.join(",", chunk), ip);
        }
    }

    public List<JournalEntry> forRepo(Repo repo, int limit) {
        return dao.forRepo(repo.id(), limit);
    }

    public List<JournalEntry> latest(int limit) {
        return dao.latest(limit);
    }

    /**
     * The newest entries matching every filter given (null = any): exact username, exact repository name, action
     * starting with {@code actionPrefix} (e.g. {@code push}), at or after {@code from} and before {@code to}.
     */
    public List<JournalEntry> search(String username, String repoName, String actionPrefix, java.time.Instant from,
            java.time.Instant to, int limit) {
        List<String> where = new java.util.ArrayList<>();
        if (username != null) {
            where.add("username = :user");
        }
        if (repoName != null) {
            where.add("repository_name = :repo");
        }
        if (actionPrefix != null) {
            where.add("action LIKE :action");
        }
        if (from != null) {
            where.add("action_date >= :from");
        }
        if (to != null) {
            where.add("action_date < :to");
        }
        String like = actionPrefix == null ? null
                : actionPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return dao.search(where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where), username, repoName, like,
                from, to, limit);
    }

    /** The newest entries about the given repositories. */
    public List<JournalEntry> forRepos(java.util.Collection<Long> repoIds, int limit) {
        return repoIds.isEmpty() ? List.of() : dao.forRepos(repoIds, limit);
    }
}
