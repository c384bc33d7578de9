package cairn.vcs.git;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 */
public final class SharedPacks {
    private static final Logger LOG = Logger.getLogger(SharedPacks.class.getName());

    private final Path spoolDir;
    private final Map<String, Generation> running = new ConcurrentHashMap<>();

    public SharedPacks(Path spoolDir) throws IOException {
        this.spoolDir = Files.createDirectories(spoolDir);
        try (var old = Files.newDirectoryStream(spoolDir, "pack-*.spool")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The key of a request: repository folder, headers that shape the answer, and the SHA-256 of the body. */
    public static String key(Path folder, String gitProtocol, String contentEncoding, String acceptEncoding,
            byte[] body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {folder.toAbsolutePath().normalize().toString(), gitProtocol,
                    contentEncoding, acceptEncoding}) {
                d.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            d.update(body);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A generation joined: as its leader (who must generate the pack) or as a follower. */
    public record Joined(Generation generation, boolean leader) {
    }

    /** Joins the generation running for {@code key}, or starts one (then the caller is its leader). */
    public Joined join(String key) throws IOException {
        while (true) {
            Generation g = running.get(key);
            if (g == null) {
                Generation fresh = new Generation(key, Files.createTempFile(spoolDir, "pack-", ".spool"));
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

    /** One pack generation and its spool file; leader and followers each hold a reference. */
    public final class Generation {
        private final String key;
        private final Path spool;
        private final RandomAccessFile file;
        private int refs = 1;
        private int followers;
        private long written;
        private boolean ended;
        private boolean ok;
        private String contentType;
        private boolean shareable = true;

        private Generation(String key, Path spool) throws IOException {
            this.key = key;
            this.spool = spool;
            this.file = new RandomAccessFile(spool.toFile(), "rw");
        }

        private synchronized boolean follow() {
            if (ended) {
                return false;
            }
            refs++;
            followers++;
            return true;
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
            running.remove(key, this);
            synchronized (this) {
                ended = true;
                ok = whole && shareable;
                notifyAll();
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
            try {
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
                        int n;
                        synchronized (this) {
                            file.seek(sent);
                            n = file.read(buf, 0, (int) Math.min(buf.length, available - sent));
                        }
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

        private void release() {
            boolean last;
            synchronized (this) {
                last = --refs == 0;
            }
            if (last) {
                try {
                    file.close();
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    LOG.log(Level.FINE, "could not remove " + spool, e);
                }
            }
        }

        @Override
        public String toString() {
            return "shared pack " + key.substring(0, 12);
        }
    }

    /** How a follower starts its response once the first bytes are there. */
    @FunctionalInterface
    public interface ResponseStarter {
        OutputStream start(String contentType) throws IOException;
    }
}
