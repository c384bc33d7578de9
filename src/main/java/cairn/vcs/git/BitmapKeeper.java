package cairn.vcs.git;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import cairn.vcs.RepoStore;

/**
 * Keeps reachability bitmaps current without anyone running {@code git gc}: a push schedules a repack of its
 * repository after a quiet time (each further push postpones it, up to ten quiet times), at most one per repository
 * at a time, on a small pool of low-priority threads; a repository seen without a bitmap (at the start scan or at its
 * first clone) gets one scheduled too. Pushes and clones never wait for it.
 */
public final class BitmapKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BitmapKeeper.class.getName());
    private static final int MAX_POSTPONE = 10;

    /** Told about every repack, for the metrics. */
    public interface Listener {
        void repacked(Path folder, double seconds, boolean ok);
    }

    private static final class State {
        ScheduledFuture<?> pending;
        long firstAsked;
        boolean running;
        boolean again;
    }

    private final ScheduledThreadPoolExecutor pool;
    private final long delayNanos;
    private final Listener listener;
    private final Consumer<Path> beforeRepack;
    private final Consumer<Path> afterRepack;
    private final Map<Path, State> states = new HashMap<>();
    private final Set<Path> checked = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public BitmapKeeper(int threads, Duration delay, Listener listener) {
        this(threads, delay, listener, null, null);
    }

    /**
     * With {@code beforeRepack} and {@code afterRepack} (either may be null): run on the repack's thread before each
     * repack and after each successful one, while the repack counts as pending.
     */
    public BitmapKeeper(int threads, Duration delay, Listener listener, Consumer<Path> beforeRepack,
            Consumer<Path> afterRepack) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread is needed");
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "cairn-git-gc-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        this.pool.setRemoveOnCancelPolicy(true);
        this.pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.delayNanos = Math.max(0, delay.toNanos());
        this.listener = listener;
        this.beforeRepack = beforeRepack;
        this.afterRepack = afterRepack;
    }

    /** A push ended: repack after the quiet time. */
    public void pushed(Path folder) {
        schedule(folder.toAbsolutePath().normalize(), delayNanos);
    }

    /**
     * A client reads the repository: the first time in this process, check for a bitmap and schedule a repack if
     * there is none. Cheap after the first call.
     */
    public void read(Path folder) {
        Path f = folder.toAbsolutePath().normalize();
        if (checked.add(f) && !hasBitmap(f)) {
            schedule(f, delayNanos);
        }
    }

    /** The start scan: checks each repository (in the background) and schedules those without a bitmap. */
    public void scan(Iterable<Path> folders) {
        pool.execute(() -> {
            for (Path folder : folders) {
                if (closed) {
                    return;
                }
                read(folder);
            }
        });
    }

    /** Whether {@code objects/pack} holds a bitmap index. */
    public static boolean hasBitmap(Path folder) {
        Path pack = packDir(folder);
        if (!Files.isDirectory(pack)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(pack, "pack-*.bitmap")) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path packDir(Path folder) {
        Path bare = folder.resolve("objects/pack");
        return Files.isDirectory(bare) ? bare : folder.resolve(".git/objects/pack");
    }

    /** Repacks scheduled or running now. */
    public synchronized int pending() {
        return states.size();
    }

    private synchronized void schedule(Path folder, long delay) {
        if (closed) {
            return;
        }
        State s = states.computeIfAbsent(folder, f -> new State());
        if (s.running) {
            // objects came in during the repack: one more afterwards
            s.again = true;
            return;
        }
        long now = System.nanoTime();
        if (s.pending != null) {
            if (now - s.firstAsked > MAX_POSTPONE * Math.max(delay, TimeUnit.SECONDS.toNanos(1))) {
                return; // pushes keep coming: do not postpone forever
            }
            if (!s.pending.cancel(false)) {
                return; // just starting; it will see this push's objects
            }
        } else {
            s.firstAsked = now;
        }
        s.pending = pool.schedule(() -> run(folder, s), delay, TimeUnit.NANOSECONDS);
    }

    private void run(Path folder, State s) {
        synchronized (this) {
            if (closed) {
                return;
            }
            s.running = true;
            s.again = false;
            s.pending = null;
        }
        boolean ok = false;
        long start = System.nanoTime();
        boolean ran = false;
        try {
            if (beforeRepack != null) {
                beforeRepack.accept(folder);
            }
            ran = repack(folder);
            ok = true;
            if (ran) {
                listener.repacked(folder, (System.nanoTime() - start) / 1e9, true);
                if (afterRepack != null && !closed) {
                    afterRepack.accept(folder);
                }
            }
        } catch (Exception e) {
            if (!closed) {
                LOG.log(Level.WARNING, (ok ? "after the background repack of " : "background repack of ") + folder
                        + " failed", e);
            }
        } finally {
            if (!ok) {
                listener.repacked(folder, (System.nanoTime() - start) / 1e9, false);
            }
            // also after an Error (out of memory): the repository must not stay "pending" for ever
            synchronized (this) {
                s.running = false;
                if (s.again && !closed) {
                    s.again = false;
                    s.firstAsked = System.nanoTime();
                    s.pending = pool.schedule(() -> run(folder, s), delayNanos, TimeUnit.NANOSECONDS);
                } else {
                    states.remove(folder, s);
                }
            }
        }
    }

    /** One {@code gc} with bitmaps; false when there was nothing to pack (no refs). */
    private boolean repack(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Repository db = new FileRepositoryBuilder().setGitDir(folder.toFile()).setMustExist(true).build()) {
            if (db.getRefDatabase().getRefs().isEmpty()) {
                return false;
            }
            Git.wrap(db).gc().setProgressMonitor(new EmptyProgressMonitor() {
                @Override
                public boolean isCancelled() {
                    return closed;
                }
            }).call();
        }
        // requests opened later see the new packs (and the bitmap) at once; those running keep their instance
        RepoStore.forgetCached(List.of(folder));
        warm(folder);
        LOG.fine(() -> "repacked " + folder + (hasBitmap(folder) ? " with a bitmap" : ""));
        return true;
    }

    /**
     * Opens {@code folder} in JGit's {@link RepositoryCache} (where requests find it) with its pack indexes and bitmap
     * index loaded, here in the background, so that the first clone, fetch or push after a repack does not pay for
     * them: for a repository of a few hundred thousand objects that is half a second of CPU or more per request
     * otherwise. The cache keeps the instance until it has been unused for an hour.
     */
    public static void warm(Path folder) throws IOException {
        try (Repository db = RepoStore.openCached(folder)) {
            if (db.getObjectDatabase() instanceof ObjectDirectory objects) {
                for (Pack pack : objects.getPacks()) {
                    pack.getIndex();
                }
            }
            try (ObjectReader reader = db.newObjectReader()) {
                reader.getBitmapIndex();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (State s : states.values()) {
                if (s.pending != null) {
                    s.pending.cancel(false);
                }
            }
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warning("a background repack did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
