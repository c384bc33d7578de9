package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.User;
import cairn.db.PermissionDao;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoImporter;
import cairn.vcs.RepoService;
import cairn.vcs.RepoService.Refusal;
import cairn.vcs.RepoService.Tip;

/**
 * Repositories: get_repo, get_repos, create_repo, update_repo, fork_repo, delete_repo, the four repository grant and
 * revoke methods, pull and invalidate_cache. The rules live in {@link RepoService}; this class reads arguments,
 * resolves ids and shapes answers as Kallithea 0.7 does.
 */
public final class RepoMethods {
    /** Permission names Kallithea knows (its permissions table); others "do not exist". */
    private static final Set<String> PERMISSION_NAMES = Set.of("hg.admin", "repository.none", "repository.read",
            "repository.write", "repository.admin", "group.none", "group.read", "group.write", "group.admin",
            "usergroup.none", "usergroup.read", "usergroup.write", "usergroup.admin", "hg.repogroup.create.false",
            "hg.repogroup.create.true", "hg.usergroup.create.false", "hg.usergroup.create.true", "hg.create.none",
            "hg.create.repository", "hg.create.write_on_repogroup.false", "hg.create.write_on_repogroup.true",
            "hg.fork.none", "hg.fork.repository", "hg.register.none", "hg.register.manual_activate",
            "hg.register.auto_activate", "hg.extern_activate.manual", "hg.extern_activate.auto");

    private final Services services;

    public RepoMethods(Services services) {
        this.services = services;
    }

    public void register(ApiRegistry r) {
        r.add("get_repo", this::getRepo, required("repoid"), optional("with_revision_names"),
                optional("with_pullrequests"));
        r.add("get_repos", this::getRepos);
        r.add("create_repo", this::createRepo, required("repo_name"), optional("owner"), optional("repo_type"),
                optional("description"), optional("private"), optional("clone_uri"), optional("landing_rev"),
                optional("enable_statistics"), optional("enable_downloads"), optional("copy_permissions"));
        r.add("update_repo", this::updateRepo, required("repoid"), optional("name"), optional("owner"),
                optional("group"), optional("description"), optional("private"), optional("clone_uri"),
                optional("landing_rev"), optional("enable_statistics"), optional("enable_downloads"));
        r.add("fork_repo", this::forkRepo, required("repoid"), required("fork_name"), optional("owner"),
                optional("description"), optional("copy_permissions"), optional("private"), optional("landing_rev"));
        r.add("delete_repo", this::deleteRepo, required("repoid"), optional("forks"));
        r.admin("grant_user_permission", this::grantUser, required("repoid"), required("userid"), required("perm"));
        r.admin("revoke_user_permission", this::revokeUser, required("repoid"), required("userid"));
        r.add("grant_user_group_permission", this::grantUserGroup, required("repoid"), required("usergroupid"),
                required("perm"));
        r.add("revoke_user_group_permission", this::revokeUserGroup, required("repoid"), required("usergroupid"));
        r.admin("pull", this::pull, required("repoid"), optional("clone_uri"));
        r.add("invalidate_cache", this::invalidateCache, required("repoid"));
    }

    // ---- lookups -------------------------------------------------------------------------------------------------

    private Repo repoOrError(ApiCall call, String arg) throws ApiError {
        JsonNode v = call.args().raw(arg);
        Long key = Ids.key(v);
        Optional<Repo> repo = key != null ? services.repos.byId(key) : services.repos.byName(Ids.text(v));
        return repo.orElseThrow(() -> new ApiError("repository `" + Ids.text(v) + "` does not exist"));
    }

    private User userOrError(JsonNode v) throws ApiError {
        Long key = Ids.key(v);
        Optional<User> user = key != null ? services.users.byId(key) : services.users.byUsername(Ids.text(v));
        return user.orElseThrow(() -> new ApiError("user `" + Ids.text(v) + "` does not exist"));
    }

    private RepoService.UserGroupRef userGroupOrError(JsonNode v) throws ApiError {
        Long key = Ids.key(v);
        Optional<RepoService.UserGroupRef> g = key != null ? services.repos.userGroupById(key)
                : services.repos.userGroupByName(Ids.text(v));
        return g.orElseThrow(() -> new ApiError("user group `" + Ids.text(v) + "` does not exist"));
    }

    private RepoGroup repoGroupOrError(JsonNode v) throws ApiError {
        Long key = Ids.key(v);
        Optional<RepoGroup> g = key != null ? services.repos.groupById(key) : services.repos.groupByName(Ids.text(v));
        return g.orElseThrow(() -> new ApiError("repository group `" + Ids.text(v) + "` does not exist"));
    }

    private static String ip(ApiCall call) {
        return call.request().getRemoteAddr();
    }

