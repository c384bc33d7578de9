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
    private final transient JournalService journal;
    private final transient RepoPages repoPages;
    private final java.util.function.Supplier<String> site;
    private transient cairn.web.admin.AdminPages admin;
    private transient EditPages edits;

    public UiServlet(Views views, WebAuth auth, UserService users, RepoService repos, JournalService journal,
            CloneUrls cloneUrls, String site, cairn.cache.ViewCaches viewCaches) {
        this(views, auth, users, repos, journal, cloneUrls, () -> site, viewCaches);
    }

    /** {@code site} is read at every page: an administrator may change the title while Cairn runs. */
    public UiServlet(Views views, WebAuth auth, UserService users, RepoService repos, JournalService journal,
            CloneUrls cloneUrls, java.util.function.Supplier<String> site, cairn.cache.ViewCaches viewCaches) {
        this.views = views;
        this.auth = auth;
        this.repos = repos;
        this.cloneUrls = cloneUrls;
        this.site = site;
        this.login = new LoginPages(views, auth, users, site);
        this.repoPages = new RepoPages(views, cloneUrls, journal, repos, site, viewCaches);
        this.journal = journal;
    }

    /** Mounts the administration and account pages ({@code /_admin/...}, {@code /{repo}/settings...}). */
    public UiServlet admin(cairn.Services services) {
        this.admin = new cairn.web.admin.AdminPages(views, services,
                (req, v, title) -> Page.model(req, v, site.get(), title));
        login.registrationOpen(() -> services.registration.mode() != cairn.auth.Registration.Mode.NONE);
        this.edits = new EditPages(views, services.fileEdits, site);
        repoPages.edits(services.fileEdits);
        return this;
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
            case "/_admin/toggle_following" -> {
                if (post) {
                    toggleFollowing(req, resp, v);
                } else {
                    resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                }
                return;
            }
            case "/_admin/journal", "/_admin/public_journal" -> {
                if (!get) {
                    resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                } else if (path.equals("/_admin/journal") && v.anonymous()) {
                    resp.sendRedirect(req.getContextPath() + "/_admin/login?came_from="
                            + RepoPages.enc("/_admin/journal"));
                } else {
                    journalPage(req, resp, v, path.equals("/_admin/journal"));
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
        if (admin != null && (path.equals("/_admin") || path.startsWith("/_admin/"))) {
            admin.serve(req, resp, v, path);
            return;
        }
        if (!(get || post) || !repoOrGroup(req, resp, v, path)) {
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
                if (group.isPresent() && v.perms().group(group.get().id()).atLeast(Level.READ)
                        && !req.getMethod().equals("POST")) {
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
        if (admin != null && !rest.isEmpty() && (rest.get(0).equals("settings") || rest.get(0).equals("fork"))) {
            admin.repoSettings(req, resp, v, repo, rest);
            return true;
        }
        if (edits != null && !rest.isEmpty() && EditPages.ACTIONS.contains(rest.get(0))) {
            edits.serve(req, resp, v, repo, folder, rest);
            return true;
        }
        if (req.getMethod().equals("POST")) {
            return false;
        }
        return repoPages.serve(req, resp, v, repo, folder, rest);
    }

    /** One line of a repository list. */
    public record Row(String name, String description, boolean isPrivate, String cloneUrl, String lastChange) {
    }

    /** A group line. */
    public record GroupRow(String name, String description) {
    }

    private List<Row> rows(HttpServletRequest req, Visitor v, java.util.function.Predicate<Repo> which) {
        List<Row> rows = new ArrayList<>();
        for (Repo r : repos.all()) {
            if (v.perms().repo(r.id()).atLeast(Level.READ) && which.test(r)) {
                rows.add(new Row(r.name(), r.description() == null ? "" : r.description(), r.isPrivate(),
                        cloneUrls.byName(req, v.user(), r),
                        cairn.api.Json.time(r.updatedOn()).replace('T', ' ')));
            }
        }
        return rows;
    }

    private List<GroupRow> groups(Visitor v, String parent) {
        List<GroupRow> out = new ArrayList<>();
        for (RepoGroup g : repos.allGroups()) {
            String gp = RepoNames.parent(g.name());
            if (java.util.Objects.equals(gp, parent) && v.perms().group(g.id()).atLeast(Level.READ)) {
                out.add(new GroupRow(g.name(), g.description() == null ? "" : g.description()));
            }
        }
        return out;
    }

    /** The dashboard: groups and repositories at the top, or (tabs) the visitor's own or followed ones. */
    private void home(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        String view = v.anonymous() ? "all" : String.valueOf(req.getParameter("view"));
        Map<String, Object> m = Page.model(req, v, site.get(), site.get());
        m.put("user", v.name());
        switch (view) {
            case "mine" -> {
                m.put("repos", rows(req, v, r -> r.ownerId() == v.user().id()));
                m.put("groups", List.of());
            }
            case "following" -> {
                java.util.Set<Long> followed = repos.followedBy(v.user());
                m.put("repos", rows(req, v, r -> followed.contains(r.id())));
                m.put("groups", List.of());
            }
            default -> {
                view = "all";
                m.put("repos", rows(req, v, r -> r.groupId() == null));
                m.put("groups", groups(v, null));
            }
        }
        m.put("view", view);
        views.render(resp, "home.ftlh", m);
    }

    private void groupPage(HttpServletRequest req, HttpServletResponse resp, Visitor v, RepoGroup g)
            throws IOException {
        Map<String, Object> m = Page.model(req, v, site.get(), g.name());
        m.put("group", g.name());
        m.put("groups", groups(v, g.name()));
        m.put("repos", rows(req, v, r -> g.name().equals(RepoNames.parent(r.name()))));
        m.put("user", v.name());
        m.put("view", "group");
        views.render(resp, "home.ftlh", m);
    }

    private void toggleFollowing(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        if (v.anonymous() || !WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Sign in, and post from Cairn's own page");
            return;
        }
        Optional<Repo> repo = Optional.empty();
        try {
            repo = repos.byId(Long.parseLong(String.valueOf(req.getParameter("follows_repo_id"))));
        } catch (NumberFormatException e) {
            // no such repository
        }
        if (repo.isEmpty() || !v.perms().repo(repo.get().id()).atLeast(Level.READ)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        repos.toggleFollowing(v.user(), repo.get(), req.getRemoteAddr());
        resp.sendRedirect(req.getContextPath() + "/" + repo.get().name());
    }

    /** The journal of followed repositories, or the public one; only entries about readable repositories. */
    private void journalPage(HttpServletRequest req, HttpServletResponse resp, Visitor v, boolean mine)
            throws IOException {
        List<cairn.journal.JournalEntry> entries;
        if (mine) {
            java.util.Set<Long> followed = repos.followedBy(v.user());
            followed.removeIf(id -> !v.perms().repo(id).atLeast(Level.READ));
            entries = journal.forRepos(followed, 100);
        } else {
            entries = journal.latest(500).stream().filter(e -> e.repoId() != null
                    && v.perms().repo(e.repoId()).atLeast(Level.READ)).limit(100).toList();
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (cairn.journal.JournalEntry e : entries) {
            Map<String, Object> r = new java.util.HashMap<>();
            r.put("user", e.username() == null ? "" : e.username());
            r.put("repo", e.repoName() == null ? "" : e.repoName());
            r.put("date", cairn.api.Json.time(e.at()).replace('T', ' '));
            String action = e.action();
            List<String> ids = List.of();
            if (action.startsWith("push:") || action.startsWith("push_local:")) {
                boolean local = action.startsWith("push_local:");
                String list = action.substring(action.indexOf(':') + 1);
                ids = list.isEmpty() ? List.of() : List.of(list.split(","));
                action = (local ? "committed " : "pushed ") + ids.size() + (ids.size() == 1 ? " commit" : " commits")
                        + (local ? " from the web" : "");
            }
            r.put("action", action.replace('_', ' '));
            r.put("ids", ids.size() > 10 ? ids.subList(0, 10) : ids);
            rows.add(r);
        }
        Map<String, Object> m = Page.model(req, v, site.get(), mine ? "My journal" : "Public journal");
        m.put("entries", rows);
        m.put("mine", mine);
        views.render(resp, "journal.ftlh", m);
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
        m.put("site", site.get());
        m.put("title", status + "");
        m.put("base", req.getContextPath());
        m.put("status", status);
        m.put("text", text);
        m.put("detail", status == 400 && message instanceof String s ? s : "");
        resp.setStatus(status);
        views.render(resp, "error.ftlh", m);
    }
}
