package cairn.vcs.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import org.eclipse.jgit.storage.file.WindowCacheConfig;

import cairn.config.Key;
import cairn.config.Keys;
import cairn.config.Settings;
import cairn.metrics.GitMetrics;
import cairn.vcs.RepoService;

/**
 * What makes Git serving fast and keeps it standing under load, built once at start from the {@code [git]} settings:
 * JGit's caches sized for a server, the {@link PackGate} in front of pack generation, the {@link BitmapKeeper} that
 * repacks in the background, and the {@link GitMetrics} they all report to.
 */
public final class GitServing implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GitServing.class.getName());

    private final GitMetrics metrics;
    private final PackGate gate;
    private final BitmapKeeper keeper;
    private final SharedPacks shared;

    GitServing(GitMetrics metrics, PackGate gate, BitmapKeeper keeper, SharedPacks shared) {
        this.metrics = metrics;
        this.gate = gate;
        this.keeper = keeper;
        this.shared = shared;
        metrics.packGauges(gate::active, gate::queued);
        if (keeper != null) {
            metrics.gcGauge(keeper::pending);
        }
    }

    /** Applies the cache settings (JVM-wide for this web application's JGit) and starts the background repacks. */
    public static GitServing start(Settings settings) {
        WindowCacheConfig caches = cacheConfig(settings);
        caches.install();
        int cores = Runtime.getRuntime().availableProcessors();
        int slots = settings.integer(Keys.GIT_MAX_PACKS);
        if (slots < 0) {
            throw settings.bad(Keys.GIT_MAX_PACKS, "must be 0 (2 x CPU cores) or more");
        }
        if (slots == 0) {
            slots = 2 * cores;
        }
        int queued = nonNegative(settings, Keys.GIT_MAX_QUEUED);
        int timeout = nonNegative(settings, Keys.GIT_QUEUE_TIMEOUT);
        int gcThreads = nonNegative(settings, Keys.GIT_GC_THREADS);
        int gcDelay = nonNegative(settings, Keys.GIT_GC_DELAY);
        SharedPacks shared = null;
        if (settings.bool(Keys.GIT_SHARED_PACKS)) {
            Path spool = settings.dataDir().resolve("tmp/packs");
            try {
                shared = new SharedPacks(spool, size(settings, Keys.GIT_PACK_CACHE, 0, Long.MAX_VALUE));
            } catch (IOException e) {
                throw settings.bad(Keys.GIT_SHARED_PACKS, "cannot use the spool folder " + spool + ": " + e);
            }
        }
        GitMetrics metrics = new GitMetrics();
        SharedPacks packs = shared;
        // kept clone answers a push dropped are prepared again after the repack, when they were in demand
        PackPreparer preparer = shared == null || !shared.keeps() || gcThreads == 0 ? null
                : new PackPreparer(shared, settings.bool(Keys.GIT_ALLOW_FILTER), metrics);
        BitmapKeeper keeper = gcThreads == 0 ? null
                : new BitmapKeeper(gcThreads, Duration.ofSeconds(gcDelay), (f, s, ok) -> metrics.gcRun(s, ok),
                        packs == null ? null : f -> packs.sweep(), preparer == null ? null : preparer::prepare);
        LOG.info("git: window cache " + caches.getPackedGitLimit() / (1 << 20) + " MiB, "
                + caches.getPackedGitOpenFiles() + " open packs, " + slots + " concurrent packs, " + queued
                + " queued (" + timeout + " s), background repack " + (keeper == null ? "off"
                : "on (" + gcThreads + " thread(s), after " + gcDelay + " s)")
                + (shared == null ? "" : ", identical packs shared"
                        + (shared.keeps() ? " and kept (" + settings.string(Keys.GIT_PACK_CACHE) + ")" : "")));
        return new GitServing(metrics, new PackGate(slots, queued, Duration.ofSeconds(timeout)), keeper, shared);
    }

    /** JGit's {@link WindowCacheConfig} from the ini; a bad value names its key. */
    public static WindowCacheConfig cacheConfig(Settings settings) {
        WindowCacheConfig c = new WindowCacheConfig();
        long window = settings.string(Keys.GIT_WINDOW_CACHE).equalsIgnoreCase("auto")
                ? autoWindowCache(Runtime.getRuntime().maxMemory())
                : size(settings, Keys.GIT_WINDOW_CACHE, c.getPackedGitWindowSize(), Long.MAX_VALUE);
        c.setPackedGitLimit(window);
        int open = settings.integer(Keys.GIT_OPEN_FILES);
        if (open < 1) {
            throw settings.bad(Keys.GIT_OPEN_FILES, "at least 1 pack file must stay open");
        }
        c.setPackedGitOpenFiles(open);
        c.setDeltaBaseCacheLimit((int) size(settings, Keys.GIT_DELTA_BASE_CACHE, 0, Integer.MAX_VALUE));
        c.setStreamFileThreshold((int) size(settings, Keys.GIT_STREAM_THRESHOLD, 1, Integer.MAX_VALUE));
        c.setPackedGitMMAP(settings.bool(Keys.GIT_MMAP));
        return c;
    }

    /**
     * {@code window_cache_bytes = auto}: a quarter of the maximum heap, at least 32 MiB. A fixed 256 MiB took half of
     * a 512 MiB heap and left a background repack of a 640k-object repository too little (52 full GCs in one
     * benchmark run); a quarter leaves room for repacks and the generations running at once on any heap size.
     */
    public static long autoWindowCache(long maxHeap) {
        return Math.max(32L << 20, maxHeap / 4);
    }

    private static long size(Settings settings, Key key, long min, long max) {
        long v;
        try {
            v = ByteSize.parse(settings.string(key));
        } catch (IllegalArgumentException e) {
            throw settings.bad(key, e.getMessage());
        }
        if (v < min || v > max) {
            throw settings.bad(key, "must be between " + min + " and " + max + " bytes");
        }
        return v;
    }

    private static int nonNegative(Settings settings, Key key) {
        int v = settings.integer(key);
        if (v < 0) {
            throw settings.bad(key, "must not be negative");
        }
        return v;
    }

    /** Checks the given repositories in the background and repacks those without a bitmap. */
    public void scan(RepoService repos) {
        if (keeper != null) {
            List<Path> folders = repos.all().stream().filter(r -> "git".equals(r.type())).map(repos::folder)
                    .toList();
            keeper.scan(folders);
        }
    }

    public GitMetrics metrics() {
        return metrics;
    }

    public PackGate gate() {
        return gate;
    }

    /** The sharing of identical concurrent pack generations, or null when {@code [git] shared_packs} is off. */
    public SharedPacks shared() {
        return shared;
    }

    void pushed(Path folder) {
        metrics.pushed();
        refsChanged(folder);
    }

    /**
     * What a repository's changed refs mean for serving, whoever changed them (a push, a web edit): kept shared packs
     * are dropped and a background repack is scheduled.
     */
    public void refsChanged(Path folder) {
        if (shared != null) {
            shared.invalidate(folder); // its refs changed: kept answers are stale
        }
        if (keeper != null) {
            keeper.pushed(folder); // its repack removes the stale answers' files first
        } else if (shared != null) {
            shared.sweep();
        }
    }

    void read(Path folder) {
        if (keeper != null) {
            keeper.read(folder);
        }
    }

    @Override
    public void close() {
        if (keeper != null) {
            keeper.close();
        }
        if (shared != null) {
            shared.sweep();
        }
        metrics.unregisterJmx();
    }
}
