package cairn.cache;

import java.time.Duration;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;

/** The application's EHCache manager; caches are on-heap, bounded by entry count, with a time to live. */
public final class Caches implements AutoCloseable {
    private final CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);

    public <K, V> Cache<K, V> create(String name, Class<K> keys, Class<V> values, long entries, Duration ttl) {
        return manager.createCache(name, CacheConfigurationBuilder
                .newCacheConfigurationBuilder(keys, values, ResourcePoolsBuilder.heap(entries))
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(ttl)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
