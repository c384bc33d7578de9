package cairn.web;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import cairn.vcs.Browse;
import cairn.vcs.FileEdits;
import cairn.vcs.History;
import cairn.vcs.Repo;

/**
 * Web editing (Kallithea's online editing): {@code /{repo}/edit/{rev}/{path}}, {@code /{repo}/add/{rev}/{folder}} and
 * {@code /{repo}/delete/{rev}/{path}}, each a form (GET) and its commit (POST). The rules are {@link FileEdits}'s; this
 * reads forms, shows refusals next to their field, and after a commit goes to its changeset with a message.
 */
final class EditPages {
    static final Set<String> ACTIONS = Set.of("edit", "add", "delete");
    private static final String FLASH = "cairn.repo.flash";

    private final Views views;
    private final FileEdits edits;
    /** The site's title, read at every page (the settings page may change it). */
    private final java.util.function.Supplier<String> site;

    EditPages(Views views, FileEdits edits, java.util.function.Supplier<String> site) {
        this.views = views;
        this.edits = edits;
        this.site = site;
    }

    /** The message a commit left for the next repository page, once. */
    static String takeFlash(HttpServletRequest req) {
        HttpSession s = req.getSession(false);
        Object flash = s == null ? null : s.getAttribute(FLASH);
        if (flash != null) {
            s.removeAttribute(FLASH);
        }
        return flash == null ? "" : flash.toString();
    }

    /** Serves {@code rest} = [action, rev, path…] for a repository the visitor may read; every answer is given here. */
    void serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder, List<String> rest)
            throws IOException {
        boolean post = req.getMethod().equals("POST");
        String action = rest.get(0);
        if (rest.size() < 2 || (!action.equals("add") && rest.size() < 3)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (v.anonymous()) {
            String here = req.getRequestURI().substring(req.getContextPath().length());
            resp.sendRedirect(req.getContextPath() + "/_admin/login?came_from=" + RepoPages.enc(here));
            return;
        }
        if (!FileEdits.mayWrite(v.perms(), repo)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Editing files needs write access");
            return;
        }
        if (post && req.getParameter(WebAuth.CSRF_FIELD) == null && req.getContentLengthLong() > FileEdits.MAX_BYTES) {
            // the container dropped a body over its limit (Tomcat's maxPostSize): say so rather than "bad token"
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "The form was too large: the web editor takes files"
                    + " up to " + FileEdits.MAX_BYTES / 1024 + " KiB; commit larger ones with Git");
            return;
        }
        if (post && !WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        String rev = rest.get(1);
        String path = String.join("/", rest.subList(2, rest.size()));
        Map<String, Object> m = Page.model(req, v, site.get(), repo.name() + ": " + action + " " + path);
        m.put("repo", repo.name());
        m.put("repoUrl", req.getContextPath() + "/" + repo.name());
        m.put("mode", action);
        m.put("rev", rev);
        m.put("path", path);
        m.put("action", req.getContextPath() + "/" + repo.name() + "/" + action + "/" + RepoPages.enc(rev)
                + (path.isEmpty() ? "/" : "/" + RepoPages.encPath(path)));
        m.put("cancel", req.getContextPath() + "/" + repo.name() + "/files/" + RepoPages.enc(rev) + "/"
                + RepoPages.encPath(path));
        m.put("errors", new LinkedHashMap<String, String>());
        m.put("flash", "");
        try {
            if (post) {
                commit(req, resp, v, repo, action, rev, path, m);
            } else {
                form(resp, v, repo, folder, action, rev, path, m);
            }
        } catch (FileEdits.Refused r) {
            switch (r.kind()) {
                case FORBIDDEN -> resp.sendError(HttpServletResponse.SC_FORBIDDEN, r.getMessage());
                case NOT_FOUND -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                default -> resp.sendError(HttpServletResponse.SC_BAD_REQUEST, r.getMessage());
            }
        } catch (History.NotFound e) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** The empty (add), filled (edit) or confirming (delete) form, at the branch head as it is now. */
    private void form(HttpServletResponse resp, Visitor v, Repo repo, Path folder, String action, String rev,
            String path, Map<String, Object> m) throws IOException, FileEdits.Refused, History.NotFound {
        switch (action) {
            case "edit" -> {
                FileEdits.Editable e = edits.open(v.perms(), repo, rev, path);
                m.put("branch", e.branch());
                m.put("head", e.head());
                m.put("content", e.text());
                m.put("message", "Edited file " + path + " via Cairn");
            }
            case "add" -> {
                FileEdits.Target t = branch(repo, rev);
                if (t.unborn() ? !path.isEmpty() : !path.isEmpty() && !Browse.entry(folder, t.head(), path).isDir()) {
                    throw new History.NotFound(path);
                }
                if (t.unborn()) {
                    m.put("cancel", m.get("repoUrl")); // no files page before the first commit
                }
                m.put("branch", t.branch());
                m.put("head", t.head());
                m.put("filename", "");
                m.put("content", "");
                m.put("message", "Added file via Cairn");
            }
            default -> {
                FileEdits.Target t = branch(repo, rev);
                if (Browse.entry(folder, t.head(), path).isDir()) {
                    throw new History.NotFound(path);
                }
                m.put("branch", t.branch());
                m.put("head", t.head());
                m.put("message", "Deleted file " + path + " via Cairn");
            }
        }
        views.render(resp, "edit.ftlh", m);
    }

    private FileEdits.Target branch(Repo repo, String rev) throws IOException, FileEdits.Refused {
        return edits.branch(repo, rev);
    }

    private void commit(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, String action,
            String rev, String path, Map<String, Object> m) throws IOException {
        String head = param(req, "head");
        String message = param(req, "message");
        String content = param(req, "content");
        String filename = param(req, "filename").strip();
        String target = action.equals("add") ? (path.isEmpty() ? filename : path + "/" + filename) : path;
        String ip = req.getRemoteAddr();
        FileEdits.Done done;
        try {
            done = switch (action) {
                case "edit" -> edits.edit(v.user(), v.perms(), repo, rev, head, path, content, message, ip);
                case "add" -> edits.add(v.user(), v.perms(), repo, rev, head, target, content, message, ip);
                default -> edits.delete(v.user(), v.perms(), repo, rev, head, path, message, ip);
            };
        } catch (FileEdits.Refused r) {
            if (r.kind() == FileEdits.Kind.FORBIDDEN) {
                resp.sendError(HttpServletResponse.SC_FORBIDDEN, r.getMessage());
                return;
            }
            if (r.kind() == FileEdits.Kind.NOT_FOUND && !action.equals("add")) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            // the form again, as typed, with the refusal next to its field
            @SuppressWarnings("unchecked")
            Map<String, String> errors = (Map<String, String>) m.get("errors");
            errors.put(r.field(), r.getMessage());
            FileEdits.Target t = edits.target(repo, rev);
            m.put("branch", t == null ? rev : t.branch());
            m.put("head", head);
            m.put("content", content);
            m.put("filename", filename);
            m.put("message", message);
            resp.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            views.render(resp, "edit.ftlh", m);
            return;
        }
        String what = switch (action) {
            case "edit" -> "edited " + path;
            case "add" -> "added " + target;
            default -> "deleted " + path;
        };
        req.getSession(true).setAttribute(FLASH, "Committed " + done.commitId().substring(0, 12) + " to "
                + done.branch() + ": " + what);
        resp.sendRedirect(req.getContextPath() + "/" + repo.name() + "/changeset/" + done.commitId());
    }

    private static String param(HttpServletRequest req, String name) {
        String s = req.getParameter(name);
        return s == null ? "" : s;
    }
}
