package cairn.cache;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import org.ehcache.Cache;

/**
 * A named EHCache of computed results. Keys must name everything a result depends on (for repository views: the
 * repository id and the commit, blob or ref state), so a push makes new keys and an entry is never stale; entries
 * are only dropped for room or age.
 */
public final class Memo<V> {
    /** Computes a value on a miss. */
    @FunctionalInterface
    public interface Loader<V, E1 extends Exception, E2 extends Exception> {
        V load() throws E1, E2;
    }

    private final Cache<String, V> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public Memo(Caches caches, String name, Class<V> type, long entries, Duration ttl) {
        this.cache = caches.create(name, String.class, type, Math.max(1, entries), ttl);
    }

    /** The cached value for {@code key}, else computes it (two racing misses may both compute: that is harmless). */
    public <E1 extends Exception, E2 extends Exception> V get(String key, Loader<V, E1, E2> loader) throws E1, E2 {
        V v = cache.get(key);
        if (v != null) {
            hits.increment();
            return v;
        }
        misses.increment();
        v = loader.load();
        if (v != null) {
            cache.put(key, v);
        }
        return v;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
