package cairn.web.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.db.PermissionDao.Member;
import cairn.vcs.ImportJobs;
import cairn.vcs.ImportProgress;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoNames;
import cairn.vcs.RepoService;
import cairn.vcs.RepoService.Refusal;
import cairn.web.Visitor;

/**
 * {@code /_admin/repos} (list) and {@code /_admin/repos/new} (create an empty Git repository), and a repository's
 * {@code /settings} (description, private, rename/move, owner, downloads), {@code /settings/delete} and
 * {@code /settings/permissions}.
 */
final class RepoAdmin {
    private final AdminPages pages;
    private final RepoService repos;
    private final PermissionService permissions;
    private final GrantPage grants;

    RepoAdmin(AdminPages pages) {
        this.pages = pages;
        this.repos = pages.services.repos;
        this.permissions = pages.services.permissions;
        this.grants = new GrantPage(pages);
    }

    boolean serveAdmin(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail, boolean post)
            throws IOException {
        if ((tail.isEmpty() || tail.get(0).isEmpty()) && !post) {
            list(req, resp, v);
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("new")) {
            if (post) {
                create(req, resp, v);
            } else {
                Map<String, Object> form = new LinkedHashMap<>();
                form.put("repo_name", "");
                form.put("repo_group", AdminPages.param(req, "group"));
                form.put("description", "");
                form.put("private", false);
                form.put("copy_permissions", false);
                form.put("clone_uri", "");
                createForm(req, resp, v, form, Map.of());
            }
            return true;
        }
        if (!post && tail.get(0).equals("import")
                && (tail.size() == 2 || tail.size() == 3 && tail.get(2).equals("status"))) {
            importJob(req, resp, v, tail.get(1), tail.size() == 3);
            return true;
        }
        return false;
    }