    private static Level repoLevel(String perm) throws ApiError {
        if (!PERMISSION_NAMES.contains(perm)) {
            throw new ApiError("permission `" + perm + "` does not exist");
        }
        if (!perm.startsWith("repository.")) {
            throw new ApiError("permission `" + perm + "` is invalid, should start with repository.");
        }
        return Level.ofPermissionName(perm);
    }

    private static ApiError asError(Refusal r) {
        return new ApiError(r.getMessage());
    }

    // ---- shapes --------------------------------------------------------------------------------------------------

    /** Kallithea's repository object; credentials in clone_uri are shown to super-admins only. */
    static Map<String, Object> repoShape(Repo r, String ownerName, String forkOf, Tip tip, boolean admin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repo_id", r.id());
        m.put("repo_name", r.name());
        m.put("repo_type", r.type());
        m.put("clone_uri", admin ? r.cloneUri() : RepoImporter.hidePassword(r.cloneUri()));
        m.put("private", r.isPrivate());
        m.put("created_on", Json.time(r.createdOn()));
        m.put("description", r.description() == null ? "" : r.description());
        String landing = r.landingRevision() == null ? "rev:tip" : r.landingRevision();
        int colon = landing.indexOf(':');
        m.put("landing_rev", colon < 0 ? List.of("rev", landing)
                : List.of(landing.substring(0, colon), landing.substring(colon + 1)));
        m.put("owner", ownerName);
        m.put("fork_of", forkOf);
        m.put("enable_statistics", r.enableStatistics());
        m.put("enable_downloads", r.enableDownloads());
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("short_id", tip.shortId());
        cs.put("raw_id", tip.rawId());
        cs.put("revision", tip.revision());
        cs.put("message", tip.message());
        cs.put("date", tip.isEmpty() ? "1970-01-01T00:00:00" : Json.time(tip.date()));
        cs.put("author", tip.author());
        m.put("last_changeset", cs);
        return m;
    }

    private Map<String, Object> repoShape(ApiCall call, Repo r) {
        String owner = services.users.byId(r.ownerId()).map(User::username).orElse(null);
        String forkOf = r.forkId() == null ? null : services.repos.byId(r.forkId()).map(Repo::name).orElse(null);
        return repoShape(r, owner, forkOf, services.repos.tip(r), call.isAdmin());
    }

    // ---- methods -------------------------------------------------------------------------------------------------

    private Object getRepo(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        if (!call.isAdmin() && !call.perms().repo(repo.id()).atLeast(Level.READ)) {
            throw new ApiError("repository `" + Ids.text(call.args().raw("repoid")) + "` does not exist");
        }
        Map<String, Object> m = repoShape(call, repo);
        List<Map<String, Object>> members = new ArrayList<>();
        for (PermissionDao.Member u : services.permissions.userMembers(Kind.REPOSITORY, repo.id())) {
            members.add(member(u, "user"));
        }
        for (PermissionDao.Member g : services.permissions.userGroupMembers(Kind.REPOSITORY, repo.id())) {
            members.add(member(g, "user_group"));
        }
        m.put("members", members);
        List<Map<String, Object>> followers = new ArrayList<>();
        for (User u : services.repos.followers(repo)) {
            followers.add(Shapes.user(u, List.of()));
        }
        m.put("followers", followers);
        if (call.args().bool("with_revision_names", false)) {
            RepoService.Refs refs = services.repos.refs(repo);
            m.put("tags", refs.tags());
            m.put("branches", refs.branches());
            m.put("bookmarks", Map.of());
        }
        if (call.args().bool("with_pullrequests", false)) {
            // pull requests arrive with their own issue; the key is there so scripts find it
            m.put("pull_requests", List.of());
        }
        return m;
    }

