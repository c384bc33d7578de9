package cairn.web.admin;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import cairn.Services;
import cairn.auth.Level;
import cairn.vcs.Repo;
import cairn.web.Views;
import cairn.web.Visitor;
import cairn.web.WebAuth;

/**
 * Administration and account pages: {@code /_admin/...} (super-admins only, except {@code my_account} for anyone
 * signed in, the group pages for users who administer groups, {@code repos/new} for users who may create a
 * repository) and {@code /{repo}/settings...} (repository admins). Every rule lives in the services the JSON-RPC API
 * uses; these pages read forms, call them, and show their refusals next to the field they concern.
 */
public final class AdminPages {
    /** The model every page shares (site, visitor, CSRF token), as the layout expects it. */
    @FunctionalInterface
    public interface Models {
        Map<String, Object> of(HttpServletRequest req, Visitor v, String title);
    }

    private static final String FLASH = "cairn.admin.flash";

    final Views views;
    final Services services;
    private final Models models;
    private final UserAdmin users;
    private final RepoAdmin repos;
    private final GroupAdmin groups;
    private final DefaultsAdmin defaults;
    private final MyAccount account;
    private final SettingsAdmin settings;
    private final RegisterPage register;

    public AdminPages(Views views, Services services, Models models) {
        this.views = views;
        this.services = services;
        this.models = models;
        this.users = new UserAdmin(this);
        this.repos = new RepoAdmin(this);
        this.groups = new GroupAdmin(this);
        this.defaults = new DefaultsAdmin(this);
        this.account = new MyAccount(this);
        this.settings = new SettingsAdmin(this);
        this.register = new RegisterPage(this);
    }

