package cairn.cache;

import java.time.Duration;

/**
 * The web UI's caches of expensive views (last commit per path, rendered README, changelog graph pages), all keyed
 * by what they depend on down to the commit, blob or ref state, so they never need invalidating.
 */
public final class ViewCaches {
    private final Caches caches;
    private final long entries;
    private final int lastCommitWalk;

    /**
     * @param entries        entries each cache holds at most
     * @param lastCommitWalk commits a folder listing reads at most to find its entries' last changes
     */
    public ViewCaches(Caches caches, long entries, int lastCommitWalk) {
        this.caches = caches;
        this.entries = entries;
        this.lastCommitWalk = lastCommitWalk;
    }

    /** A new cache named {@code name}; results are immutable, so the time to live only frees memory. */
    public <V> Memo<V> memo(String name, Class<V> type) {
        return new Memo<>(caches, name, type, entries, Duration.ofHours(6));
    }

    public int lastCommitWalk() {
        return lastCommitWalk;
    }
}
