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

import cairn.cache.Memo;
import cairn.cache.ViewCaches;
import cairn.vcs.Browse;
import cairn.vcs.History;
import cairn.journal.JournalService;
import cairn.vcs.Repo;
import cairn.vcs.RepoService;

/** Pages of one repository the visitor may read: summary, files, raw, changelog, changeset. */
final class RepoPages {
    static final int CHANGELOG_PAGE = 50;

    private final Views views;
    private final CloneUrls cloneUrls;
    private final JournalService journal;
    private final RepoService repos;
    private final java.util.function.Supplier<String> site;
    private final int lastCommitWalk;
    /** Key: repository id, commit id, folder. */
    private final Memo<Browse.LastCommits> lastCommits;
    /** Key: repository id, README name, blob id. */
    private final Memo<String> readmes;
    /** Key: repository id, branch heads' state, commit. */
    private final Memo<Browse.Children> children;
    /** Key: repository id, branch heads' state (or the one branch and its commit), page. */
    private final Memo<ChangelogPage> changelogs;

    /** Web editing, when mounted: decides where the file pages offer Edit, Delete and Add file. */
    private cairn.vcs.FileEdits edits;

    /** One changelog page laid out: its rows (commit and graph) and whether an older page exists. */
    record ChangelogPage(List<Map<String, Object>> rows, boolean more) {
    }

    RepoPages(Views views, CloneUrls cloneUrls, JournalService journal, RepoService repos,
            java.util.function.Supplier<String> site,
            ViewCaches caches) {
        this.lastCommitWalk = caches.lastCommitWalk();
        this.lastCommits = caches.memo("ui-last-commits", Browse.LastCommits.class);
        this.readmes = caches.memo("ui-readmes", String.class);
        this.children = caches.memo("ui-children", Browse.Children.class);
        this.changelogs = caches.memo("ui-changelogs", ChangelogPage.class);
        this.repos = repos;
        this.views = views;
        this.cloneUrls = cloneUrls;
        this.journal = journal;
        this.site = site;
    }

    void edits(cairn.vcs.FileEdits fileEdits) {
        this.edits = fileEdits;
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
                case "changelog" -> {
                    if (args.size() >= 2) {
                        fileHistory(req, resp, v, repo, folder, args);
                    } else {
                        changelog(req, resp, v, repo, folder);
                    }
                }
                case "changeset" -> {
                    if (args.size() == 1 && args.get(0).contains("...")) {
                        String[] ends = args.get(0).split("\\.\\.\\.", 2);
                        resp.sendRedirect(req.getContextPath() + "/" + repo.name() + "/compare/rev@" + enc(ends[0])
                                + "...rev@" + enc(ends[1]));
                    } else {
                        changeset(req, resp, v, repo, folder, args);
                    }
                }
                case "compare" -> compare(req, resp, v, repo, folder, args);
                case "annotate" -> annotate(req, resp, v, repo, folder, args);
                case "archive" -> {
                    return archive(req, resp, v, repo, folder, args);
                }
                case "feed" -> feed(req, resp, repo, folder, args);
                case "refs-data" -> refsData(resp, folder);
                case "changeset-diff", "raw-changeset", "changeset-patch" -> {
                    if (args.size() != 1) {
                        return false;
                    }
                    String id = History.resolveIn(folder, args.get(0)).name();
                    resp.setContentType("text/plain;charset=UTF-8");
                    resp.setHeader("X-Content-Type-Options", "nosniff");
                    if (action.equals("changeset-patch")) {
                        resp.setHeader("Content-Disposition", "attachment; filename=" + id.substring(0, 12) + ".patch");
                    }
                    try (OutputStream out = resp.getOutputStream()) {
                        Browse.rawDiff(folder, id, action.equals("changeset-patch"), out);
                    }
                }
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
        Map<String, Object> m = Page.model(req, v, site.get(), title);
        m.put("repo", repo.name());
        m.put("repoUrl", req.getContextPath() + "/" + repo.name());
        m.put("repoFlash", EditPages.takeFlash(req));
        return m;
    }

