package cairn.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency summary in the Prometheus sense: count and sum since start, plus quantiles over the most recent
 * observations (a ring of {@value #WINDOW} samples), cheap enough to record on every request.
 */
public final class Summary {
    static final int WINDOW = 1024;
    static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();
    private final double[] ring = new double[WINDOW];
    private int next;
    private int filled;

    public void observe(double seconds) {
        count.increment();
        sum.add(seconds);
        synchronized (ring) {
            ring[next] = seconds;
            next = (next + 1) % WINDOW;
            filled = Math.min(filled + 1, WINDOW);
        }
    }

    public long count() {
        return count.sum();
    }

    public double sum() {
        return sum.sum();
    }

    /** The quantiles {@link #QUANTILES} of the recent window (NaN when nothing was observed yet). */
    public double[] quantiles() {
        double[] recent;
        synchronized (ring) {
            recent = Arrays.copyOf(ring, filled);
        }
        double[] q = new double[QUANTILES.length];
        if (recent.length == 0) {
            Arrays.fill(q, Double.NaN);
            return q;
        }
        Arrays.sort(recent);
        for (int i = 0; i < q.length; i++) {
            int rank = (int) Math.ceil(QUANTILES[i] * recent.length) - 1;
            q[i] = recent[Math.max(0, Math.min(recent.length - 1, rank))];
        }
        return q;
    }
}