    // ---- /_admin/repos/import/{id}[/status]: an import running in the background ------------------------------

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The job page, or with {@code status} its JSON for cairn.js to poll; 404 for another user's job. */
    private void importJob(HttpServletRequest req, HttpServletResponse resp, Visitor v, String id, boolean status)
            throws IOException {
        Optional<ImportJobs.View> job = pages.services.imports.get(id, v.user(), v.perms().isAdmin());
        if (job.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Map<String, Object> j = jobModel(job.get());
        if (status) {
            resp.setContentType("application/json;charset=UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            JSON.writeValue(resp.getOutputStream(), j);
            return;
        }
        Map<String, Object> m = pages.model(req, v, (String) j.get("title"), "repos");
        m.put("job", j);
        pages.render(resp, "repo_import.ftlh", m);
    }

    static Map<String, Object> jobModel(ImportJobs.View job) {
        Map<String, Object> j = new LinkedHashMap<>();
        ImportProgress.Snapshot p = job.progress();
        String state = job.state().name().toLowerCase(java.util.Locale.ROOT);
        boolean pull = job.kind() == ImportJobs.Kind.PULL;
        j.put("id", job.id());
        j.put("kind", job.kind().name().toLowerCase(java.util.Locale.ROOT));
        j.put("title", (pull ? "Pulling into " : "Importing ") + job.repo());
        j.put("again", pull ? "/" + job.repo() + "/settings" : "/_admin/repos/new");
        j.put("againText", pull ? "Back to the settings of " + job.repo() : "Back to New repository");
        j.put("repo", job.repo());
        j.put("url", job.url());
        j.put("state", state);
        j.put("stateText", switch (job.state()) {
            case QUEUED -> "Waiting for a free import slot…";
            case RUNNING -> p.task() == null && p.finished().isEmpty() ? "Connecting…" : "Importing…";
            case DONE -> (pull ? "Pulled into " : "Imported ") + job.repo() + ".";
            case FAILED -> pull ? "Pull failed." : "Import failed.";
        });
        j.put("task", p.task() == null ? "" : p.task());
        j.put("done", p.done());
        j.put("total", p.total());
        j.put("percent", p.percent());
        j.put("line", p.line());
        j.put("log", p.finished());
        j.put("error", job.error() == null ? "" : job.error());
        j.put("started", cairn.api.Json.time(job.started()).replace('T', ' '));
        return j;
    }

    private Map<Long, String> usernames() {
        Map<Long, String> names = new HashMap<>();
        for (User u : pages.services.users.all()) {
            names.put(u.id(), u.username());
        }
        return names;
    }

    private void list(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<Long, String> names = usernames();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Repo r : repos.all()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("description", r.description() == null ? "" : r.description());
            row.put("owner", names.getOrDefault(r.ownerId(), ""));
            row.put("private", r.isPrivate());
            rows.add(row);
        }
        Map<String, Object> m = pages.model(req, v, "Repositories", "repos");
        m.put("repos", rows);
        pages.render(resp, "repos.ftlh", m);
    }

    /** Groups the visitor may create repositories in (write or more), by name; "" stands for the top level. */
    private List<Map<String, String>> groupChoices(Visitor v, boolean withTop) {
        List<Map<String, String>> out = new ArrayList<>();
        if (withTop) {
            out.add(Map.of("id", "", "name", "(top level)"));
        }
        List<RepoGroup> all = new ArrayList<>(repos.allGroups());
        all.sort(java.util.Comparator.comparing(RepoGroup::name));
        for (RepoGroup g : all) {
            if (v.perms().isAdmin() || v.perms().group(g.id()).atLeast(Level.WRITE)) {
                out.add(Map.of("id", String.valueOf(g.id()), "name", g.name()));
            }
        }
        return out;
    }

    private void createForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, Object> form,
            Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "New repository", "repos");
        m.put("form", form);
        m.put("groups", groupChoices(v, RepoService.canCreateTopLevel(v.perms())));
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "repo_new.ftlh", m);
    }

    /** The fields the new-repository and fork forms share, as posted. */
    private static Map<String, Object> posted(HttpServletRequest req) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("repo_name", AdminPages.param(req, "repo_name"));
        form.put("repo_group", AdminPages.param(req, "repo_group"));
        form.put("description", AdminPages.param(req, "description"));
        form.put("private", AdminPages.checked(req, "private"));
        form.put("copy_permissions", AdminPages.checked(req, "copy_permissions"));
        return form;
    }

    /**
     * The full name a posted form asks for (its group's name + the short name), its problems put next to their
     * fields in {@code errors}.
     */
    private String fullName(Map<String, Object> form, Map<String, String> errors) {
        String shortName = (String) form.get("repo_name");
        String groupId = (String) form.get("repo_group");
        RepoGroup group = null;
        if (!groupId.isEmpty()) {
            Long gid = AdminPages.id(groupId);
            group = gid == null ? null : repos.groupById(gid).orElse(null);
            if (group == null) {
                errors.put("repo_group", "No such repository group");
            }
        }
        String fullName = group == null ? shortName : group.name() + "/" + shortName;
        nameProblem(shortName, fullName, null).ifPresent(p -> errors.put("repo_name", p));
        return fullName;
    }

    /**
     * What is wrong with {@code shortName} as the last part of {@code fullName}, said next to the name field;
     * {@code current} (may be null) is the repository's own name, which it may keep.
     */
    private Optional<String> nameProblem(String shortName, String fullName, String current) {
        if (shortName.isEmpty()) {
            return Optional.of("Enter a name");
        }
        if (shortName.contains("/") || !RepoNames.isValid(fullName)) {
            return Optional.of("Letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        if (!fullName.equals(current)
                && (repos.byName(fullName).isPresent() || repos.groupByName(fullName).isPresent())) {
            return Optional.of(fullName + " already exists");
        }
        return Optional.empty();
    }

    /** What the service is asked to make from a posted form. */
    private static RepoService.NewRepo spec(Map<String, Object> form, String fullName, Visitor v, String cloneUri) {
        return new RepoService.NewRepo(fullName, v.user(), (String) form.get("description"),
                (Boolean) form.get("private"), cloneUri, "rev:tip", false, false,
                (Boolean) form.get("copy_permissions"));
    }

    private void create(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> form = posted(req);
        String cloneUri = AdminPages.param(req, "clone_uri");
        form.put("clone_uri", cloneUri);
        Map<String, String> errors = new LinkedHashMap<>();
        if (!cloneUri.isEmpty() && !cairn.vcs.RepoImporter.isAllowedRemote(cloneUri)) {
            errors.put("clone_uri", "An http(s) or git:// URL with a host");
        }
        String fullName = fullName(form, errors);
        if (errors.isEmpty() && !cloneUri.isEmpty()) {
            // an import runs in the background: the next page follows it
            try {
                String job = pages.services.imports.start(v.user(), v.perms(), spec(form, fullName, v, cloneUri),
                        AdminPages.ip(req));
                AdminPages.redirect(req, resp, "/_admin/repos/import/" + job);
                return;
            } catch (Refusal e) {
                String why = e.detail() != null ? e.detail() : e.getMessage();
                errors.put(why.contains("URL") ? "clone_uri" : "repo_name", why);
            }
        }
        if (errors.isEmpty()) {
            try {
                repos.checkCreateLocation(v.perms(), fullName);
                repos.create(v.user(), spec(form, fullName, v, null), AdminPages.ip(req));
                pages.done(req, resp, "/" + fullName + "/settings", "Created repository " + fullName);
                return;
            } catch (Refusal e) {
                errors.put("repo_name", e.getMessage());
            }
        }
        createForm(req, resp, v, form, errors);
    }

    // ---- /{repo}/fork --------------------------------------------------------------------------------------------

    boolean serveFork(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo source, boolean post)
            throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        if (!post) {
            form.put("repo_name", source.shortName() + "-fork");
            form.put("repo_group", "");
            form.put("description", "");
            form.put("private", source.isPrivate());
            form.put("copy_permissions", false);
            forkForm(req, resp, v, source, form, Map.of());
            return true;
        }
        form = posted(req);
        Map<String, String> errors = new LinkedHashMap<>();
        String fullName = fullName(form, errors);
        if (errors.isEmpty()) {
            try {
                repos.checkCreateLocation(v.perms(), fullName);
            } catch (Refusal e) {
                errors.put("repo_group", e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            try {
                repos.fork(v.user(), source, spec(form, fullName, v, null), AdminPages.ip(req));
                pages.done(req, resp, "/" + fullName + "/settings", "Forked " + source.name() + " as " + fullName);
                return true;
            } catch (Refusal e) {
                errors.put("repo_name", e.getMessage());
            }
        }
        forkForm(req, resp, v, source, form, errors);
        return true;
    }

    private void forkForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo source,
            Map<String, Object> form, Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "Fork " + source.name(), "repos");
        m.put("repo", source.name());
        m.put("form", form);
        m.put("groups", groupChoices(v, RepoService.canCreateTopLevel(v.perms())));
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "repo_fork.ftlh", m);
    }

    // ---- /{repo}/settings ----------------------------------------------------------------------------------------

    boolean serveSettings(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo, List<String> tail,
            boolean post) throws IOException {
        if (tail.isEmpty()) {
            if (post) {
                update(req, resp, v, repo);
            } else {
                settingsForm(req, resp, v, repo, values(repo), Map.of());
            }
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("delete") && post) {
            delete(req, resp, v, repo);
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("pull") && post) {
            // in the background, followed on the job page as an import is
            try {
                String job = pages.services.imports.startPull(v.user(), repo, AdminPages.ip(req));
                AdminPages.redirect(req, resp, "/_admin/repos/import/" + job);
            } catch (Refusal e) {
                settingsForm(req, resp, v, repo, values(repo), Map.of("pull",
                        e.detail() != null ? e.detail() : e.getMessage()));
            }
            return true;
        }
        if (tail.get(0).equals("permissions")) {
            return grants.serve(req, resp, v, target(v, repo), tail.subList(1, tail.size()), post);
        }
        return false;
    }

    private Map<String, Object> values(Repo r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("repo_name", r.shortName());
        f.put("repo_group", r.groupId() == null ? "" : String.valueOf(r.groupId()));
        f.put("description", r.description() == null ? "" : r.description());
        f.put("private", r.isPrivate());
        f.put("enable_downloads", r.enableDownloads());
        f.put("enable_statistics", r.enableStatistics());
        f.put("landing_rev", r.landingRevision() == null ? "rev:tip" : r.landingRevision());
        f.put("owner", pages.services.users.byId(r.ownerId()).map(User::username).orElse(""));
        return f;
    }

    private void settingsForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo,
            Map<String, Object> form, Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, repo.name() + " settings", "repos");
        m.put("repo", repo.name());
        m.put("form", form);
        List<Map<String, String>> groups = groupChoices(v, true);
        if (repo.groupId() != null && groups.stream().noneMatch(g -> g.get("id").equals(form.get("repo_group")))) {
            // the current group stays selectable even without write on it
            repos.groupById(repo.groupId()).ifPresent(g -> groups.add(Map.of("id", String.valueOf(g.id()),
                    "name", g.name())));
        }
        m.put("groups", groups);
        m.put("forks", repos.forks(repo).stream().map(Repo::name).toList());
        m.put("landingRevs", landingChoices(repo));
        m.put("pullFrom", repo.cloneUri() != null && !repo.cloneUri().isEmpty()
                ? cairn.vcs.RepoImporter.hidePassword(repo.cloneUri())
                : repo.forkId() == null ? "" : repos.byId(repo.forkId()).map(Repo::name).orElse(""));
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "repo_settings.ftlh", m);
    }

    private void update(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo) throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        String shortName = AdminPages.param(req, "repo_name");
        String groupId = AdminPages.param(req, "repo_group");
        String ownerName = AdminPages.param(req, "owner");
        form.put("repo_name", shortName);
        form.put("repo_group", groupId);
        form.put("description", AdminPages.param(req, "description"));
        form.put("private", AdminPages.checked(req, "private"));
        form.put("enable_downloads", AdminPages.checked(req, "enable_downloads"));
        form.put("enable_statistics", AdminPages.checked(req, "enable_statistics"));
        String landing = AdminPages.param(req, "landing_rev");
        form.put("landing_rev", landing);
        form.put("owner", ownerName);
        Map<String, String> errors = new LinkedHashMap<>();
        if (landingChoices(repo).stream().noneMatch(c -> c.get("id").equals(landing))) {
            errors.put("landing_rev", "Choose one of the revisions offered");
        }
        RepoGroup group = null;
        boolean toTop = groupId.isEmpty() && repo.groupId() != null;
        if (!groupId.isEmpty()) {
            Long gid = AdminPages.id(groupId);
            group = gid == null ? null : repos.groupById(gid).orElse(null);
            if (group == null) {
                errors.put("repo_group", "No such repository group");
            } else if (java.util.Objects.equals(group.id(), repo.groupId())) {
                group = null;
            }
        }
        User owner = null;
        String currentOwner = pages.services.users.byId(repo.ownerId()).map(User::username).orElse("");
        if (v.perms().isAdmin() && !ownerName.isEmpty() && !ownerName.equals(currentOwner)) {
            owner = pages.services.users.byUsername(ownerName).filter(u -> !u.isDefault()).orElse(null);
            if (owner == null) {
                errors.put("owner", "No user " + ownerName);
            }
        }
        String parent = toTop ? null : group != null ? group.name() : RepoNames.parent(repo.name());
        String newName = parent == null ? shortName : parent + "/" + shortName;
        nameProblem(shortName, newName, repo.name()).ifPresent(p -> errors.put("repo_name", p));
        if (errors.isEmpty()) {
            try {
                String nameArg = shortName.equals(repo.shortName()) ? repo.name() : shortName;
                repos.checkUpdate(v.perms(), repo, nameArg, owner != null, group, repo.name());
                if (toTop) {
                    repos.checkCreateLocation(v.perms(), shortName);
                }
            } catch (Refusal e) {
                errors.put(group != null || toTop ? "repo_group" : "repo_name", e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            try {
                Repo updated = repos.update(v.user(), repo, new RepoService.Changes(
                        shortName.equals(repo.shortName()) ? null : shortName, group, owner,
                        (String) form.get("description"), (Boolean) form.get("private"), null, landing,
                        (Boolean) form.get("enable_statistics"), (Boolean) form.get("enable_downloads")), toTop,
                        repo.name(), AdminPages.ip(req));
                pages.done(req, resp, "/" + updated.name() + "/settings", "Saved the settings of " + updated.name());
                return;
            } catch (Refusal e) {
                errors.put("repo_name", e.getMessage());
            }
        }
        settingsForm(req, resp, v, repo, form, errors);
    }

    /** Landing revisions: the tip, every branch and every tag (Kallithea's rev:, branch:, tag: forms). */
    private List<Map<String, String>> landingChoices(Repo repo) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(Map.of("id", "rev:tip", "name", "tip (newest)"));
        try {
            RepoService.Refs refs = repos.refs(repo);
            refs.branches().keySet().forEach(b -> out.add(Map.of("id", "branch:" + b, "name", "branch " + b)));
            refs.tags().keySet().forEach(t -> out.add(Map.of("id", "tag:" + t, "name", "tag " + t)));
        } catch (IOException e) {
            // a repository that cannot be read offers the tip only
        }
        String current = repo.landingRevision() == null ? "rev:tip" : repo.landingRevision();
        if (out.stream().noneMatch(c -> c.get("id").equals(current))) {
            out.add(Map.of("id", current, "name", current));
        }
        return out;
    }

    private void delete(HttpServletRequest req, HttpServletResponse resp, Visitor v, Repo repo) throws IOException {
        String forks = AdminPages.param(req, "forks");
        try {
            repos.delete(v.user(), repo, forks, AdminPages.ip(req));
        } catch (Refusal e) {
            Map<String, String> errors = new LinkedHashMap<>();
            errors.put("delete", repos.forks(repo).isEmpty() ? e.getMessage()
                    : e.getMessage() + ": it has forks; choose to detach or delete them");
            settingsForm(req, resp, v, repo, values(repo), errors);
            return;
        }
        pages.done(req, resp, v.perms().isAdmin() ? "/_admin/repos" : "/_admin/my_account/repos",
                "Deleted repository " + repo.name());
    }

    private GrantPage.Target target(Visitor v, Repo repo) {
        return new GrantPage.Target() {
            @Override
            public String title() {
                return repo.name() + " permissions";
            }

            @Override
            public String section() {
                return "repos";
            }

            @Override
            public String path() {
                return "/" + repo.name() + "/settings/permissions";
            }

            @Override
            public String back() {
                return "/" + repo.name() + "/settings";
            }

            @Override
            public boolean recursive() {
                return false;
            }

            @Override
            public List<Member> userMembers() {
                return permissions.userMembers(Kind.REPOSITORY, repo.id());
            }

            @Override
            public List<Member> userGroupMembers() {
                return permissions.userGroupMembers(Kind.REPOSITORY, repo.id());
            }

            @Override
            public String setUser(User user, Level level, String recursion) {
                Optional<Repo> now = repos.byId(repo.id());
                if (user.isDefault() && level != null && level != Level.NONE && now.map(Repo::isPrivate).orElse(false)) {
                    return "The repository is private: anonymous visitors and the default level stay at none";
                }
                if (level == null) {
                    permissions.revokeUser(Kind.REPOSITORY, repo.id(), user);
                } else {
                    permissions.grantUser(Kind.REPOSITORY, repo.id(), user, level);
                }
                return null;
            }

            @Override
            public String setUserGroup(UserGroup group, Level level, String recursion) {
                if (level == null) {
                    permissions.revokeUserGroup(Kind.REPOSITORY, repo.id(), group.id());
                } else {
                    permissions.grantUserGroup(Kind.REPOSITORY, repo.id(), group.id(), level);
                }
                return null;
            }
        };
    }
}
