package cairn.vcs;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import cairn.auth.Perms;
import cairn.auth.User;
import cairn.vcs.RepoService.NewRepo;
import cairn.vcs.RepoService.Refusal;

/**
 * Imports from a remote URL running in the background (the web UI's "new repository" with a clone URI), and pulls
 * into an existing repository (its settings' "Pull from"): a small
 * bounded pool, each job's progress recorded from JGit, readable by the user who started it and by super-admins. The
 * repository itself is made by {@link RepoService#create(User, NewRepo, String, org.eclipse.jgit.lib.ProgressMonitor)},
 * the same rules and path as the API's synchronous create_repo: it gets its name and row only once the import
 * succeeded, and a failure leaves nothing. Jobs live in this process's memory for {@link #KEEP} after they end.
 */
public final class ImportJobs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ImportJobs.class.getName());
    /** How long a finished job stays readable. */
    static final Duration KEEP = Duration.ofHours(1);
    /** At most this many jobs (running and finished) are remembered; the oldest finished go first. */
    static final int MAX_JOBS = 200;

    public enum State {
        QUEUED, RUNNING, DONE, FAILED;

        public boolean finished() {
            return this == DONE || this == FAILED;
        }
    }

    /** What a job does: make a new repository from a URL, or pull into an existing one. */
    public enum Kind {
        IMPORT, PULL
    }

    /** What a job looks like at one moment. {@code url} has its password hidden. */
    public record View(String id, Kind kind, String repo, String url, State state, ImportProgress.Snapshot progress,
            String error, Instant started, Instant finished) {
    }

    private static final class Job {
        final String id;
        final Kind kind;
        final long ownerId;
        final String repo;
        final String url;
        final Instant started;
        final ImportProgress progress = new ImportProgress();
        volatile State state = State.QUEUED;
        volatile String error;
        volatile Instant finished;
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        Job(String id, Kind kind, long ownerId, String repo, String url, Instant started) {
            this.id = id;
            this.kind = kind;
            this.ownerId = ownerId;
            this.repo = repo;
            this.url = url;
            this.started = started;
        }

        View view() {
            return new View(id, kind, repo, url, state, progress.snapshot(), error, started, finished);
        }
    }

    private final RepoService repos;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** {@code threads} imports run at once, {@code queued} more wait; beyond that a start is refused. */
    public ImportJobs(RepoService repos, RepoStore store, int threads, int queued, Clock clock) {
        this.repos = repos;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                r -> {
                    Thread t = new Thread(r, "cairn-import-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        store.cleanStaging(Duration.ofDays(1));
    }

    /**
     * Checks the rules (where the caller may create, the name, the URL) at once, then starts importing
     * {@code spec.cloneUri()} as {@code spec.name()} in the background; returns the job's id (unguessable).
     */
    public String start(User actor, Perms perms, NewRepo spec, String ip) throws Refusal {
        if (spec.cloneUri() == null || spec.cloneUri().isBlank()) {
            throw new Refusal("failed to create repository", "no URL to import from");
        }
        repos.checkCreateLocation(perms, spec.name());
        repos.checkCreatable(spec);
        return submit(Kind.IMPORT, actor, spec.name(), RepoImporter.hidePassword(spec.cloneUri()),
                job -> repos.create(actor, spec, ip, job.progress));
    }

    /**
     * Pulls into {@code repo} in the background, as {@link RepoService#pull(User, Repo, String, String)} does (from
     * its clone URI, else its fork origin); the caller has checked that {@code actor} may. Returns the job's id.
     */
    public String startPull(User actor, Repo repo, String ip) throws Refusal {
        String from = repo.cloneUri() != null && !repo.cloneUri().isEmpty()
                ? RepoImporter.hidePassword(repo.cloneUri())
                : repo.forkId() == null ? null : repos.byId(repo.forkId()).map(Repo::name).orElse(null);
        if (from == null) {
            throw new Refusal("Unable to pull changes from `" + repo.name() + "`",
                    "nothing to pull from: no clone URI, and not a fork");
        }
        return submit(Kind.PULL, actor, repo.name(), from, job -> repos.pull(actor, repo, null, ip, job.progress));
    }

    @FunctionalInterface
    private interface Work {
        void run(Job job) throws Refusal;
    }

    private String submit(Kind kind, User actor, String repo, String url, Work work) throws Refusal {
        Job job;
        synchronized (jobs) {
            purge();
            for (Job j : jobs.values()) {
                if (!j.state.finished() && j.repo.equals(repo)) {
                    throw new Refusal("failed to " + (kind == Kind.PULL ? "pull into " : "create repository ") + repo,
                            repo + (j.kind == Kind.PULL ? " is being pulled into already" : " is being imported already"));
                }
            }
            byte[] b = new byte[16];
            random.nextBytes(b);
            Job created = new Job(HexFormat.of().formatHex(b), kind, actor.id(), repo, url, clock.instant());
            job = created;
            try {
                pool.execute(() -> run(created, work));
            } catch (RejectedExecutionException e) {
                throw new Refusal("failed to " + (kind == Kind.PULL ? "pull into " : "create repository ") + repo,
                        "too many imports and pulls are running; try again later");
            }
            jobs.put(job.id, job);
        }
        return job.id;
    }

    private void run(Job job, Work work) {
        job.state = State.RUNNING;
        try {
            work.run(job);
            job.state = State.DONE;
        } catch (Refusal e) {
            job.error = e.detail() != null ? e.detail() : e.getMessage();
            job.state = State.FAILED;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, job.kind + " of " + job.repo + " failed", e);
            job.error = "internal error (see the log)";
            job.state = State.FAILED;
        } finally {
            job.finished = clock.instant();
            job.ended.countDown();
        }
    }

    /** Waits until job {@code id} has ended (for scripts and tests); false when it has not within the timeout. */
    public boolean awaitEnd(String id, Duration timeout) throws InterruptedException {
        Job j;
        synchronized (jobs) {
            j = jobs.get(id);
        }
        return j == null || j.ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The job, if it exists and {@code viewer} started it or is a super-admin; else empty (as for a missing one). */
    public Optional<View> get(String id, User viewer, boolean isAdmin) {
        synchronized (jobs) {
            purge();
            Job j = jobs.get(id);
            if (j == null || viewer == null || (j.ownerId != viewer.id() && !isAdmin)) {
                return Optional.empty();
            }
            return Optional.of(j.view());
        }
    }

    /** Forgets jobs finished longer than {@link #KEEP} ago, and the oldest finished beyond {@link #MAX_JOBS}. */
    private void purge() {
        Instant limit = clock.instant().minus(KEEP);
        int excess = jobs.size() - MAX_JOBS;
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext();) {
            Job j = it.next();
            Instant f = j.finished;
            if (f != null && (f.isBefore(limit) || excess-- > 0)) {
                it.remove();
            }
        }
    }

    /** Stops: running imports are cancelled (and clean up after themselves), waiting ones dropped. */
    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(j -> j.progress.cancel());
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("imports still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
