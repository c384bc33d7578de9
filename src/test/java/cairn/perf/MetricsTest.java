package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.eclipse.jgit.storage.file.WindowCacheConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.config.ConfigException;
import cairn.config.Settings;
import cairn.metrics.GitMetrics;
import cairn.metrics.GitMetrics.Kind;
import cairn.metrics.GitMetrics.Refusal;
import cairn.vcs.git.ByteSize;
import cairn.vcs.git.GitServing;

/** Metrics text and JMX, and the cache settings read from the ini. */
class MetricsTest {
    @TempDir
    Path tmp;

    @Test
    void prometheusTextNamesEveryMetric() {
        GitMetrics m = new GitMetrics();
        m.packGauges(() -> 3, () -> 7);
        m.packBytes(1000);
        m.packBytes(24);
        m.packServed(true);
        m.packServed(false);
        m.packServed(false);
        m.packShared();
        m.packPrepared();
        m.packPrepared();
        m.pushed();
        m.refused(Refusal.QUEUE_FULL);
        m.refused(Refusal.TIMEOUT);
        m.refused(Refusal.TIMEOUT);
        m.gcRun(1.5, true);
        m.gcRun(0.5, false);
        for (int i = 1; i <= 100; i++) {
            m.latency(Kind.UPLOAD_PACK, i * 10_000_000L);
        }
        String text = m.prometheus();
        for (String line : new String[] {"cairn_git_packs_active 3", "cairn_git_packs_queued 7",
                "cairn_git_pack_bytes_sent_total 1024", "cairn_git_clones_total 1", "cairn_git_fetches_total 2",
                "cairn_git_pushes_total 1", "cairn_git_packs_shared_total 1", "cairn_git_packs_prepared_total 2",
                "cairn_git_pack_rejected_total{reason=\"queue_full\"} 1",
                "cairn_git_pack_rejected_total{reason=\"timeout\"} 2", "cairn_git_gc_runs_total 2",
                "cairn_git_gc_failures_total 1", "cairn_git_gc_seconds_total 2.0",
                "cairn_git_request_seconds_count{kind=\"upload_pack\"} 100",
                "cairn_git_request_seconds{kind=\"upload_pack\",quantile=\"0.5\"} 0.5",
                "cairn_git_request_seconds{kind=\"upload_pack\",quantile=\"0.99\"} 0.99",
                "cairn_git_request_seconds_count{kind=\"info_refs\"} 0",
                "# TYPE cairn_git_request_seconds summary"}) {
            assertTrue(text.lines().anyMatch(l -> l.equals(line)), "missing '" + line + "' in\n" + text);
        }
        // every sample line is "name{labels} value"
        text.lines().filter(l -> !l.startsWith("#"))
                .forEach(l -> assertTrue(l.matches("[a-z_]+(\\{[^}]*\\})? (NaN|[0-9.E-]+)"), l));
    }

    @Test
    void jmxShowsTheSameNumbers() throws Exception {
        GitMetrics m = new GitMetrics();
        m.pushed();
        m.packBytes(42);
        m.packPrepared();
        m.registerJmx("/perf-test");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("cairn:type=Git,context=" + ObjectName.quote("/perf-test"));
        try {
            assertEquals(1L, server.getAttribute(name, "Pushes"));
            assertEquals(42L, server.getAttribute(name, "PackBytesSent"));
            assertEquals(1L, server.getAttribute(name, "PacksPrepared"));
            // a second registration of the same context replaces the first
            GitMetrics again = new GitMetrics();
            again.registerJmx("/perf-test");
            assertEquals(0L, server.getAttribute(name, "Pushes"));
            again.unregisterJmx();
        } finally {
            m.unregisterJmx();
        }
        assertTrue(!server.isRegistered(name));
    }

    @Test
    void sizesTakeSuffixes() {
        assertEquals(256L << 20, ByteSize.parse("256m"));
        assertEquals(256L << 20, ByteSize.parse("256 MiB"));
        assertEquals(10L << 10, ByteSize.parse("10k"));
        assertEquals(2L << 30, ByteSize.parse("2G"));
        assertEquals(12345, ByteSize.parse("12345"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-1m"));
    }

    @Test
    void cacheSettingsComeFromTheIni() throws Exception {
        WindowCacheConfig defaults = GitServing.cacheConfig(Settings.defaults());
        assertEquals(GitServing.autoWindowCache(Runtime.getRuntime().maxMemory()), defaults.getPackedGitLimit());
        assertEquals(128L << 20, GitServing.autoWindowCache(512L << 20), "a quarter of -Xmx512m");
        assertEquals(32L << 20, GitServing.autoWindowCache(64L << 20), "never below 32 MiB");
        assertEquals(128, defaults.getPackedGitOpenFiles());
        assertEquals(32 << 20, defaults.getDeltaBaseCacheLimit());
        assertEquals(50 << 20, defaults.getStreamFileThreshold());

        Path ini = tmp.resolve("c.ini");
        Files.writeString(ini, """
                [git]
                window_cache_bytes = 1g
                packed_git_open_files = 400
                delta_base_cache_bytes = 64m
                stream_file_threshold = 8m
                packed_git_mmap = true
                """);
        WindowCacheConfig c = GitServing.cacheConfig(Settings.of(ini, Map.of()));
        assertEquals(1L << 30, c.getPackedGitLimit());
        assertEquals(400, c.getPackedGitOpenFiles());
        assertEquals(64 << 20, c.getDeltaBaseCacheLimit());
        assertEquals(8 << 20, c.getStreamFileThreshold());
        assertTrue(c.isPackedGitMMAP());

        Files.writeString(ini, "[git]\nwindow_cache_bytes = huge\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> GitServing.cacheConfig(Settings.of(ini, Map.of())));
        assertTrue(e.getMessage().contains("window_cache_bytes"), e.getMessage());
    }
}
