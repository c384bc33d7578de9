package cairn.web;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Level;
import cairn.auth.UserService;
import cairn.journal.JournalService;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoNames;
import cairn.vcs.RepoService;

/**
 * The web UI's router. Repository names contain slashes, so a path is matched against the longest leading run of
 * segments that names a repository (or a group), as Kallithea does; what follows picks the page. A repository the
 * visitor may not read answers 404, exactly like one that does not exist.
 */
public final class UiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Views views;
    private final transient WebAuth auth;
    private final transient RepoService repos;
    private final transient CloneUrls cloneUrls;
    private final transient LoginPages login;
    private final transient RepoPages repoPages;
    private final String site;

    public UiServlet(Views views, WebAuth auth, UserService users, RepoService repos, JournalService journal,
            CloneUrls cloneUrls, String site) {
        this.views = views;
        this.auth = auth;
        this.repos = repos;
        this.cloneUrls = cloneUrls;
        this.site = site;
        this.login = new LoginPages(views, auth, users, site);
        this.repoPages = new RepoPages(views, cloneUrls, journal, site);
    }

    /** One line of the home page's repository list. */
    public record RepoRow(String name, String description, boolean isPrivate, String cloneUrl, String cloneUrlById) {
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            errorPage(req, resp);
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.startsWith("/static/")) {
            resp.setHeader("Cache-Control", "public, max-age=31536000, immutable");
            getServletContext().getNamedDispatcher("default").forward(req, resp);
            return;
        }
        Optional<Visitor> who = auth.identify(req);
        if (who.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Invalid credentials or API key");
            return;
        }
        Visitor v = who.get();
        boolean post = req.getMethod().equals("POST");
        boolean get = req.getMethod().equals("GET") || req.getMethod().equals("HEAD");
        switch (path) {
            case "", "/" -> {
                if (get) {
                    home(req, resp, v);
                } else {
                    resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                }
                return;
            }
            case "/_admin/login" -> {
                if (post) {
                    login.login(req, resp, v);
                } else {
                    login.loginForm(req, resp, v, null);
                }
                return;
            }
            case "/_admin/logout" -> {
                if (post) {
                    login.logout(req, resp, v);
                } else {
                    resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                }
                return;
            }
            default -> {
            }
        }
        if (!get || !repoOrGroup(req, resp, v, path)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private boolean repoOrGroup(HttpServletRequest req, HttpServletResponse resp, Visitor v, String path)
            throws IOException {
        List<String> segments = new ArrayList<>(Arrays.asList(path.substring(1).split("/")));
        if (segments.isEmpty() || segments.get(0).isEmpty()) {
            return false;
        }
        if (segments.get(0).matches("_[0-9]{1,18}")) {
            Optional<Repo> byId = repos.byId(Long.parseLong(segments.get(0).substring(1)));
            return byId.isPresent() && repoPage(req, resp, v, byId.get(), segments.subList(1, segments.size()));
        }
        for (int n = segments.size(); n >= 1; n--) {
            String name = String.join("/", segments.subList(0, n));
            if (!RepoNames.isValid(name)) {
                continue;
            }
            Optional<Repo> repo = repos.byName(name);
            if (repo.isPresent()) {
                return repoPage(req, resp, v, repo.get(), segments.subList(n, segments.size()));
            }
            if (n == segments.size()) {
                Optional<RepoGroup> group = repos.allGroups().stream().filter(g -> g.name().equals(name)).findFirst();
                if (group.isPresent() && v.perms().group(group.get().id()).atLeast(Level.READ)) {
                    groupPage(req, resp, v, group.get());
                    return true;
                }
            }
        }
        return false;
    }

    private boolean repoPage(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo,
            List<String> rest) throws IOException {
        if (!v.perms().repo(repo.id()).atLeast(Level.READ)) {
            return false;
        }
        Path folder = repos.folder(repo);
        if (folder == null) {
            return false;
        }
        return repoPages.serve(req, resp, v, repo, folder, rest);
    }

    private List<RepoRow> readable(HttpServletRequest req, Visitor v, String groupPrefix) {
        List<RepoRow> rows = new ArrayList<>();
        for (Repo r : repos.all()) {
            if (v.perms().repo(r.id()).atLeast(Level.READ)
                    && (groupPrefix == null || r.name().startsWith(groupPrefix + "/"))) {
                rows.add(new RepoRow(r.name(), r.description() == null ? "" : r.description(), r.isPrivate(),
                        cloneUrls.byName(req, v.user(), r), cloneUrls.byId(req, v.user(), r)));
            }
        }
        return rows;
    }

    private void home(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> m = Page.model(req, v, site, site);
        m.put("repos", readable(req, v, null));
        m.put("user", v.name());
        views.render(resp, "home.ftlh", m);
    }

    private void groupPage(HttpServletRequest req, HttpServletResponse resp, Visitor v, RepoGroup g)
            throws IOException {
        Map<String, Object> m = Page.model(req, v, site, g.name());
        m.put("group", g.name());
        m.put("repos", readable(req, v, g.name()));
        m.put("user", v.name());
        views.render(resp, "home.ftlh", m);
    }

    /** Error pages say what kind of error it was and nothing about internals or what exists. */
    private void errorPage(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        Object message = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String text = switch (status) {
            case 401 -> "Sign in to see this.";
            case 403 -> "You may not do this.";
            case 404 -> "Nothing here, or nothing you may see.";
            case 405 -> "This address does not take that kind of request.";
            default -> status >= 500 ? "Something went wrong on our side." : "The request could not be served.";
        };
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("site", site);
        m.put("title", status + "");
        m.put("base", req.getContextPath());
        m.put("status", status);
        m.put("text", text);
        m.put("detail", status == 400 && message instanceof String s ? s : "");
        resp.setStatus(status);
        views.render(resp, "error.ftlh", m);
    }
}
