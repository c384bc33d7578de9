package cairn.vcs;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * What a running fetch has done, as JGit reports it ("Receiving objects", "Resolving deltas", the remote's "Counting
 * objects"...): written by the fetching thread, read by any other through {@link #snapshot()}. Cancelling makes JGit
 * stop at its next check.
 */
public final class ImportProgress implements ProgressMonitor {
    /** At most this many finished task lines are kept (a remote may report many small tasks). */
    static final int MAX_FINISHED = 20;

    /** One moment of the progress: the current task (null between tasks) and the lines of the finished ones. */
    public record Snapshot(String task, int done, int total, List<String> finished) {
        /** The current task as a line: "Receiving objects: 1234 / 5000 (24%)", or "Counting objects: 1234". */
        public String line() {
            return task == null ? "" : line(task, done, total);
        }

        /** Percent of the current task, or -1 when its total is unknown. */
        public int percent() {
            return percent(done, total);
        }

        static int percent(int done, int total) {
            if (total <= 0) {
                return -1;
            }
            return (int) Math.min(100, (long) done * 100 / total);
        }

        static String line(String task, int done, int total) {
            return total > 0 ? task + ": " + done + " / " + total + " (" + percent(done, total) + "%)"
                    : task + ": " + done;
        }
    }

    private String task;
    private int done;
    private int total;
    private final List<String> finished = new ArrayList<>();
    private volatile boolean cancelled;

    @Override
    public void start(int totalTasks) {
        // the number of tasks is not shown
    }

    @Override
    public synchronized void beginTask(String title, int totalWork) {
        finishCurrent();
        task = title;
        done = 0;
        total = totalWork == UNKNOWN ? 0 : Math.max(0, totalWork);
    }

    @Override
    public synchronized void update(int completed) {
        if (task != null && completed > 0) {
            done = (int) Math.min(Integer.MAX_VALUE, (long) done + completed);
        }
    }

    @Override
    public synchronized void endTask() {
        finishCurrent();
    }

    private void finishCurrent() {
        if (task == null) {
            return;
        }
        if (finished.size() == MAX_FINISHED) {
            finished.remove(0);
        }
        finished.add(Snapshot.line(task, done, total));
        task = null;
        done = 0;
        total = 0;
    }

    @Override
    public boolean isCancelled() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    /** Asks the fetch to stop. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public void showDuration(boolean enabled) {
        // durations are not shown
    }

    /** A consistent copy of the progress, safe to read from any thread. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(task, done, total, List.copyOf(finished));
    }
}
