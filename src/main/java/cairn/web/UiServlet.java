package cairn.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Authenticator;
import cairn.auth.Authenticator.Result;
import cairn.auth.Level;
import cairn.auth.Perms;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.vcs.Repo;
import cairn.vcs.RepoService;

/** The web UI's router: for now the home page and the static assets. */
public final class UiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Views views;
    private final transient Authenticator authenticator;
    private final transient UserService users;
    private final transient PermissionService permissions;
    private final transient RepoService repos;
    private final transient CloneUrls cloneUrls;
    private final String title;

    public UiServlet(Views views, Authenticator authenticator, UserService users, PermissionService permissions,
            RepoService repos, CloneUrls cloneUrls, String title) {
        this.views = views;
        this.authenticator = authenticator;
        this.users = users;
        this.permissions = permissions;
        this.repos = repos;
        this.cloneUrls = cloneUrls;
        this.title = title;
    }

    /** One line of the home page's repository list. */
    public record RepoRow(String name, String description, boolean isPrivate, String cloneUrl, String cloneUrlById) {
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.startsWith("/static/")) {
            resp.setHeader("Cache-Control", "public, max-age=31536000, immutable");
            getServletContext().getNamedDispatcher("default").forward(req, resp);
            return;
        }
        if (!path.equals("/") && !path.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Result who = authenticator.identify(req);
        if (who instanceof Result.Refused) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Invalid credentials or API key");
            return;
        }
        User defaultUser = users.defaultUser();
        User user = who instanceof Result.Known k ? k.user() : defaultUser;
        Perms perms = permissions.of(user, defaultUser);
        List<RepoRow> rows = new ArrayList<>();
        for (Repo r : repos.all()) {
            if (perms.repo(r.id()).atLeast(Level.READ)) {
                rows.add(new RepoRow(r.name(), r.description() == null ? "" : r.description(), r.isPrivate(),
                        cloneUrls.byName(req, user, r), cloneUrls.byId(req, user, r)));
            }
        }
        views.render(resp, "home.ftlh", Map.of("title", title, "repos", rows,
                "user", user.isDefault() ? "" : user.username(), "base", req.getContextPath()));
    }
}
