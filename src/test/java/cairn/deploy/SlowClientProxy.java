package cairn.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow client's network, on 127.0.0.1: a TCP relay in front of Apache whose downstream direction (server to client)
 * reads at most {@code bytesPerSecond}, or stops reading altogether once {@link #pauseAfter} bytes went through. The
 * real git client then clones through it as if over a slow link, while Apache and Tomcat see a client that reads
 * slowly (their writes block, as with a real slow client; no buffer in front of them grows).
 */
final class SlowClientProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong downstream = new AtomicLong();
    private final Object lock = new Object();
    private long bytesPerSecond; // <= 0: as fast as the client reads
    private long pauseAt = Long.MAX_VALUE;
    private int waitingInPause;

    SlowClientProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        threads.submit(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes relayed from the server to the client so far (all connections). */
    long downstreamBytes() {
        return downstream.get();
    }

    void limit(long bytesPerSecond) {
        synchronized (lock) {
            this.bytesPerSecond = bytesPerSecond;
            lock.notifyAll();
        }
    }

    /** Stops reading from the server once this many bytes (in total) went downstream. */
    void pauseAfter(long bytes) {
        synchronized (lock) {
            this.pauseAt = bytes;
            lock.notifyAll();
        }
    }

    /** True while a downstream relay waits in the pause, i.e. the server side has stopped being read. */
    boolean paused() {
        synchronized (lock) {
            return waitingInPause > 0;
        }
    }

    /** Full speed, no pause. */
    void release() {
        synchronized (lock) {
            bytesPerSecond = 0;
            pauseAt = Long.MAX_VALUE;
            lock.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                AtomicInteger open = new AtomicInteger(2);
                threads.submit(() -> relay(client, upstream, false, open));
                threads.submit(() -> relay(upstream, client, true, open));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies one direction; half-closes on end of stream; the second direction to end closes both sockets. */
    private void relay(Socket from, Socket to, boolean down, AtomicInteger open) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int chunk = buf.length;
                if (down) {
                    chunk = awaitTurn(buf.length);
                }
                int n = in.read(buf, 0, chunk);
                if (n < 0) {
                    to.shutdownOutput();
                    if (open.decrementAndGet() == 0) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                if (down) {
                    downstream.addAndGet(n);
                    throttle(n);
                }
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Waits while paused; returns how many bytes the next read may take at the current rate. */
    private int awaitTurn(int max) throws InterruptedException {
        synchronized (lock) {
            while (downstream.get() >= pauseAt) {
                waitingInPause++;
                try {
                    lock.wait();
                } finally {
                    waitingInPause--;
                }
            }
            return bytesPerSecond > 0 ? (int) Math.max(1024, Math.min(max, bytesPerSecond / 20)) : max;
        }
    }

    /** The rate limit itself: after n bytes, waits n/rate seconds (cut short when the limit changes). */
    private void throttle(int n) throws InterruptedException {
        synchronized (lock) {
            long rate = bytesPerSecond;
            if (rate <= 0) {
                return;
            }
            long until = System.nanoTime() + n * 1_000_000_000L / rate;
            long left;
            while (bytesPerSecond == rate && (left = until - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }
}