    private void summary(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder)
            throws IOException, History.NotFound {
        Map<String, Object> m = model(req, v, repo, repo.name());
        m.put("description", repo.description() == null ? "" : repo.description());
        m.put("repoId", repo.id());
        m.put("following", !v.anonymous() && repos.followedBy(v.user()).contains(repo.id()));
        m.put("followers", repos.followers(repo).size());
        m.put("isPrivate", repo.isPrivate());
        // the fork page's own rule (AdminPages.repoSettings): signed in, with the fork right; reading is given here
        m.put("mayFork", !v.anonymous() && RepoService.canFork(v.perms()));
        m.put("forkedFrom", repo.forkId() == null ? "" : repos.byId(repo.forkId())
                .filter(src -> v.perms().repo(src.id()).atLeast(cairn.auth.Level.READ)).map(Repo::name).orElse(""));
        m.put("cloneUrl", cloneUrls.byName(req, v.user(), repo));
        m.put("cloneUrlById", cloneUrls.byId(req, v.user(), repo));
        List<History.Changeset> latest = Browse.latest(folder, "tip", 0, 10);
        m.put("commits", rows(latest));
        Browse.ReadmeRef readme = latest.isEmpty() ? null : Browse.readmeRef(folder, latest.get(0).rawId());
        m.put("readmeName", readme == null ? "" : readme.name());
        m.put("readmeHtml", readme == null ? "" : readmes.<IOException, RuntimeException>get(
                repo.id() + ":" + readme.blobId() + ":" + readme.name(), () -> {
                    String text = Browse.blobText(folder, readme.blobId());
                    return text == null ? "" : Markdown.render(readme.name(), text);
                }));
        m.put("empty", latest.isEmpty());
        cairn.vcs.FileEdits.Target first = latest.isEmpty() && edits != null
                && cairn.vcs.FileEdits.mayWrite(v.perms(), repo) ? edits.target(repo, "tip") : null;
        m.put("addFirstUrl", first == null ? "" : req.getContextPath() + "/" + repo.name() + "/add/tip/");
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
        // writers may edit where the revision is a branch head (Kallithea: no new heads from the web)
        cairn.vcs.FileEdits.Target editable = edits == null || !cairn.vcs.FileEdits.mayWrite(v.perms(), repo) ? null
                : edits.target(repo, rev);
        // a branch name with a slash cannot be one URL segment (Tomcat refuses %2F): its head's id names it instead
        String editAt = editable == null ? null : (editable.branch().contains("/") ? editable.head()
                : enc(editable.branch())) + "/" + encPath(path);
        String repoUrl = req.getContextPath() + "/" + repo.name();
        if (entry.isDir()) {
            m.put("addUrl", editAt == null ? "" : repoUrl + "/add/" + editAt);
            String commit = History.resolveIn(folder, rev).name();
            Browse.LastCommits last = lastCommits.<IOException, History.NotFound>get(
                    repo.id() + ":" + commit + ":" + path, () -> Browse.lastCommits(folder, commit, path,
                            lastCommitWalk));
            java.time.Instant now = java.time.Instant.now();
            List<Map<String, Object>> children = new ArrayList<>();
            for (Browse.Child c : Browse.list(folder, commit, path)) {
                Map<String, Object> row = new java.util.HashMap<>();
                row.put("name", c.name());
                row.put("path", c.path());
                row.put("dir", c.isDir());
                row.put("size", c.size());
                Browse.LastCommit lc = last.byName().get(c.name());
                if (lc != null) {
                    row.put("last", Map.of("id", lc.id(), "short", lc.shortId(), "subject", lc.subject(), "author",
                            lc.author(), "age", age(lc.date(), now), "date", cairn.api.Json.time(lc.date())
                                    .replace('T', ' ')));
                }
                children.add(row);
            }
            m.put("children", children);
            m.put("lastComplete", last.complete());
            m.put("lastWalked", last.walked());
            views.render(resp, "files.ftlh", m);
            return;
        }
        m.put("editUrl", editAt == null || entry.lines() == null ? "" : repoUrl + "/edit/" + editAt);
        m.put("deleteUrl", editAt == null ? "" : repoUrl + "/delete/" + editAt);
        m.put("size", entry.size());
        m.put("image", imageType(path) != null);
        m.put("binary", entry.binary());
        m.put("language", entry.lines() == null || entry.size() > 256 * 1024 ? "nohighlight" : language(path));
        m.put("content", entry.lines() == null ? "" : String.join("\n", entry.lines()));
        m.put("tooLarge", entry.lines() == null && !entry.binary());
        m.put("lines", entry.lines() == null ? List.of() : entry.lines());
        m.put("rawUrl", req.getContextPath() + "/" + repo.name() + "/raw/" + enc(rev) + "/" + encPath(path));
        m.put("downloadUrl", req.getContextPath() + "/" + repo.name() + "/rawfile/" + enc(rev) + "/"
                + encPath(path));
        m.put("highlight", true);
        views.render(resp, "file.ftlh", m);
    }

