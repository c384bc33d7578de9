package cairn.vcs.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import cairn.vcs.RepoStore;
import cairn.vcs.VcsCall;
import cairn.vcs.VcsCall.Action;
import cairn.vcs.VcsProtocol;
import cairn.vcs.VcsSession;

/**
 * Git's smart HTTP protocol at Kallithea's URLs ({@code /<repo>/info/refs}, {@code /git-upload-pack},
 * {@code /git-receive-pack}), served by JGit's GitServlet. Dumb HTTP is not offered.
 */
public final class GitProtocol implements VcsProtocol {
    /** Name under which {@link CairnGitServlet} is registered; it has no URL mapping of its own. */
    public static final String SERVLET_NAME = "cairn-git";
    static final String SESSION_ATTRIBUTE = GitProtocol.class.getName() + ".session";
    static final String EVENTS_ATTRIBUTE = GitProtocol.class.getName() + ".events";

    private static final Pattern PATH = Pattern.compile("^/(.+?)/*/(info/refs|git-upload-pack|git-receive-pack)$");

    private final ServletContext context;

    public GitProtocol(ServletContext context) {
        this.context = context;
    }

    @Override
    public String type() {
        return "git";
    }

    @Override
    public Optional<VcsCall> recognise(String path, HttpServletRequest request) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String rest = m.group(2);
        Action action = switch (rest) {
            case "git-upload-pack" -> Action.PULL;
            case "git-receive-pack" -> Action.PUSH;
            default -> switch (String.valueOf(request.getParameter("service"))) {
                case "git-upload-pack" -> Action.PULL;
                case "git-receive-pack" -> Action.PUSH;
                default -> null;
            };
        };
        return Optional.of(new VcsCall(this, m.group(1), action, rest));
    }

    @Override
    public boolean isRepository(Path folder) {
        return RepoStore.isGitRepository(folder);
    }

    @Override
    public void serve(VcsCall call, VcsSession session, Events events, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        if (call.rest().equals("info/refs") && call.action() == Action.PULL) {
            events.pulled(session);
        }
        request.setAttribute(SESSION_ATTRIBUTE, session);
        request.setAttribute(EVENTS_ATTRIBUTE, events);
        RequestDispatcher git = context.getNamedDispatcher(SERVLET_NAME);
        git.forward(new Rewritten(request, "/" + session.repo().name() + "/" + call.rest()), response);
    }

    /** The request as GitServlet expects it: the path info names the repository by its canonical name. */
    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String pathInfo;

        Rewritten(HttpServletRequest request, String pathInfo) {
            super(request);
            this.pathInfo = pathInfo;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }

        @Override
        public String getServletPath() {
            return "";
        }
    }
}
