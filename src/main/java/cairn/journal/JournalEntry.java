package cairn.journal;

import java.time.Instant;

/** One journal row: who did what to which repository, from where and when (Kallithea's user_logs). */
public record JournalEntry(long id, Long userId, String username, Long repoId, String repoName, String ip,
        String action, Instant at) {
}