    private static Map<String, Object> member(PermissionDao.Member g, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.name());
        m.put("type", type);
        m.put("permission", g.permissionName());
        return m;
    }

    private Object getRepos(ApiCall call) {
        List<Repo> all = services.repos.allById();
        List<Repo> visible = new ArrayList<>();
        for (Repo r : all) {
            if (call.isAdmin() || call.perms().repo(r.id()).atLeast(Level.READ)) {
                visible.add(r);
            }
        }
        Map<Long, String> owners = new HashMap<>();
        for (User u : services.users.all()) {
            owners.put(u.id(), u.username());
        }
        Map<Long, String> names = new HashMap<>();
        for (Repo r : all) {
            names.put(r.id(), r.name());
        }
        Map<Long, Tip> tips = services.repos.tips(visible);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Repo r : visible) {
            out.add(repoShape(r, owners.get(r.ownerId()), r.forkId() == null ? null : names.get(r.forkId()),
                    tips.getOrDefault(r.id(), Tip.EMPTY), call.isAdmin()));
        }
        return out;
    }

    private User ownerArg(ApiCall call) throws ApiError {
        if (!call.args().given("owner")) {
            return call.user();
        }
        return userOrError(call.args().raw("owner"));
    }

    private Object createRepo(ApiCall call) throws Exception {
        Args a = call.args();
        String name = a.string("repo_name", "");
        try {
            services.repos.checkCreateLocation(call.perms(), name);
        } catch (Refusal r) {
            throw asError(r);
        }
        if (!call.isAdmin() && a.given("owner")) {
            throw new ApiError("Only Kallithea admin can specify `owner` param");
        }
        User owner = ownerArg(call);
        if (services.repos.byName(name).isPresent()) {
            throw new ApiError("repo `" + name + "` already exist");
        }
        if (!"git".equals(a.string("repo_type", "git"))) {
            throw new ApiError("failed to create repository `" + name.substring(name.lastIndexOf('/') + 1) + "`");
        }
        RepoService.NewRepo spec = new RepoService.NewRepo(name, owner, a.string("description", ""),
                a.bool("private", false), a.string("clone_uri"), a.string("landing_rev", "rev:tip"),
                a.bool("enable_statistics", false), a.bool("enable_downloads", false),
                a.bool("copy_permissions", false));
        try {
            services.repos.create(call.user(), spec, ip(call));
        } catch (Refusal r) {
            throw asError(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "Created new repository `" + name + "`");
        m.put("success", true);
        return m;
    }

    private Object updateRepo(ApiCall call) throws Exception {
        Args a = call.args();
        Repo repo = repoOrError(call, "repoid");
        String asGiven = Ids.text(a.raw("repoid"));
        String name = a.string("name");
        RepoGroup group = null;
        try {
            if (!call.isAdmin()) {
                // permission and owner checks come before the group is looked up, as in Kallithea
                services.repos.checkUpdate(call.perms(), repo, name, a.given("owner"), null, asGiven);
            }
            if (a.given("group")) {
                group = repoGroupOrError(a.raw("group"));
                services.repos.checkUpdate(call.perms(), repo, name, a.given("owner"), group, asGiven);
            }
        } catch (Refusal r) {
            throw asError(r);
        }
        User owner = a.given("owner") ? userOrError(a.raw("owner")) : null;
        RepoService.Changes changes;
        try {
            changes = new RepoService.Changes(name, group, owner, a.string("description"),
                    a.given("private") ? a.bool("private", false) : null, a.string("clone_uri"),
                    a.string("landing_rev"),
                    a.given("enable_statistics") ? a.bool("enable_statistics", false) : null,
                    a.given("enable_downloads") ? a.bool("enable_downloads", false) : null);
        } catch (ApiError e) {
            throw new ApiError("failed to update repo `" + asGiven + "`");
        }
        Repo updated;
        try {
            updated = services.repos.update(call.user(), repo, changes, asGiven, ip(call));
        } catch (Refusal r) {
            throw asError(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "updated repo ID:" + updated.id() + " " + updated.name());
        m.put("repository", repoShape(call, updated));
        return m;
    }

    private Object forkRepo(ApiCall call) throws Exception {
        Args a = call.args();
        Repo source = repoOrError(call, "repoid");
        String forkName = a.string("fork_name", "");
        Optional<Repo> taken = services.repos.byName(forkName);
        if (taken.isPresent()) {
            throw new ApiError((taken.get().forkId() != null ? "fork" : "repo") + " `" + forkName
                    + "` already exist");
        }
        try {
            services.repos.checkCreateLocation(call.perms(), forkName);
        } catch (Refusal r) {
            throw asError(r);
        }
        if (!call.isAdmin()) {
            if (!call.perms().repo(source.id()).atLeast(Level.READ)) {
                throw new ApiError("repository `" + Ids.text(a.raw("repoid")) + "` does not exist");
            }
            if (a.given("owner")) {
                throw new ApiError("Only Kallithea admin can specify `owner` param");
            }
        }
        User owner = ownerArg(call);
        RepoService.NewRepo spec = new RepoService.NewRepo(forkName, owner, a.string("description", ""),
                a.bool("private", false), null, a.string("landing_rev", "rev:tip"), false, false,
                a.bool("copy_permissions", false));
        try {
            services.repos.fork(call.user(), source, spec, ip(call));
        } catch (Refusal r) {
            throw asError(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "Created fork of `" + source.name() + "` as `" + forkName + "`");
        m.put("success", true);
        return m;
    }

    private Object deleteRepo(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        if (!call.isAdmin() && !call.perms().repo(repo.id()).atLeast(Level.ADMIN)) {
            throw new ApiError("repository `" + Ids.text(call.args().raw("repoid")) + "` does not exist");
        }
        String forks = call.args().string("forks", "");
        int handled;
        try {
            handled = services.repos.delete(call.user(), repo, forks, ip(call));
        } catch (Refusal r) {
            throw asError(r);
        }
        String suffix = forks.equals("detach") ? " Detached " + handled + " forks"
                : forks.equals("delete") ? " Deleted " + handled + " forks" : "";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "Deleted repository `" + repo.name() + "`" + suffix);
        m.put("success", true);
        return m;
    }

    private Object grantUser(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        User user = userOrError(call.args().raw("userid"));
        String perm = call.args().string("perm", "");
        Level level = repoLevel(perm);
        try {
            services.permissions.grantUser(Kind.REPOSITORY, repo.id(), user, level);
        } catch (RuntimeException e) {
            throw new ApiError("failed to edit permission for user: `" + Ids.text(call.args().raw("userid"))
                    + "` in repo: `" + Ids.text(call.args().raw("repoid")) + "`");
        }
        return success("Granted perm: `" + perm + "` for user: `" + user.username() + "` in repo: `" + repo.name()
                + "`");
    }

    private Object revokeUser(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        User user = userOrError(call.args().raw("userid"));
        try {
            services.permissions.revokeUser(Kind.REPOSITORY, repo.id(), user);
        } catch (RuntimeException e) {
            throw new ApiError("failed to edit permission for user: `" + Ids.text(call.args().raw("userid"))
                    + "` in repo: `" + Ids.text(call.args().raw("repoid")) + "`");
        }
        return success("Revoked perm for user: `" + user.username() + "` in repo: `" + repo.name() + "`");
    }

    /** Kallithea 0.7: admins, or repository admins who can read the user group. */
    private void checkUserGroupGrant(ApiCall call, Repo repo, RepoService.UserGroupRef group) throws ApiError {
        if (call.isAdmin()) {
            return;
        }
        if (!call.perms().repo(repo.id()).atLeast(Level.ADMIN)) {
            throw new ApiError("repository `" + Ids.text(call.args().raw("repoid")) + "` does not exist");
        }
        if (!services.permissions.onUserGroup(call.user(), services.users.defaultUser(), group.id(),
                group.ownerId()).atLeast(Level.READ)) {
            throw new ApiError("user group `" + Ids.text(call.args().raw("usergroupid")) + "` does not exist");
        }
    }

    private Object grantUserGroup(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        String perm = call.args().string("perm", "");
        Level level = repoLevel(perm);
        RepoService.UserGroupRef group = userGroupOrError(call.args().raw("usergroupid"));
        checkUserGroupGrant(call, repo, group);
        try {
            services.permissions.grantUserGroup(Kind.REPOSITORY, repo.id(), group.id(), level);
        } catch (RuntimeException e) {
            throw new ApiError("failed to edit permission for user group: `"
                    + Ids.text(call.args().raw("usergroupid")) + "` in repo: `" + Ids.text(call.args().raw("repoid"))
                    + "`");
        }
        return success("Granted perm: `" + perm + "` for user group: `" + group.name() + "` in repo: `"
                + repo.name() + "`");
    }

    private Object revokeUserGroup(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        RepoService.UserGroupRef group = userGroupOrError(call.args().raw("usergroupid"));
        checkUserGroupGrant(call, repo, group);
        try {
            services.permissions.revokeUserGroup(Kind.REPOSITORY, repo.id(), group.id());
        } catch (RuntimeException e) {
            throw new ApiError("failed to edit permission for user group: `"
                    + Ids.text(call.args().raw("usergroupid")) + "` in repo: `" + Ids.text(call.args().raw("repoid"))
                    + "`");
        }
        return success("Revoked perm for user group: `" + group.name() + "` in repo: `" + repo.name() + "`");
    }

    private Object pull(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        try {
            services.repos.pull(call.user(), repo, call.args().string("clone_uri"), ip(call));
        } catch (Refusal r) {
            throw asError(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "Pulled from `" + repo.name() + "`");
        m.put("repository", repo.name());
        return m;
    }

    private Object invalidateCache(ApiCall call) throws Exception {
        Repo repo = repoOrError(call, "repoid");
        String asGiven = Ids.text(call.args().raw("repoid"));
        if (!call.isAdmin() && !call.perms().repo(repo.id()).atLeast(Level.WRITE)) {
            throw new ApiError("repository `" + asGiven + "` does not exist");
        }
        try {
            services.repos.invalidate(repo);
        } catch (RuntimeException e) {
            throw new ApiError("Error occurred during cache invalidation action");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "Cache for repository `" + asGiven + "` was invalidated");
        m.put("repository", repo.name());
        return m;
    }

    private static Map<String, Object> success(String msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", msg);
        m.put("success", true);
        return m;
    }
}
