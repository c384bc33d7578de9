package cairn.vcs.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;

import org.eclipse.jgit.lib.Ref;

/**
 * One pack generation shared by identical concurrent upload-pack requests (same repository, same request body, same
 * protocol and encoding headers): the first request (the leader) generates the pack as usual and every byte it sends
 * is also written to a spool file; requests that arrive while it runs (followers) stream that file as it grows instead
 * of generating the same pack again, and take no pack slot. A pack answers exactly the object ids the request names,
 * so identical requests have identical answers, pushes in between notwithstanding. Behind {@code [git] shared_packs}.
 *
 * <p>If the leader's answer is not a plain 200, or the leader fails before a follower has sent anything, the follower
 * is told to generate its own; a follower that had already sent bytes is cut off (the client sees a broken transfer, as
 * it would if its own generation had failed). A leader whose client goes away keeps generating while followers read.
 *
 * <p>With a cache size ({@code [git] pack_cache_bytes}), a whole answer to a request that sent no {@code have} (a
 * clone, shallow or partial or full) stays on disk after its generation ended, so identical requests that arrive
 * later are answered from it too: the key then includes the state of the repository's refs, and a push drops every
 * kept answer of its repository at once. The least recently used answers go when the cache is full.
 *
 * <p>The files of answers a push dropped are not removed by the push: removing a file frees its page cache, ~90 ms of
 * kernel time for the 1 GB of answers a 320 MiB repository keeps, and the pusher would wait for it. They are stale
 * until {@link #sweep()}, which the repository's background repack calls; they count in the cache size, and go at
 * once when the cache needs their room.
 */
public final class SharedPacks {
    private static final Logger LOG = Logger.getLogger(SharedPacks.class.getName());

    private final Path spoolDir;
    /** Seconds a spool file handed to the container's sendfile stays after its last reader is done. */
    static final int FILE_GRACE_SECONDS = 60;

    /** Most whole answers kept at once, whatever their size (many small ones: ls-refs of many repositories). */
    public static final int MAX_KEPT = 1024;

    private final Map<String, Generation> running = new ConcurrentHashMap<>();
    private final long keepBytes;
    /** Whole answers kept after their generation ended, least recently used first. Guarded by itself. */
    private final LinkedHashMap<String, Generation> kept = new LinkedHashMap<>(16, 0.75f, true);
    private long keptBytes;
    /**
     * Recipes of kept answers in demand that a push dropped: their answers are prepared again after the repository's
     * next repack ({@link PackPreparer}). By folder, oldest first; guarded by {@link #kept}.
     */
    private final Map<Path, LinkedHashMap<String, Demand>> recipes = new HashMap<>();
    private volatile boolean collectRecipes;
    /** Files of dropped answers whose last reader is done, for {@link #sweep()}. */
    private final ConcurrentLinkedQueue<Stale> stale = new ConcurrentLinkedQueue<>();
    private final AtomicLong staleBytes = new AtomicLong();

    private record Stale(Path file, long size) {
    }

    /**
     * How long a request stays in demand after it was last answered from another request's pack: a push drops its
     * answer, and it is prepared again after the repack while it is in demand (a CI farm that clones nightly keeps its
     * clone prepared through a day of pushes; a repository nobody clones twice any more stops costing CPU).
     */
    public static final Duration DEMAND = Duration.ofDays(1);

    /** Most recipes remembered per repository. */
    static final int MAX_RECIPES = 8;

    /** Sharing between concurrent requests only: nothing is kept after a generation ends. */
    public SharedPacks(Path spoolDir) throws IOException {
        this(spoolDir, 0);
    }

