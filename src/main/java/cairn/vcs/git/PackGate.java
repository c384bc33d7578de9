package cairn.vcs.git;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for pack generation: at most {@code slots} upload-pack requests run at once; up to
 * {@code maxQueued} more wait in a fair, first-come-first-served line for at most {@code timeout}; anything beyond is
 * refused at once. Only pack generations pass through here, so ref advertisements, pushes, the UI and the API never
 * wait behind a storm of clones.
 */
public final class PackGate {
    /** The outcome of {@link #enter()}. */
    public enum Outcome {
        ADMITTED, QUEUE_FULL, TIMED_OUT
    }

    /** A slot held by one request; {@link #close()} gives it back (once; later calls do nothing). */
    public final class Ticket implements AutoCloseable {
        private final Outcome outcome;
        private final long waitedNanos;
        private final AtomicBoolean held;

        private Ticket(Outcome outcome, long waitedNanos) {
            this.outcome = outcome;
            this.waitedNanos = waitedNanos;
            this.held = new AtomicBoolean(outcome == Outcome.ADMITTED);
        }

        public Outcome outcome() {
            return outcome;
        }

        public boolean admitted() {
            return outcome == Outcome.ADMITTED;
        }

        /** How long the request waited in line. */
        public long waitedNanos() {
            return waitedNanos;
        }

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                slots.release();
            }
        }
    }

    private final int size;
    private final int maxQueued;
    private final long timeoutNanos;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();

    public PackGate(int slots, int maxQueued, Duration timeout) {
        if (slots < 1) {
            throw new IllegalArgumentException("at least one pack slot is needed");
        }
        this.size = slots;
        this.maxQueued = Math.max(0, maxQueued);
        this.timeoutNanos = Math.max(0, timeout.toNanos());
        // fair: waiters are served in arrival order, and a newcomer never jumps the line
        this.slots = new Semaphore(slots, true);
    }

    /** Waits for a slot (in line, up to the timeout) or refuses; the caller must close an admitted ticket. */
    public Ticket enter() throws InterruptedException {
        long start = System.nanoTime();
        // the timed form honours fairness (plain tryAcquire() would barge ahead of those waiting)
        if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            return new Ticket(Outcome.ADMITTED, 0);
        }
        if (waiting.incrementAndGet() > maxQueued) {
            waiting.decrementAndGet();
            return new Ticket(Outcome.QUEUE_FULL, 0);
        }
        try {
            boolean got = slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            return new Ticket(got ? Outcome.ADMITTED : Outcome.TIMED_OUT, System.nanoTime() - start);
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Pack generations running now. */
    public int active() {
        return size - slots.availablePermits();
    }

    /** Requests waiting in line now. */
    public int queued() {
        return waiting.get();
    }

    public int slots() {
        return size;
    }

    public int maxQueued() {
        return maxQueued;
    }

    /** Seconds a refused client is told to wait ({@code Retry-After}): the queue timeout, between 1 and 60. */
    public long retryAfterSeconds() {
        return Math.max(1, Math.min(60, TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)));
    }
}
