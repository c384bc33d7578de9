package cairn.vcs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Authenticator;
import cairn.auth.Authenticator.Result;
import cairn.auth.Level;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.journal.JournalService;

/**
 * The gate in front of every version-control request, whatever the protocol: recognise, identify, authorise, journal,
 * then hand over to the protocol. Other requests pass through to the web UI.
 *
 * <p>Answers never tell a stranger which repositories exist: without credentials, any repository anonymous may not use
 * (private, or not there at all) gets the same 401 challenge; a signed-in user gets 404 for one that does not exist
 * and for one they cannot read alike; 403 only when they can read but not push.
 */
public final class VcsFilter extends HttpFilter {
    private final List<VcsProtocol> protocols;
    private final String prefix;
    private final Authenticator authenticator;
    private final UserService users;
    private final PermissionService permissions;
    private final RepoService repos;
    private final JournalService journal;
    private final java.util.function.Supplier<String> realm;

    public VcsFilter(List<VcsProtocol> protocols, String prefix, Authenticator authenticator, UserService users,
            PermissionService permissions, RepoService repos, JournalService journal, String realm) {
        this(protocols, prefix, authenticator, users, permissions, repos, journal, () -> realm);
    }

    /** {@code realm} is read at every challenge: an administrator may change it while Cairn runs. */
    public VcsFilter(List<VcsProtocol> protocols, String prefix, Authenticator authenticator, UserService users,
            PermissionService permissions, RepoService repos, JournalService journal,
            java.util.function.Supplier<String> realm) {
        this.protocols = protocols;
        this.prefix = prefix == null || prefix.isBlank() ? "" : "/" + prefix.replaceAll("^/+|/+$", "");
        this.authenticator = authenticator;
        this.users = users;
        this.permissions = permissions;
        this.repos = repos;
        this.journal = journal;
        this.realm = realm;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (!prefix.isEmpty() && path.startsWith(prefix + "/")) {
            path = path.substring(prefix.length());
        }
        Optional<VcsCall> recognised = recognise(path, req);
        if (recognised.isEmpty()) {
            chain.doFilter(req, resp);
            return;
        }
        VcsCall call = recognised.get();
        if (call.action() == null) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "Unable to detect pull/push action for '"
                    + call.repoRef() + "'! Are you using a nonstandard command or client?");
            return;
        }
        Result who = authenticator.identify(req);
        if (who instanceof Result.Refused) {
            challenge(resp);
            return;
        }
        long generation = permissions.generation(); // one read; every lookup below is valid at it
        User defaultUser = users.defaultUser(generation);
        User user = who instanceof Result.Known k ? k.user() : defaultUser;
        boolean anonymous = !(who instanceof Result.Known);
        Level needed = call.action() == VcsCall.Action.PUSH ? Level.WRITE : Level.READ;

        Optional<Repo> repo = resolve(call, generation);
        Level level = repo.map(r -> permissions.of(user, defaultUser, generation).repo(r.id())).orElse(Level.NONE);
        Path folder = repo.filter(r -> r.type().equals(call.protocol().type()))
                .map(repos::folder).filter(call.protocol()::isRepository).orElse(null);
        if (anonymous) {
            if (folder == null || !level.atLeast(needed)) {
                challenge(resp);
                return;
            }
        } else if (folder == null || !level.atLeast(Level.READ)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "Repository not found");
            return;
        } else if (!level.atLeast(needed)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "You may read this repository but not push to it");
            return;
        }
        VcsSession session = new VcsSession(user, repo.get(), folder, req.getRemoteAddr());
        call.protocol().serve(call, session, events, req, resp);
    }

    private Optional<VcsCall> recognise(String path, HttpServletRequest req) {
        for (VcsProtocol p : protocols) {
            Optional<VcsCall> call = p.recognise(path, req);
            if (call.isPresent()) {
                return call;
            }
        }
        return Optional.empty();
    }

    /** A repository by full name (a trailing .git is ignored) or, as {@code _<id>}, by its permanent id. */
    private Optional<Repo> resolve(VcsCall call, long generation) {
        String ref = RepoNames.fromUrl(call.repoRef());
        return ref.matches("_[0-9]{1,18}") || RepoNames.isValid(ref) ? repos.forServing(ref, generation)
                : Optional.empty();
    }

    private void challenge(HttpServletResponse resp) throws IOException {
        resp.setHeader("WWW-Authenticate", "Basic realm=\"" + realm.get().replace("\"", "") + "\"");
        resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Authentication required");
    }

    private final VcsProtocol.Events events = new VcsProtocol.Events() {
        @Override
        public void pulled(VcsSession s) {
            journal.pulled(s.user(), s.repo(), s.ip());
        }

        @Override
        public void pushed(VcsSession s, List<String> commitIds) {
            journal.pushed(s.user(), s.repo(), commitIds, s.ip());
            repos.touch(s.repo());
        }
    };
}