    private static final Map<String, String> IMAGES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "gif", "image/gif", "webp", "image/webp", "ico", "image/x-icon", "bmp", "image/bmp");

    /** Image types shown inline. Not SVG: it can carry script. */
    static String imageType(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : IMAGES.get(path.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    private static final Map<String, String> LANGUAGES = Map.ofEntries(Map.entry("java", "java"),
            Map.entry("js", "javascript"), Map.entry("mjs", "javascript"), Map.entry("ts", "typescript"),
            Map.entry("py", "python"), Map.entry("rb", "ruby"), Map.entry("go", "go"), Map.entry("rs", "rust"),
            Map.entry("c", "c"), Map.entry("h", "c"), Map.entry("cc", "cpp"), Map.entry("cpp", "cpp"),
            Map.entry("hpp", "cpp"), Map.entry("cs", "csharp"), Map.entry("kt", "kotlin"), Map.entry("scala", "scala"),
            Map.entry("sh", "bash"), Map.entry("bash", "bash"), Map.entry("xml", "xml"), Map.entry("html", "xml"),
            Map.entry("css", "css"), Map.entry("json", "json"), Map.entry("yaml", "yaml"), Map.entry("yml", "yaml"),
            Map.entry("md", "markdown"), Map.entry("sql", "sql"), Map.entry("ini", "ini"), Map.entry("toml", "ini"),
            Map.entry("gradle", "groovy"), Map.entry("groovy", "groovy"), Map.entry("php", "php"),
            Map.entry("pl", "perl"), Map.entry("swift", "swift"), Map.entry("diff", "diff"),
            Map.entry("patch", "diff"), Map.entry("properties", "properties"), Map.entry("ftlh", "xml"));

    /** highlight.js's language class for a file name; unknown kinds are not highlighted (no costly guessing). */
    static String language(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.equals("Makefile")) {
            return "language-makefile";
        }
        if (name.equals("Dockerfile")) {
            return "language-dockerfile";
        }
        int dot = name.lastIndexOf('.');
        String lang = dot < 0 ? null : LANGUAGES.get(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
        return lang == null ? "nohighlight" : "language-" + lang;
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
        } else if (imageType(path) != null) {
            resp.setContentType(imageType(path));
        } else {
            resp.setContentType("text/plain;charset=UTF-8");
        }
        try (OutputStream out = resp.getOutputStream()) {
            Browse.stream(folder, args.get(0), path, resp::setContentLengthLong, out);
        }
    }

    private void changelog(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder)
            throws IOException, History.NotFound {
        int page = Math.min(Math.max(1, parse(req.getParameter("page"), 1)), 2000);
        String branch = req.getParameter("branch");
        boolean one = branch != null && !branch.isEmpty();
        String state = one ? "branch " + branch + " " + History.resolveIn(folder, branch).name()
                : "heads " + Browse.headsState(folder);
        ChangelogPage p = changelogs.<IOException, History.NotFound>get(repo.id() + ":" + state + ":" + page,
                () -> changelogPage(folder, one ? branch : null, page));
        Map<String, Object> m = model(req, v, repo, repo.name() + ": changelog");
        m.put("commits", p.rows());
        m.put("withGraph", true);
        m.put("page", page);
        m.put("next", p.more() ? page + 1 : 0);
        m.put("branch", one ? branch : "");
        m.put("branches", Browse.branches(folder));
        views.render(resp, "changelog.ftlh", m);
    }

    /** Page {@code page} of the changelog (of one branch, or of all when null), with its graph rows. */
    private static ChangelogPage changelogPage(Path folder, String branch, int page)
            throws IOException, History.NotFound {
        boolean one = branch != null;
        // the graph's lanes depend on every newer commit, so a page is laid out from the newest commit down
        List<Browse.LogEntry> log = Browse.log(folder, one ? branch : null, page * CHANGELOG_PAGE + 1);
        int from = (page - 1) * CHANGELOG_PAGE;
        boolean more = log.size() > page * CHANGELOG_PAGE;
        List<Browse.LogEntry> shown = log.subList(Math.min(from, log.size()), Math.min(log.size(),
                page * CHANGELOG_PAGE));
        List<Graph.Node> nodes = new ArrayList<>();
        for (Browse.LogEntry e : log.subList(0, Math.min(log.size(), page * CHANGELOG_PAGE))) {
            nodes.add(new Graph.Node(e.changeset().rawId(), e.parents()));
        }
        List<Graph.Row> graph = Graph.layout(nodes, from);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            Map<String, Object> r = new java.util.HashMap<>(row(shown.get(i).changeset()));
            r.put("graph", graph.get(i));
            r.put("merge", shown.get(i).parents().size() > 1);
            rows.add(java.util.Collections.unmodifiableMap(r));
        }
        return new ChangelogPage(List.copyOf(rows), more);
    }

    private void changeset(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        String rev = args.isEmpty() ? "tip" : args.get(0);
        boolean full = "1".equals(req.getParameter("fulldiff"));
        int context = Math.max(0, parse(req.getParameter("context"), 3));
        boolean ignoreWs = "1".equals(req.getParameter("ignorews"));
        boolean sideBySide = "sidebyside".equals(req.getParameter("diff"));
        Browse.Diff diff = Browse.diff(folder, rev, full ? Long.MAX_VALUE : Browse.CUT_OFF, context, ignoreWs);
        History.Changeset c = diff.changeset();
        Map<String, Object> m = model(req, v, repo, repo.name() + ": " + c.shortId());
        m.put("c", row(c));
        String body = c.message().contains("\n") ? c.message().substring(c.message().indexOf('\n') + 1).strip() : "";
        m.put("message", body);
        m.put("parents", diff.parents());
        Browse.Children kids = children.<IOException, History.NotFound>get(repo.id() + ":" + Browse.headsState(folder)
                + ":" + c.rawId(), () -> Browse.children(folder, c.rawId(), lastCommitWalk));
        m.put("children", kids.ids());
        m.put("childrenComplete", kids.complete());
        m.put("lastWalk", lastCommitWalk);
        m.put("files", diff.files());
        m.put("cut", diff.cut());
        m.put("context", context);
        m.put("ignorews", ignoreWs);
        m.put("sideBySide", sideBySide);
        m.put("pairs", sideBySide ? SideBySide.of(diff.files()) : List.of());
        views.render(resp, "changeset.ftlh", m);
    }

    /**
     * {@code compare/<type>@<name>...<type>@<name>}: what the second has that the first lacks. With
     * {@code ?other_repo=<fork>} the second side is read in that repository (one the visitor may read).
     */
    private void compare(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        Map<String, Object> m = model(req, v, repo, repo.name() + ": compare");
        m.put("branches", Browse.branches(folder));
        m.put("tags", new ArrayList<>(Browse.refs(folder).tags().keySet()));
        String spec = String.join("/", args);
        if (spec.isEmpty()) {
            m.put("result", false);
            views.render(resp, "compare.ftlh", m);
            return;
        }
        String[] ends = spec.split("\\.\\.\\.", 2);
        if (ends.length != 2) {
            throw new History.NotFound(spec);
        }
        String org = refName(ends[0]);
        String other = refName(ends[1]);
        Path otherFolder = folder;
        String otherRepo = req.getParameter("other_repo");
        if (otherRepo != null && !otherRepo.isEmpty() && !otherRepo.equals(repo.name())) {
            Repo o = repos.byName(otherRepo).filter(r -> v.perms().repo(r.id()).atLeast(cairn.auth.Level.READ))
                    .orElseThrow(() -> new History.NotFound(otherRepo));
            otherFolder = repos.folder(o);
            if (otherFolder == null) {
                throw new History.NotFound(otherRepo);
            }
            org = History.resolveIn(folder, org).name();
        }
        Browse.Comparison c;
        try {
            c = Browse.compare(otherFolder, org, other, Browse.CUT_OFF, 3, false);
        } catch (org.eclipse.jgit.errors.MissingObjectException e) {
            throw new History.NotFound(org);
        }
        m.put("result", true);
        m.put("org", ends[0]);
        m.put("other", ends[1]);
        m.put("otherRepo", otherRepo == null ? "" : otherRepo);
        m.put("related", c.related());
        m.put("commits", rows(c.commits()));
        m.put("files", c.diff().files());
        m.put("cut", c.diff().cut());
        views.render(resp, "compare.ftlh", m);
    }

    /** {@code branch@main}, {@code tag@v1}, {@code rev@abc123} (Kallithea's ref types) → the name to resolve. */
    private static String refName(String typed) throws History.NotFound {
        int at = typed.indexOf('@');
        String type = at < 0 ? "rev" : typed.substring(0, at);
        String name = at < 0 ? typed : typed.substring(at + 1);
        if (!List.of("branch", "book", "tag", "rev").contains(type) || name.isEmpty()) {
            throw new History.NotFound(typed);
        }
        return switch (type) {
            case "branch", "book" -> "refs/heads/" + name;
            case "tag" -> "refs/tags/" + name;
            default -> name;
        };
    }

    private void annotate(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        if (args.size() < 2) {
            throw new History.NotFound("path");
        }
        String rev = args.get(0);
        String path = String.join("/", args.subList(1, args.size()));
        List<Browse.BlameLine> lines = Browse.annotate(folder, rev, path);
        Map<String, Object> m = model(req, v, repo, repo.name() + ": annotate " + path);
        m.put("rev", rev);
        m.put("path", path);
        m.put("crumbs", crumbs(path));
        m.put("lines", lines == null ? List.of() : lines);
        m.put("unavailable", lines == null);
        views.render(resp, "annotate.ftlh", m);
    }

    private void fileHistory(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        String rev = args.get(0);
        String path = String.join("/", args.subList(1, args.size()));
        int page = Math.max(1, parse(req.getParameter("page"), 1));
        List<History.Changeset> commits = Browse.fileHistory(folder, rev, path, (page - 1) * CHANGELOG_PAGE,
                CHANGELOG_PAGE + 1);
        if (commits.isEmpty() && page == 1) {
            throw new History.NotFound(path);
        }
        Map<String, Object> m = model(req, v, repo, repo.name() + ": history of " + path);
        boolean more = commits.size() > CHANGELOG_PAGE;
        m.put("commits", rows(more ? commits.subList(0, CHANGELOG_PAGE) : commits));
        m.put("page", page);
        m.put("next", more ? page + 1 : 0);
        m.put("branch", "");
        m.put("branches", List.of());
        m.put("path", path);
        views.render(resp, "changelog.ftlh", m);
    }

    /** Streams {@code <rev>.zip|.tar.gz|.tar}; only where downloads are enabled; journaled. */
    private boolean archive(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, Path folder,
            List<String> args) throws IOException, History.NotFound {
        if (args.size() != 1) {
            return false;
        }
        String fname = args.get(0);
        String format = Browse.ARCHIVE_FORMATS.stream().filter(f -> fname.endsWith("." + f)).findFirst()
                .orElse(null);
        if (format == null) {
            return false;
        }
        if (!repo.enableDownloads()) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Downloads are disabled for this repository");
            return true;
        }
        String rev = fname.substring(0, fname.length() - format.length() - 1);
        String prefix = repo.shortName() + "-" + rev.replaceAll("[^A-Za-z0-9._-]", "_");
        Browse.entry(folder, rev, "");
        resp.setContentType(format.equals("zip") ? "application/zip"
                : format.equals("tar") ? "application/x-tar" : "application/gzip");
        resp.setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + enc(prefix + "." + format));
        journal.record(v.user(), repo, "user_downloaded_archive:" + fname, req.getRemoteAddr());
        try (OutputStream out = resp.getOutputStream()) {
            Browse.archive(folder, rev, format, prefix, out);
        }
        return true;
    }

    private void feed(HttpServletRequest req, HttpServletResponse resp, Repo repo, Path folder, List<String> args)
            throws IOException, History.NotFound {
        String kind = args.isEmpty() ? "" : args.get(0);
        if (!kind.equals("rss") && !kind.equals("atom")) {
            throw new History.NotFound(kind);
        }
        List<History.Changeset> commits = Browse.latest(folder, "tip", 0, 20);
        String link = req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort()
                + req.getContextPath() + "/" + repo.name();
        resp.setContentType((kind.equals("rss") ? "application/rss+xml" : "application/atom+xml") + ";charset=UTF-8");
        resp.getWriter().write(kind.equals("rss") ? Feeds.rss(repo, link, commits) : Feeds.atom(repo, link, commits));
    }

    private void refsData(HttpServletResponse resp, Path folder) throws IOException {
        Browse.Refs refs = Browse.refs(folder);
        List<Object> groups = new ArrayList<>();
        groups.add(Map.of("text", "Branches", "children", refChildren(refs.branches(), "branch")));
        groups.add(Map.of("text", "Tags", "children", refChildren(refs.tags(), "tag")));
        resp.setContentType("application/json;charset=UTF-8");
        resp.getWriter().write(cairn.api.Json.MAPPER.writeValueAsString(Map.of("more", false, "results", groups)));
    }

    private static List<Object> refChildren(Map<String, String> refs, String type) {
        List<Object> out = new ArrayList<>();
        refs.forEach((name, id) -> out.add(Map.of("id", name, "text", name, "type", type, "obj", id)));
        return out;
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

    /** How long ago, in the largest whole unit: "just now", "5 minutes ago", "3 days ago", "2 years ago". */
    static String age(java.time.Instant then, java.time.Instant now) {
        long s = Math.max(0, java.time.Duration.between(then, now).getSeconds());
        long[] sizes = {365L * 86400, 30L * 86400, 7L * 86400, 86400, 3600, 60};
        String[] names = {"year", "month", "week", "day", "hour", "minute"};
        for (int i = 0; i < sizes.length; i++) {
            long n = s / sizes[i];
            if (n >= 1) {
                return n + " " + names[i] + (n == 1 ? "" : "s") + " ago";
            }
        }
        return "just now";
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
