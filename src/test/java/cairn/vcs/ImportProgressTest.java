package cairn.vcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

class ImportProgressTest {
    @Test
    void recordsTheCurrentTaskAndFinishedOnes() {
        ImportProgress p = new ImportProgress();
        assertEquals("", p.snapshot().line());
        p.start(3);
        p.beginTask("Counting objects", ProgressMonitor.UNKNOWN);
        p.update(7);
        p.update(5);
        assertEquals("Counting objects: 12", p.snapshot().line());
        assertEquals(-1, p.snapshot().percent());
        p.beginTask("Receiving objects", 5000); // a new task ends the one before
        p.update(1234);
        ImportProgress.Snapshot s = p.snapshot();
        assertEquals("Receiving objects", s.task());
        assertEquals(1234, s.done());
        assertEquals(5000, s.total());
        assertEquals(24, s.percent());
        assertEquals("Receiving objects: 1234 / 5000 (24%)", s.line());
        assertEquals(List.of("Counting objects: 12"), s.finished());
        p.update(3766);
        p.endTask();
        s = p.snapshot();
        assertNull(s.task());
        assertEquals("", s.line());
        assertEquals(List.of("Counting objects: 12", "Receiving objects: 5000 / 5000 (100%)"), s.finished());
        p.update(10); // outside a task: ignored
        assertEquals(0, p.snapshot().done());
    }

    @Test
    void keepsALimitedNumberOfFinishedLines() {
        ImportProgress p = new ImportProgress();
        for (int i = 0; i < 50; i++) {
            p.beginTask("task " + i, 1);
            p.update(1);
            p.endTask();
        }
        List<String> finished = p.snapshot().finished();
        assertEquals(ImportProgress.MAX_FINISHED, finished.size());
        assertEquals("task 49: 1 / 1 (100%)", finished.get(finished.size() - 1));
    }

    @Test
    void percentNeverPassesAHundredNorOverflows() {
        ImportProgress p = new ImportProgress();
        p.beginTask("Resolving deltas", 10);
        p.update(25);
        assertEquals(100, p.snapshot().percent());
        p.beginTask("Receiving objects", Integer.MAX_VALUE);
        p.update(Integer.MAX_VALUE);
        p.update(Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, p.snapshot().done());
        assertEquals(100, p.snapshot().percent());
    }

    @Test
    void readersSeeConsistentSnapshotsWhileOneThreadWrites() throws Exception {
        ImportProgress p = new ImportProgress();
        int total = 200_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            p.beginTask("Receiving objects", total);
            for (int i = 0; i < total; i++) {
                p.update(1);
            }
            p.endTask();
        });
        writer.start();
        int last = 0;
        while (writer.isAlive()) {
            ImportProgress.Snapshot s = p.snapshot();
            if (s.task() != null) {
                if (s.done() < last || s.done() > s.total() || s.total() != total) {
                    failure.set(new AssertionError("inconsistent: " + s));
                }
                last = s.done();
                assertEquals(ImportProgress.Snapshot.line("Receiving objects", s.done(), total), s.line());
            }
        }
        writer.join();
        assertNull(failure.get());
        assertEquals(List.of("Receiving objects: 200000 / 200000 (100%)"), p.snapshot().finished());
    }

    @Test
    void cancellingIsSeenByTheFetch() {
        ImportProgress p = new ImportProgress();
        assertFalse(p.isCancelled());
        p.cancel();
        assertTrue(p.isCancelled());
    }

    @Test
    void failuresAreExplainedInWordsWithoutTheUrl() throws Exception {
        URIish uri = new URIish("http://bob:secret@example.org/r.git");
        assertEquals("authentication failed",
                RepoImporter.explain(new TransportException(uri, "not authorized")));
        assertEquals("authentication failed", RepoImporter.explain(new TransportException(uri,
                "Authentication is required but no CredentialsProvider has been registered")));
        assertEquals("host not found", RepoImporter.explain(new TransportException(uri.toString(),
                new UnknownHostException("example.org"))));
        assertEquals("connection refused", RepoImporter.explain(new TransportException(uri.toString(),
                new java.net.ConnectException("Connection refused"))));
        assertEquals("not a Git repository (nothing found at that URL)",
                RepoImporter.explain(new NoRemoteRepositoryException(uri, "http://example.org/r.git not found")));
        assertEquals("not a Git repository", RepoImporter.explain(new TransportException(uri,
                "expected Content-Type application/x-git-upload-pack-advertisement; received Content-Type text/html")));
        String other = RepoImporter.explain(new IOException("http://bob:secret@example.org/r.git: odd failure"));
        assertEquals("odd failure", other);
    }
}