    /** Also keeps whole answers to clones, up to {@code keepBytes} of spool files in all (0: none). */
    public SharedPacks(Path spoolDir, long keepBytes) throws IOException {
        this.keepBytes = Math.max(0, keepBytes);
        this.spoolDir = Files.createDirectories(spoolDir);
        try (var old = Files.newDirectoryStream(spoolDir, "pack-*.spool")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The key of a request: repository folder, headers that shape the answer, and the SHA-256 of the body as sent
     * before any Content-Encoding ({@link #decoded}), in its {@link PackRecipe#canonical canonical form}: neither how
     * the body was encoded nor the order of its wants changes the answer.
     */
    public static String key(Path folder, String gitProtocol, String acceptEncoding, byte[] plainBody) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {folder.toAbsolutePath().normalize().toString(), gitProtocol,
                    acceptEncoding}) {
                d.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            d.update(PackRecipe.canonical(plainBody));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request body without its {@code Content-Encoding} (git gzips bodies over 1 KiB), or null when it cannot be
     * decoded or decodes to more than {@code limit} bytes: then the request is not shared.
     */
    public static byte[] decoded(byte[] body, String contentEncoding, int limit) {
        if (contentEncoding == null || contentEncoding.isBlank() || contentEncoding.equalsIgnoreCase("identity")) {
            return body;
        }
        if (!contentEncoding.trim().equalsIgnoreCase("gzip") && !contentEncoding.trim().equalsIgnoreCase("x-gzip")) {
            return null;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] plain = in.readNBytes(limit + 1);
            return plain.length > limit ? null : plain;
        } catch (IOException e) {
            return null;
        }
    }

    /** The key of a request whose whole answer may be kept: {@link #key} and the state of the repository's refs. */
    public static String keptKey(String key, Collection<Ref> refs) {
        return key + "/" + refState(refs);
    }

    /** A generation joined: as its leader (who must generate the pack) or as a follower. */
    public record Joined(Generation generation, boolean leader) {
    }

    /**
     * A fingerprint of a repository's refs (names, targets, symbolic links), for the key of a kept answer: any ref
     * update changes it.
     */
    public static String refState(Collection<Ref> refs) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            List<Ref> sorted = new ArrayList<>(refs);
            sorted.sort(Comparator.comparing(Ref::getName));
            for (Ref r : sorted) {
                d.update(r.getName().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                String target = r.isSymbolic() ? "ref: " + r.getTarget().getName()
                        : r.getObjectId() == null ? "-" : r.getObjectId().name();
                d.update(target.getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether an upload-pack request body ({@link #decoded}) sends no {@code have} line: a clone. */
    public static boolean sendsNoHaves(byte[] plainBody) {
        // pkt-lines: 4 hex digits of length, then "have <id>"
        String text = new String(plainBody, StandardCharsets.ISO_8859_1);
        for (int i = text.indexOf("have "); i >= 0; i = text.indexOf("have ", i + 1)) {
            if (i >= 4 && text.substring(i - 4, i).matches("[0-9a-f]{4}")) {
                return false;
            }
        }
        return true;
    }

    /** Joins the generation running for {@code key}, or starts one (then the caller is its leader). */
    public Joined join(String key) throws IOException {
        return join(key, null);
    }

    /**
     * Joins the generation running for {@code key} or the whole answer kept for it, or starts one (then the caller is
     * its leader). {@code folder} names the repository, for {@link #invalidate(Path)}.
     */
    public Joined join(String key, Path folder) throws IOException {
        while (true) {
            Generation k;
            synchronized (kept) {
                k = kept.get(key);
            }
            if (k != null && k.follow()) {
                return new Joined(k, false);
            }
            Generation g = running.get(key);
            if (g == null) {
                Generation fresh = new Generation(key, folder == null ? null : folder.toAbsolutePath().normalize(),
                        Files.createTempFile(spoolDir, "pack-", ".spool"));
                g = running.putIfAbsent(key, fresh);
                if (g == null) {
                    return new Joined(fresh, true);
                }
                fresh.release();
            }
            if (g.follow()) {
                return new Joined(g, false);
            }
            // it ended just now: try again (start a new one or join a newer one)
        }
    }

    /** Generations running now. */
    public int running() {
        return running.size();
    }

    /** Whether whole answers are kept after their generation (a cache size was given). */
    public boolean keeps() {
        return keepBytes > 0;
    }

    /** Whole answers kept now. */
    public int kept() {
        synchronized (kept) {
            return kept.size();
        }
    }

    /** Bytes of the whole answers kept now. */
    public long keptBytes() {
        synchronized (kept) {
            return keptBytes;
        }
    }

    /** The refs of {@code folder} changed (a push): its kept answers go. */
    public void invalidate(Path folder) {
        Path f = folder.toAbsolutePath().normalize();
        List<Generation> gone = new ArrayList<>();
        synchronized (kept) {
            for (var it = kept.values().iterator(); it.hasNext();) {
                Generation g = it.next();
                if (f.equals(g.folder)) {
                    it.remove();
                    keptBytes -= g.size();
                    gone.add(g);
                    remember(f, g);
                }
            }
            // answers being generated now name the refs as they were: not kept when they end, prepared again if
            // in demand
            for (Generation g : running.values()) {
                if (f.equals(g.folder) && !g.outdated) {
                    g.outdated = true;
                    remember(f, g);
                }
            }
        }
        gone.forEach(Generation::dropStale);
    }

    /**
     * Removes the files of the answers {@link #invalidate} dropped (as soon as their last reader is done). Returns how
     * many it removed.
     */
    public int sweep() {
        int n = 0;
        for (Stale s; (s = stale.poll()) != null;) {
            staleBytes.addAndGet(-s.size());
            remove(s.file());
            n++;
        }
        return n;
    }

    /** Files of dropped answers waiting for {@link #sweep()}. */
    public int stale() {
        return stale.size();
    }

    private void retire(Path file, long size) {
        stale.add(new Stale(file, size));
        if (staleBytes.addAndGet(size) + keptBytes() > keepBytes) {
            sweep(); // stale files count in the cache size: pushes may come faster than repacks
        }
    }

    private static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not remove " + file, e);
        }
    }

    /** From now on, remember the recipes of answers in demand that a push drops, for {@link #takeRecipes}. */
    public void collectRecipes() {
        collectRecipes = true;
    }

    /** A recipe to prepare after a push, and when (System.nanoTime) a request was last answered from its pack. */
    public record Demand(PackRecipe recipe, long askedNanos) {
    }

    private void remember(Path folder, Generation g) {
        PackRecipe r = g.recipe();
        long asked = g.askedNanos();
        // in demand: answered to a request from another one's pack (a follower) lately; asked for once: not worth it
        if (!collectRecipes || r == null || asked == 0 || System.nanoTime() - asked > DEMAND.toNanos()) {
            return;
        }
        LinkedHashMap<String, Demand> mine = recipes.computeIfAbsent(folder, x -> new LinkedHashMap<>());
        mine.remove(g.key);
        mine.put(g.key, new Demand(r, asked));
        for (var it = mine.keySet().iterator(); mine.size() > MAX_RECIPES;) {
            it.next();
            it.remove();
        }
    }

    /** The recipes remembered for {@code folder}, forgotten here: answers worth preparing now. */
    public List<Demand> takeRecipes(Path folder) {
        synchronized (kept) {
            LinkedHashMap<String, Demand> mine = recipes.remove(folder.toAbsolutePath().normalize());
            return mine == null ? List.of() : List.copyOf(mine.values());
        }
    }

    /**
     * A generation for {@code key} that nobody asked for yet (a prepared answer), or null when one is kept or running
     * already. The caller is its leader.
     */
    public Generation prepare(String key, Path folder) throws IOException {
        synchronized (kept) {
            if (kept.containsKey(key)) {
                return null;
            }
        }
        Generation fresh = new Generation(key, folder.toAbsolutePath().normalize(),
                Files.createTempFile(spoolDir, "pack-", ".spool"));
        if (running.putIfAbsent(key, fresh) != null) {
            fresh.release();
            return null;
        }
        return fresh;
    }

    private void keep(Generation g) {
        if (staleBytes.get() > 0 && staleBytes.get() + keptBytes() + g.size() > keepBytes) {
            sweep(); // stale files go before answers still in use
        }
        List<Generation> gone = new ArrayList<>();
        synchronized (kept) {
            if (g.outdated) {
                gone.add(g); // a push came while it was generated
            } else {
                Generation old = kept.put(g.key, g);
                if (old != null) {
                    keptBytes -= old.size();
                    gone.add(old);
                }
                keptBytes += g.size();
                for (var it = kept.values().iterator(); it.hasNext() && (keptBytes > keepBytes
                        || kept.size() > MAX_KEPT);) {
                    Generation lru = it.next();
                    it.remove();
                    keptBytes -= lru.size();
                    gone.add(lru);
                }
            }
        }
        gone.forEach(Generation::drop);
    }

    /** One pack generation and its spool file; leader and followers each hold a reference. */
    public final class Generation {
        private final String key;
        private final Path folder;
        private final Path spool;
        private final RandomAccessFile file;
        private int refs = 1;
        private int followers;
        private long written;
        private boolean ended;
        private boolean ok;
        private String contentType;
        private boolean shareable = true;
        private boolean retained;
        private boolean sentByFile;
        private boolean stale;
        private PackRecipe recipe;
        /** When a follower last joined (System.nanoTime), 0 if none. */
        private long askedNanos;
        /** The refs changed while it was generated. Guarded by {@link #kept}. */
        private boolean outdated;

        private Generation(String key, Path folder, Path spool) throws IOException {
            this.key = key;
            this.folder = folder;
            this.spool = spool;
            this.file = new RandomAccessFile(spool.toFile(), "rw");
        }

        private synchronized boolean follow() {
            if (ended && !retained) {
                return false;
            }
            refs++;
            followers++;
            askedNanos = System.nanoTime() | 1; // never 0
            return true;
        }

        /** Leader: how to ask for this answer again after a push (a clone's), for {@link PackPreparer}. */
        public synchronized void recipe(PackRecipe r) {
            recipe(r, 0L);
        }

        /** Leader of a prepared answer: its recipe, and when its request was last asked for ({@link Demand}). */
        public synchronized void recipe(PackRecipe r, long lastAskedNanos) {
            recipe = r;
            askedNanos = lastAskedNanos;
        }

        private synchronized PackRecipe recipe() {
            return recipe;
        }

        private synchronized long askedNanos() {
            return askedNanos;
        }

        /** Followers that joined so far. */
        public synchronized int followers() {
            return followers;
        }

        /** The leader's answer is not a plain 200 pack: followers generate their own. */
        public synchronized void unshareable() {
            shareable = false;
            notifyAll();
        }

        /** The leader is about to send its first bytes with this content type. */
        public synchronized void started(String type) {
            contentType = type;
        }

        /** Leader: bytes it sent (or would have sent) to its client. */
        public void append(byte[] b, int off, int len) throws IOException {
            synchronized (this) {
                if (!shareable) {
                    return;
                }
                file.seek(written);
                file.write(b, off, len);
                written += len;
                notifyAll();
            }
        }

        /** Leader: the generation ended, whole ({@code ok}) or not. Ends sharing for later arrivals. */
        public void end(boolean whole) {
            end(whole, false);
        }

        /**
         * Leader: the generation ended, whole or not; a whole answer is kept for later identical requests when
         * {@code keep} and it fits the cache.
         */
        public void end(boolean whole, boolean keep) {
            boolean retain;
            synchronized (this) {
                ended = true;
                ok = whole && shareable;
                try {
                    file.close(); // written: readers open it themselves
                } catch (IOException e) {
                    LOG.log(Level.FINE, "could not close " + spool, e);
                }
                retain = ok && keep && written > 0 && written <= keepBytes;
                if (retain) {
                    retained = true;
                    refs++; // the cache's own reference
                }
                notifyAll();
            }
            if (retain) {
                keep(this);
            }
            running.remove(key, this);
            release();
        }

        synchronized long size() {
            return written;
        }

        /** Dropped by a push: as {@link #drop}, and the file waits for {@link #sweep()}. */
        private void dropStale() {
            synchronized (this) {
                stale = true;
            }
            drop();
        }

        /** Left the cache: no new followers; the file goes when the last reader is done. */
        private void drop() {
            synchronized (this) {
                if (!retained) {
                    return;
                }
                retained = false;
            }
            release();
        }

        /**
         * Follower: streams the leader's answer to {@code out} as it is written. Returns false, having sent nothing,
         * when the caller must generate its own pack; throws when the generation failed after bytes were sent.
         */
        public boolean streamTo(ResponseStarter response) throws IOException, InterruptedException {
            long sent = 0;
            byte[] buf = new byte[64 * 1024];
            OutputStream out = null;
            // each reader opens the file: a kept answer holds no open file of its own
            try (FileChannel in = FileChannel.open(spool, StandardOpenOption.READ)) {
                while (true) {
                    long available;
                    boolean done;
                    synchronized (this) {
                        while (written == sent && !ended && shareable) {
                            wait(TimeUnit.SECONDS.toMillis(1));
                        }
                        if (!shareable || (ended && !ok && sent == 0)) {
                            return false;
                        }
                        available = written;
                        done = ended;
                        if (out == null && available > 0) {
                            out = response.start(contentType);
                        }
                    }
                    while (sent < available) {
                        // positional reads: followers do not wait for each other, nor for the leader's writes
                        int n = in.read(
                                ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, available - sent)), sent);
                        if (n <= 0) {
                            throw new IOException("spool file of a shared pack ended early");
                        }
                        out.write(buf, 0, n);
                        sent += n;
                    }
                    if (out != null) {
                        out.flush();
                    }
                    if (done && sent == available) {
                        if (!ok) {
                            throw new IOException("the shared pack generation failed");
                        }
                        if (out == null) {
                            return false; // an empty answer: nothing to share
                        }
                        return true;
                    }
                }
            } finally {
                release();
            }
        }

        /**
         * Follower of a whole answer: hands its spool file to {@code sender} (the container's sendfile, no copy
         * through the JVM) and returns true; returns false, having done nothing and still holding its reference, while
         * the answer is not complete: then {@link #streamTo} it.
         */
        public boolean sendWhole(WholeSender sender) throws IOException {
            long size;
            String type;
            synchronized (this) {
                if (!ended || !ok || written == 0) {
                    return false;
                }
                size = written;
                type = contentType;
                sentByFile = true;
            }
            try {
                sender.send(spool, size, type);
            } finally {
                release();
            }
            return true;
        }

        private void release() {
            boolean last;
            boolean later;
            boolean swept;
            synchronized (this) {
                last = --refs == 0;
                later = sentByFile;
                swept = stale;
            }
            if (last) {
                try {
                    file.close();
                } catch (IOException e) {
                    LOG.log(Level.FINE, "could not close " + spool, e);
                }
                if (later) {
                    // the container opens the file after the request returned: give it time to (an open file stays
                    // readable after it is removed)
                    CompletableFuture.runAsync(swept ? () -> retire(spool, size()) : () -> remove(spool),
                            CompletableFuture.delayedExecutor(FILE_GRACE_SECONDS, TimeUnit.SECONDS));
                } else if (swept) {
                    retire(spool, size());
                } else {
                    remove(spool);
                }
            }
        }

        @Override
        public String toString() {
            return "shared pack " + key.substring(0, 12);
        }
    }

    /** How a follower sends a whole answer's file, e.g. with Tomcat's sendfile. */
    @FunctionalInterface
    public interface WholeSender {
        void send(Path file, long size, String contentType) throws IOException;
    }

    /** How a follower starts its response once the first bytes are there. */
    @FunctionalInterface
    public interface ResponseStarter {
        OutputStream start(String contentType) throws IOException;
    }
}