    /** Serves {@code path} (starting with {@code /_admin}); every answer, 404 included, is given here. */
    public void serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, String path) throws IOException {
        String rest = path.length() <= "/_admin/".length() ? "" : path.substring("/_admin/".length());
        List<String> seg = new ArrayList<>(Arrays.asList(rest.split("/", -1)));
        boolean post = isPost(req);
        if (!post && !isGet(req)) {
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        if (seg.size() == 1 && seg.get(0).equals("register")) {
            // the one admin page for anonymous visitors: self-registration (it checks hg.register.* itself)
            register.serve(req, resp, v, post);
            return;
        }
        if (v.anonymous()) {
            toLogin(req, resp);
            return;
        }
        String first = seg.get(0);
        boolean mine = first.equals("my_account");
        // the group pages check each object themselves; a repository may be made by anyone the create rules allow
        boolean delegated = first.equals("repo_groups") || first.equals("user_groups") || first.equals("repos")
                && seg.size() == 2 && seg.get(1).equals("new") && cairn.vcs.RepoService.canCreateSomewhere(v.perms())
                // an import's page and status: ImportJobs shows a job to the user who started it and super-admins
                || first.equals("repos") && seg.size() >= 3 && seg.get(1).equals("import");
        if (!mine && !delegated && !v.perms().isAdmin()) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Administrators only");
            return;
        }
        if (post && !WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        List<String> tail = seg.subList(1, seg.size());
        boolean handled = switch (first) {
            case "" -> tail.isEmpty() && !post && journal(req, resp, v);
            case "my_account" -> account.serve(req, resp, v, tail, post);
            case "users" -> users.serve(req, resp, v, tail, post);
            case "repos" -> repos.serveAdmin(req, resp, v, tail, post);
            case "user_groups" -> groups.serveUserGroups(req, resp, v, tail, post);
            case "repo_groups" -> groups.serveRepoGroups(req, resp, v, tail, post);
            case "permissions" -> tail.isEmpty() && defaults.serve(req, resp, v, post);
            case "settings" -> settings.serve(req, resp, v, tail, post);
            default -> false;
        };
        if (!handled) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /**
     * Serves {@code /{repo}/settings...} ({@code rest} starts with "settings") for a repository the visitor may read:
     * repository admins only (anonymous visitors are sent to sign in, others get 403); and {@code /{repo}/fork} for
     * readers with the fork right.
     */
    public void repoSettings(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo,
            List<String> rest) throws IOException {
        boolean post = isPost(req);
        if (!post && !isGet(req)) {
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        boolean fork = rest.get(0).equals("fork");
        if (fork ? v.anonymous() || !cairn.vcs.RepoService.canFork(v.perms())
                : !v.perms().repo(repo.id()).atLeast(Level.ADMIN)) {
            if (v.anonymous()) {
                toLogin(req, resp);
            } else {
                resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Repository administrators only");
            }
            return;
        }
        if (post && !WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        if (fork ? !(rest.size() == 1 && repos.serveFork(req, resp, v, repo, post))
                : !repos.serveSettings(req, resp, v, repo, rest.subList(1, rest.size()), post)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** {@code /_admin}: the whole journal, newest first, filtered by user, repository, action and dates. */
    private boolean journal(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> m = model(req, v, "Admin journal", "journal");
        Map<String, String> form = new LinkedHashMap<>();
        for (String k : List.of("user", "repo", "action", "from", "to")) {
            form.put(k, param(req, k));
        }
        java.time.Instant from = null;
        java.time.Instant to = null;
        try {
            if (!form.get("from").isEmpty()) {
                from = java.time.LocalDate.parse(form.get("from")).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            }
        } catch (java.time.format.DateTimeParseException e) {
            errors(m).put("from", "A date as YYYY-MM-DD");
        }
        try {
            if (!form.get("to").isEmpty()) {
                to = java.time.LocalDate.parse(form.get("to")).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant();
            }
        } catch (java.time.format.DateTimeParseException e) {
            errors(m).put("to", "A date as YYYY-MM-DD");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        if (errors(m).isEmpty()) {
            for (cairn.journal.JournalEntry e : services.journal.search(blankToNull(form.get("user")),
                    blankToNull(form.get("repo")), blankToNull(form.get("action")), from, to, 200)) {
                Map<String, String> r = new LinkedHashMap<>();
                r.put("date", cairn.api.Json.time(e.at()).replace('T', ' '));
                r.put("user", e.username() == null ? "" : e.username());
                r.put("repo", e.repoName() == null ? "" : e.repoName());
                String action = e.action();
                r.put("action", action.length() > 80 ? action.substring(0, 80) + "…" : action);
                r.put("ip", e.ip() == null ? "" : e.ip());
                rows.add(r);
            }
        }
        m.put("form", form);
        m.put("entries", rows);
        render(resp, "journal.ftlh", m);
        return true;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    // ---- shared helpers ----------------------------------------------------------------------------------------

    static boolean isPost(HttpServletRequest req) {
        return req.getMethod().equals("POST");
    }

    static boolean isGet(HttpServletRequest req) {
        return req.getMethod().equals("GET") || req.getMethod().equals("HEAD");
    }

    /** The shared model, the admin section's tab, and the message a previous step left for this page. */
    Map<String, Object> model(HttpServletRequest req, Visitor v, String title, String section) {
        Map<String, Object> m = models.of(req, v, title);
        m.put("section", section);
        HttpSession s = req.getSession(false);
        Object flash = s == null ? null : s.getAttribute(FLASH);
        if (s != null) {
            s.removeAttribute(FLASH);
        }
        m.put("flash", flash == null ? "" : flash.toString());
        m.put("errors", new LinkedHashMap<String, String>());
        GroupAdmin.nav(m, v);
        return m;
    }

    void render(HttpServletResponse resp, String template, Map<String, Object> model) throws IOException {
        views.render(resp, "admin/" + template, model);
    }

    /** Redirects after a successful change, leaving {@code message} for the next page. */
    void done(HttpServletRequest req, HttpServletResponse resp, String target, String message) throws IOException {
        req.getSession(true).setAttribute(FLASH, message);
        redirect(req, resp, target);
    }

    static void redirect(HttpServletRequest req, HttpServletResponse resp, String target) throws IOException {
        resp.sendRedirect(req.getContextPath() + target);
    }

    static void toLogin(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String here = req.getRequestURI().substring(req.getContextPath().length());
        redirect(req, resp, "/_admin/login?came_from=" + URLEncoder.encode(here, StandardCharsets.UTF_8));
    }

    /** A trimmed form value, "" when absent. */
    static String param(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        return v == null ? "" : v.trim();
    }

    /** A form value as sent (passwords), "" when absent. */
    static String raw(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        return v == null ? "" : v;
    }

    /** A checkbox: present means on. */
    static boolean checked(HttpServletRequest req, String name) {
        return req.getParameter(name) != null;
    }

    static Long id(String s) {
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> errors(Map<String, Object> model) {
        return (Map<String, String>) model.get("errors");
    }

    static String ip(HttpServletRequest req) {
        return req.getRemoteAddr();
    }

    /** The four levels, for the level selects. */
    static final List<String> LEVELS = List.of("none", "read", "write", "admin");

    static Level level(String s) {
        return LEVELS.contains(s) ? Level.valueOf(s.toUpperCase(java.util.Locale.ROOT)) : null;
    }

    static String levelName(String permissionName) {
        return permissionName.substring(permissionName.lastIndexOf('.') + 1);
    }
}
