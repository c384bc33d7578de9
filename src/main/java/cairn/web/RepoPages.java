package cairn.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.vcs.Browse;
import cairn.vcs.History;
import cairn.vcs.Repo;

/** Pages of one repository the visitor may read: summary, files, raw, changelog, changeset. */
final class RepoPages {
    static final int CHANGELOG_PAGE = 50;

    private final Views views;
    private final CloneUrls cloneUrls;
    private final String site;

    RepoPages(Views views, CloneUrls cloneUrls, String site) {
        this.views = views;
        this.cloneUrls = cloneUrls;
        this.site = site;
    }

    /** Dispatches {@code rest} (what follows the repository name) to a page; false when no page matches. */
    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> rest) throws IOException {
        String action = rest.isEmpty() ? "summary" : rest.get(0);
        List<String> args = rest.isEmpty() ? List.of() : rest.subList(1, rest.size());
        try {
            switch (action) {
                case "summary" -> summary(req, resp, v, repo, folder);
                case "files" -> files(req, resp, v, repo, folder, args);
                case "raw" -> raw(resp, folder, args, false);
                case "rawfile" -> raw(resp, folder, args, true);
                case "changelog" -> changelog(req, resp, v, repo, folder);
                case "changeset" -> changeset(req, resp, v, repo, folder, args);
                default -> {
                    return false;
                }
            }
        } catch (History.NotFound e) {
            return false;
        }
        return true;
    }

    private Map<String, Object> model(HttpServletRequest req, Visitor v, Repo repo, String title) {
        Map<String, Object> m = Page.model(req, v, site, title);
        m.put("repo", repo.name());
        m.put("repoUrl", req.getContextPath() + "/" + repo.name());
        return m;
    }

    private void summary(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder)
            throws IOException, History.NotFound {
        Map<String, Object> m = model(req, v, repo, repo.name());
        m.put("description", repo.description() == null ? "" : repo.description());
        m.put("isPrivate", repo.isPrivate());
        m.put("cloneUrl", cloneUrls.byName(req, v.user(), repo));
        m.put("cloneUrlById", cloneUrls.byId(req, v.user(), repo));
        List<History.Changeset> latest = Browse.latest(folder, "tip", 0, 10);
        m.put("commits", rows(latest));
        Browse.Readme readme = latest.isEmpty() ? null : Browse.readme(folder, "tip");
        m.put("readmeName", readme == null ? "" : readme.name());
        m.put("readmeHtml", readme == null ? "" : Markdown.render(readme.name(), readme.text()));
        m.put("empty", latest.isEmpty());
        views.render(resp, "summary.ftlh", m);
    }

    private void files(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        String rev = args.isEmpty() ? "tip" : args.get(0);
        String path = args.size() < 2 ? "" : String.join("/", args.subList(1, args.size()));
        Browse.Entry entry = Browse.entry(folder, rev, path);
        Map<String, Object> m = model(req, v, repo, repo.name() + ": " + (path.isEmpty() ? "/" : path));
        m.put("rev", rev);
        m.put("path", path);
        m.put("crumbs", crumbs(path));
        if (entry.isDir()) {
            m.put("children", Browse.list(folder, rev, path));
            views.render(resp, "files.ftlh", m);
            return;
        }
        m.put("size", entry.size());
        m.put("binary", entry.binary());
        m.put("tooLarge", entry.lines() == null && !entry.binary());
        m.put("lines", entry.lines() == null ? List.of() : entry.lines());
        m.put("rawUrl", req.getContextPath() + "/" + repo.name() + "/raw/" + enc(rev) + "/" + encPath(path));
        m.put("downloadUrl", req.getContextPath() + "/" + repo.name() + "/rawfile/" + enc(rev) + "/"
                + encPath(path));
        views.render(resp, "file.ftlh", m);
    }

    private static List<Map<String, String>> crumbs(String path) {
        List<Map<String, String>> out = new ArrayList<>();
        if (path.isEmpty()) {
            return out;
        }
        StringBuilder sofar = new StringBuilder();
        for (String part : path.split("/")) {
            if (sofar.length() > 0) {
                sofar.append('/');
            }
            sofar.append(part);
            out.add(Map.of("name", part, "path", sofar.toString()));
        }
        return out;
    }

    /** Raw bytes, streamed; as text/plain (never rendered as HTML) or as a download. */
    private void raw(HttpServletResponse resp, Path folder, List<String> args, boolean download)
            throws IOException, History.NotFound {
        if (args.size() < 2) {
            throw new History.NotFound("path");
        }
        String path = String.join("/", args.subList(1, args.size()));
        String name = args.get(args.size() - 1);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        if (download) {
            resp.setContentType("application/octet-stream");
            resp.setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + enc(name));
        } else {
            resp.setContentType("text/plain;charset=UTF-8");
        }
        try (OutputStream out = resp.getOutputStream()) {
            Browse.stream(folder, args.get(0), path, resp::setContentLengthLong, out);
        }
    }

    private void changelog(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder)
            throws IOException, History.NotFound {
        int page = Math.max(1, parse(req.getParameter("page"), 1));
        String branch = req.getParameter("branch");
        String start = branch == null || branch.isEmpty() ? "tip" : branch;
        List<History.Changeset> commits = Browse.latest(folder, start, (page - 1) * CHANGELOG_PAGE,
                CHANGELOG_PAGE + 1);
        Map<String, Object> m = model(req, v, repo, repo.name() + ": changelog");
        boolean more = commits.size() > CHANGELOG_PAGE;
        m.put("commits", rows(more ? commits.subList(0, CHANGELOG_PAGE) : commits));
        m.put("page", page);
        m.put("next", more ? page + 1 : 0);
        m.put("branch", branch == null ? "" : branch);
        m.put("branches", Browse.branches(folder));
        views.render(resp, "changelog.ftlh", m);
    }

    private void changeset(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        String rev = args.isEmpty() ? "tip" : args.get(0);
        boolean full = "1".equals(req.getParameter("fulldiff"));
        Browse.Diff diff = Browse.diff(folder, rev, full ? Long.MAX_VALUE : Browse.CUT_OFF);
        History.Changeset c = diff.changeset();
        Map<String, Object> m = model(req, v, repo, repo.name() + ": " + c.shortId());
        m.put("c", row(c));
        String body = c.message().contains("\n") ? c.message().substring(c.message().indexOf('\n') + 1).strip() : "";
        m.put("message", body);
        m.put("parents", diff.parents());
        m.put("files", diff.files());
        m.put("cut", diff.cut());
        views.render(resp, "changeset.ftlh", m);
    }

    private static List<Map<String, Object>> rows(List<History.Changeset> commits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (History.Changeset c : commits) {
            out.add(row(c));
        }
        return out;
    }

    private static Map<String, Object> row(History.Changeset c) {
        String subject = c.message().lines().findFirst().orElse("");
        return Map.of("id", c.rawId(), "short", c.shortId(), "subject", subject, "author", c.authorName(),
                "date", cairn.api.Json.time(c.date()).replace('T', ' '));
    }

    private static int parse(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String encPath(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            parts.add(enc(p));
        }
        return String.join("/", parts);
    }
}
