package cairn.vcs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Brings commits into a repository on disk with JGit: from a remote Git URL (http, https, git://) for {@code clone_uri}
 * imports and pulls, or from another repository of this site (forks, pulls from the fork parent). Local paths and
 * {@code file:} URLs given by callers are refused: they would read any repository on the server's disk.
 */
public final class RepoImporter {
    private static final Set<String> SCHEMES = Set.of("http", "https", "git");
    private static final List<RefSpec> ALL = List.of(new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    private final int timeoutSeconds;

    public RepoImporter(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Whether callers may name this URL: http(s) or git:// with a host. */
    public static boolean isAllowedRemote(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            URI u = new URI(url.trim());
            return u.getScheme() != null && SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))
                    && u.getHost() != null && !u.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The URL without the password of its user part, for everyone but admins (Kallithea hides credentials). */
    public static String hidePassword(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return url;
        }
        String userInfo = url.substring(start, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return url.substring(0, start) + (user.isEmpty() ? "" : user + "@") + url.substring(at + 1);
    }

    /** Checks that a remote answers as a Git repository (Kallithea's validation of a clone URI). */
    public void check(String url) throws IOException {
        if (!isAllowedRemote(url)) {
            throw new IOException("not an http(s) or git:// URL");
        }
        try {
            org.eclipse.jgit.api.Git.lsRemoteRepository().setRemote(url.trim()).setTimeout(timeoutSeconds)
                    .setCredentialsProvider(credentials(url)).call();
        } catch (GitAPIException | RuntimeException e) {
            throw new IOException("cannot read " + RepoImporter.hidePassword(url) + ": " + explain(e), e);
        }
    }

    /** Fetches every branch and tag of a remote URL into the bare repository {@code dir}. */
    public void fetchRemote(Path dir, String url) throws IOException {
        fetchRemote(dir, url, NullProgressMonitor.INSTANCE);
    }

    /** As {@link #fetchRemote(Path, String)}, reporting to {@code monitor}. */
    public void fetchRemote(Path dir, String url, ProgressMonitor monitor) throws IOException {
        if (!isAllowedRemote(url)) {
            throw new IOException("not an http(s) or git:// URL");
        }
        fetch(dir, url.trim(), credentials(url), monitor);
    }

    /** Fetches every branch and tag of another repository of this site (its folder) into {@code dir}. */
    public void fetchLocal(Path dir, Path source) throws IOException {
        fetchLocal(dir, source, NullProgressMonitor.INSTANCE);
    }

    /** As {@link #fetchLocal(Path, Path)}, reporting to {@code monitor}. */
    public void fetchLocal(Path dir, Path source, ProgressMonitor monitor) throws IOException {
        fetch(dir, source.toAbsolutePath().toString(), null, monitor);
    }

    /**
     * Why a fetch or ls-remote failed, in words for the person who typed the URL: "authentication failed", "host
     * not found", "connection refused", "timed out", "not a Git repository", else JGit's message without the URL.
     */
    public static String explain(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return "host not found";
            }
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.SocketTimeoutException) {
                return "timed out";
            }
            if (c instanceof org.eclipse.jgit.errors.NoRemoteRepositoryException) {
                return "not a Git repository (nothing found at that URL)";
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("not authorized") || m.contains("authentication is required")
                    || m.contains("authentication not supported") || m.contains("auth fail")) {
                return "authentication failed";
            }
            if (m.contains("unknown host")) {
                return "host not found";
            }
            if (m.contains("not found")) {
                return "not a Git repository (nothing found at that URL)";
            }
            if (m.contains("content-type") || m.contains("not a git") || m.contains("invalid advertisement")
                    || m.contains("expected pkt-line") || m.contains("smart http")) {
                return "not a Git repository";
            }
            if (m.contains("time out") || m.contains("timed out")) {
                return "timed out";
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int colon = m.indexOf(": ");
        // JGit starts most messages with the URL (which may carry a password): keep what follows it
        return colon > 0 && (m.substring(0, colon).contains("://") || m.startsWith("/")) ? m.substring(colon + 2) : m;
    }

    private void fetch(Path dir, String from, CredentialsProvider credentials, ProgressMonitor monitor)
            throws IOException {
        try (Repository db = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
            FetchResult result;
            try (Transport tn = Transport.open(db, new URIish(from))) {
                tn.setTimeout(timeoutSeconds);
                if (credentials != null) {
                    tn.setCredentialsProvider(credentials);
                }
                tn.setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS);
                result = tn.fetch(monitor, ALL);
            } catch (URISyntaxException | org.eclipse.jgit.errors.TransportException e) {
                throw new IOException("cannot fetch from " + hidePassword(from) + ": " + explain(e), e);
            } catch (RuntimeException e) {
                throw new IOException("cannot fetch from " + hidePassword(from) + ": " + explain(e), e);
            }
            if (monitor.isCancelled()) {
                throw new IOException("cancelled");
            }
            adoptHead(db, result.getAdvertisedRef(Constants.HEAD));
        }
    }

    /** Points HEAD at the remote's HEAD branch when the current HEAD names no branch that exists. */
    private static void adoptHead(Repository db, Ref remoteHead) throws IOException {
        Ref head = db.exactRef(Constants.HEAD);
        if (head != null && head.getObjectId() != null) {
            return;
        }
        List<Ref> branches = db.getRefDatabase().getRefsByPrefix(Constants.R_HEADS);
        if (branches.isEmpty()) {
            return;
        }
        String target = null;
        if (remoteHead != null && remoteHead.isSymbolic() && db.exactRef(remoteHead.getTarget().getName()) != null) {
            target = remoteHead.getTarget().getName();
        }
        if (target == null && remoteHead != null && remoteHead.getObjectId() != null) {
            ObjectId id = remoteHead.getObjectId();
            for (String preferred : List.of("refs/heads/main", "refs/heads/master")) {
                Ref r = db.exactRef(preferred);
                if (r != null && id.equals(r.getObjectId())) {
                    target = preferred;
                }
            }
            for (Ref r : branches) {
                if (target == null && id.equals(r.getObjectId())) {
                    target = r.getName();
                }
            }
        }
        if (target == null) {
            target = db.exactRef("refs/heads/master") != null ? "refs/heads/master" : branches.get(0).getName();
        }
        db.updateRef(Constants.HEAD).link(target);
    }

    private static CredentialsProvider credentials(String url) {
        try {
            URIish u = new URIish(url.trim());
            if (u.getUser() != null) {
                return new UsernamePasswordCredentialsProvider(u.getUser(), u.getPass() == null ? "" : u.getPass());
            }
        } catch (URISyntaxException e) {
            // checked by the caller
        }
        return null;
    }
}
