package cairn.metrics;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Counters of the Git endpoint: pack generations running and waiting, bytes of packs sent, clones, fetches, pushes,
 * refusals, background repacks and request latency by kind. Shown over JMX ({@code cairn:type=Git}) and as
 * Prometheus text ({@link #prometheus()}, served by {@link MetricsServlet}).
 */
public final class GitMetrics implements GitMetricsMBean {
    private static final Logger LOG = Logger.getLogger(GitMetrics.class.getName());

    /** The kinds of Git request whose latency is summarised. */
    public enum Kind {
        INFO_REFS, UPLOAD_PACK, RECEIVE_PACK, PACK_QUEUE_WAIT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a pack generation was refused with 503. */
    public enum Refusal {
        QUEUE_FULL, TIMEOUT
    }

    private final LongAdder packBytes = new LongAdder();
    private final LongAdder clones = new LongAdder();
    private final LongAdder fetches = new LongAdder();
    private final LongAdder pushes = new LongAdder();
    private final LongAdder shared = new LongAdder();
    private final LongAdder prepared = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder gcRuns = new LongAdder();
    private final LongAdder gcFailures = new LongAdder();
    private final DoubleAdder gcSeconds = new DoubleAdder();
    private final Map<Kind, Summary> latency = new EnumMap<>(Kind.class);
    private volatile IntSupplier active = () -> 0;
    private volatile IntSupplier queued = () -> 0;
    private volatile IntSupplier gcPending = () -> 0;
    private ObjectName registered;

    public GitMetrics() {
        for (Kind k : Kind.values()) {
            latency.put(k, new Summary());
        }
    }

    /** Where the gauges of running and waiting pack generations come from. */
    public void packGauges(IntSupplier activePacks, IntSupplier queuedPacks) {
        this.active = activePacks;
        this.queued = queuedPacks;
    }

    /** Where the gauge of background repacks scheduled or running comes from. */
    public void gcGauge(IntSupplier pendingRepacks) {
        this.gcPending = pendingRepacks;
    }

    public void packBytes(long n) {
        packBytes.add(n);
    }

    /** A pack was sent: a clone when the client said it had nothing, else a fetch. */
    public void packServed(boolean clone) {
        (clone ? clones : fetches).increment();
    }

    /** A request was answered from an identical request's pack generation. */
    public void packShared() {
        shared.increment();
    }

    /** A clone's answer was prepared after a repack, before anybody asked for it. */
    public void packPrepared() {
        prepared.increment();
    }

    public void pushed() {
        pushes.increment();
    }

    public void refused(Refusal why) {
        (why == Refusal.QUEUE_FULL ? queueFull : timedOut).increment();
    }

    public void gcRun(double seconds, boolean ok) {
        gcRuns.increment();
        gcSeconds.add(seconds);
        if (!ok) {
            gcFailures.increment();
        }
    }

    public void latency(Kind kind, long nanos) {
        latency.get(kind).observe(nanos / 1e9);
    }

    /** Registers with the platform MBean server as {@code cairn:type=Git} (plus the context path, if any). */
    public void registerJmx(String contextPath) {
        try {
            ObjectName name = new ObjectName("cairn:type=Git" + (contextPath == null || contextPath.isEmpty() ? ""
                    : ",context=" + ObjectName.quote(contextPath)));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                // left behind by an earlier deployment of the same context that did not stop cleanly
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
            registered = name;
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not register the Git metrics with JMX", e);
        }
    }

    public void unregisterJmx() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException | RuntimeException e) {
                LOG.log(Level.FINE, "could not unregister " + registered, e);
            }
            registered = null;
        }
    }

    /** Everything, in the Prometheus text exposition format (version 0.0.4). */
    public String prometheus() {
        StringBuilder b = new StringBuilder(2048);
        gauge(b, "cairn_git_packs_active", "Pack generations (upload-pack POSTs) running now", getActivePacks());
        gauge(b, "cairn_git_packs_queued", "Pack generations waiting for a slot", getQueuedPacks());
        counter(b, "cairn_git_pack_bytes_sent_total", "Bytes of upload-pack responses sent", getPackBytesSent());
        counter(b, "cairn_git_clones_total", "Packs sent to clients that had nothing (clones)", getClones());
        counter(b, "cairn_git_fetches_total", "Packs sent to clients that had something (fetches)", getFetches());
        counter(b, "cairn_git_pushes_total", "Pushes received", getPushes());
        counter(b, "cairn_git_packs_shared_total",
                "Upload-packs answered from an identical concurrent request's pack ([git] shared_packs)",
                getPacksShared());
        counter(b, "cairn_git_packs_prepared_total",
                "Clone answers prepared after a background repack, before any request ([git] pack_cache_bytes)",
                getPacksPrepared());
        head(b, "cairn_git_pack_rejected_total", "Pack generations refused with 503", "counter");
        b.append("cairn_git_pack_rejected_total{reason=\"queue_full\"} ").append(getRejectedQueueFull()).append('\n');
        b.append("cairn_git_pack_rejected_total{reason=\"timeout\"} ").append(getRejectedTimeout()).append('\n');
        gauge(b, "cairn_git_gc_pending", "Background repacks scheduled or running now", getGcPending());
        counter(b, "cairn_git_gc_runs_total", "Background repacks run", getGcRuns());
        counter(b, "cairn_git_gc_failures_total", "Background repacks that failed", getGcFailures());
        head(b, "cairn_git_gc_seconds_total", "Time spent in background repacks", "counter");
        b.append("cairn_git_gc_seconds_total ").append(num(getGcSeconds())).append('\n');
        head(b, "cairn_git_request_seconds", "Git request latency by kind (quantiles over the last "
                + Summary.WINDOW + " requests of each kind)", "summary");
        for (Map.Entry<Kind, Summary> e : latency.entrySet()) {
            String kind = "kind=\"" + e.getKey().label() + "\"";
            Summary s = e.getValue();
            double[] q = s.quantiles();
            for (int i = 0; i < q.length; i++) {
                b.append("cairn_git_request_seconds{").append(kind).append(",quantile=\"")
                        .append(Summary.QUANTILES[i]).append("\"} ").append(num(q[i])).append('\n');
            }
            b.append("cairn_git_request_seconds_sum{").append(kind).append("} ").append(num(s.sum())).append('\n');
            b.append("cairn_git_request_seconds_count{").append(kind).append("} ").append(s.count()).append('\n');
        }
        return b.toString();
    }

    private static void head(StringBuilder b, String name, String help, String type) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        head(b, name, help, "gauge");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        head(b, name, help, "counter");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "NaN" : Double.toString(d);
    }

    @Override
    public int getActivePacks() {
        return active.getAsInt();
    }

    @Override
    public int getQueuedPacks() {
        return queued.getAsInt();
    }

    @Override
    public long getPackBytesSent() {
        return packBytes.sum();
    }

    @Override
    public long getClones() {
        return clones.sum();
    }

    @Override
    public long getFetches() {
        return fetches.sum();
    }

    @Override
    public long getPacksShared() {
        return shared.sum();
    }

    @Override
    public long getPacksPrepared() {
        return prepared.sum();
    }

    @Override
    public long getPushes() {
        return pushes.sum();
    }

    @Override
    public long getRejectedQueueFull() {
        return queueFull.sum();
    }

    @Override
    public long getRejectedTimeout() {
        return timedOut.sum();
    }

    @Override
    public int getGcPending() {
        return gcPending.getAsInt();
    }

    @Override
    public long getGcRuns() {
        return gcRuns.sum();
    }

    @Override
    public long getGcFailures() {
        return gcFailures.sum();
    }

    @Override
    public double getGcSeconds() {
        return gcSeconds.sum();
    }

    @Override
    public long getUploadPackRequests() {
        return latency.get(Kind.UPLOAD_PACK).count();
    }

    @Override
    public double getUploadPackMeanSeconds() {
        Summary s = latency.get(Kind.UPLOAD_PACK);
        return s.count() == 0 ? 0 : s.sum() / s.count();
    }
}
