package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.auth.UserGroupService;
import cairn.db.PermissionDao.Member;
import cairn.vcs.GroupService;
import cairn.vcs.GroupService.GroupException;
import cairn.vcs.GroupService.Recursion;
import cairn.vcs.RepoGroup;

/**
 * Repository groups: get_repo_group(s), create/update/delete_repo_group, and the four grant/revoke methods with
 * apply_to_children. The rules live in {@link GroupService}; this class maps arguments, checks and messages.
 */
public final class RepoGroupMethods {
    private static final Logger LOG = Logger.getLogger(RepoGroupMethods.class.getName());

    private final Services services;
    private final GroupService groups;

    public RepoGroupMethods(Services services) {
        this.services = services;
        this.groups = services.groups;
    }

    public void register(ApiRegistry r) {
        r.admin("get_repo_group", this::getRepoGroup, required("repogroupid"));
        r.admin("get_repo_groups", call -> listGroups());
        r.admin("create_repo_group", this::create, required("group_name"), optional("description"),
                optional("owner"), optional("parent"), optional("copy_permissions"));
        r.admin("update_repo_group", this::update, required("repogroupid"), optional("group_name"),
                optional("description"), optional("owner"), optional("parent"));
        r.admin("delete_repo_group", this::delete, required("repogroupid"));
        r.add("grant_user_permission_to_repo_group", this::grantUser, required("repogroupid"), required("userid"),
                required("perm"), optional("apply_to_children"));
        r.add("revoke_user_permission_from_repo_group", this::revokeUser, required("repogroupid"),
                required("userid"), optional("apply_to_children"));
        r.add("grant_user_group_permission_to_repo_group", this::grantUserGroup, required("repogroupid"),
                required("usergroupid"), required("perm"), optional("apply_to_children"));
        r.add("revoke_user_group_permission_from_repo_group", this::revokeUserGroup, required("repogroupid"),
                required("usergroupid"), optional("apply_to_children"));
    }

    /** repo_group: group_id, group_name, group_description, parent_group, repositories, owner. */
    Map<String, Object> shape(RepoGroup g) {
        String parent = g.parentId() == null ? null : groups.byId(g.parentId()).map(RepoGroup::name).orElse(null);
        String owner = services.users.byId(g.ownerId()).map(User::username).orElse(null);
        return shape(g, parent, groups.repositoryNames(g), owner);
    }

    private static Map<String, Object> shape(RepoGroup g, String parent, List<String> repositories, String owner) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group_id", g.id());
        m.put("group_name", g.name());
        m.put("group_description", g.description());
        m.put("parent_group", parent);
        m.put("repositories", repositories);
        m.put("owner", owner);
        return m;
    }

    /** Every group, from three queries whatever their number. */
    private List<Map<String, Object>> listGroups() {
        List<RepoGroup> all = groups.all();
        Map<Long, String> names = new java.util.HashMap<>();
        for (RepoGroup g : all) {
            names.put(g.id(), g.name());
        }
        Map<Long, String> usernames = new java.util.HashMap<>();
        for (User u : services.users.all()) {
            usernames.put(u.id(), u.username());
        }
        Map<Long, List<String>> repositories = groups.repositoryNamesByGroup();
        List<Map<String, Object>> out = new ArrayList<>();
        for (RepoGroup g : all) {
            out.add(shape(g, g.parentId() == null ? null : names.get(g.parentId()),
                    repositories.getOrDefault(g.id(), List.of()), usernames.get(g.ownerId())));
        }
        return out;
    }

    private Object getRepoGroup(ApiCall call) throws ApiError {
        RepoGroup g = group(call.args().raw("repogroupid"));
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : groups.userMembers(g)) {
            members.add(member(m, "user"));
        }
        for (Member m : groups.userGroupMembers(g)) {
            members.add(member(m, "user_group"));
        }
        Map<String, Object> data = shape(g);
        data.put("members", members);
        return data;
    }

    private static Map<String, Object> member(Member m, String type) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("name", m.name());
        member.put("type", type);
        member.put("permission", m.permissionName());
        return member;
    }

    private Object create(ApiCall call) throws ApiError {
        Args a = call.args();
        String name = a.string("group_name", "");
        RepoGroup parent = a.given("parent") ? group(a.raw("parent")) : null;
        String fullName = parent == null ? name : parent.name() + "/" + name;
        if (groups.byName(fullName).isPresent()) {
            throw new ApiError("repo group `" + name + "` already exist");
        }
        User owner = a.given("owner") ? user(a.raw("owner")) : call.user();
        boolean copy = a.bool("copy_permissions", false);
        try {
            RepoGroup g = groups.create(name, a.string("description", ""), owner, parent, copy);
            return Map.of("msg", "created new repo group `" + name + "`", "repo_group", shape(g));
        } catch (GroupException e) {
            LOG.info("create_repo_group " + name + ": " + e.getMessage());
            throw new ApiError("failed to create repo group `" + name + "`");
        }
    }

    private Object update(ApiCall call) throws ApiError {
        Args a = call.args();
        String asGiven = Ids.text(a.raw("repogroupid"));
        RepoGroup g = group(a.raw("repogroupid"));
        User owner = a.given("owner") ? user(a.raw("owner")) : null;
        RepoGroup parent = null;
        boolean toTop = false;
        if (a.given("parent")) {
            JsonNode p = a.raw("parent");
            String text = Ids.text(p);
            if (text.isEmpty() || text.equals("-1")) {
                toTop = true;
            } else {
                parent = group(p);
            }
        }
        try {
            RepoGroup updated = groups.update(g, new GroupService.Update(a.string("group_name"),
                    a.string("description"), owner, parent, toTop));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "updated repository group ID:" + updated.id() + " " + updated.name());
            m.put("repo_group", shape(updated));
            return m;
        } catch (GroupException e) {
            LOG.info("update_repo_group " + asGiven + ": " + e.getMessage());
            throw new ApiError("failed to update repository group `" + asGiven + "`");
        }
    }

    private Object delete(ApiCall call) throws ApiError {
        RepoGroup g = group(call.args().raw("repogroupid"));
        try {
            groups.delete(g);
        } catch (GroupException e) {
            LOG.info("delete_repo_group " + g.name() + ": " + e.getMessage());
            throw new ApiError("failed to delete repo group ID:" + g.id() + " " + g.name());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "deleted repo group ID:" + g.id() + " " + g.name());
        m.put("repo_group", null);
        return m;
    }

    // ---- grants ----

    private Object grantUser(ApiCall call) throws ApiError {
        Args a = call.args();
        RepoGroup g = group(a.raw("repogroupid"));
        requireGroupAdmin(call, g);
        User u = user(a.raw("userid"));
        Level level = groupPerm(a.string("perm", ""));
        String mode = a.string("apply_to_children", "none");
        try {
            groups.setPermission(g, false, u.id(), level, recursion(mode));
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "grant on repository group " + g.name() + " failed", e);
            throw new ApiError("failed to edit permission for user: `" + Ids.text(a.raw("userid"))
                    + "` in repo group: `" + shortName(g) + "`");
        }
        return result("Granted perm: `" + level.permissionName(Level.Kind.GROUP) + "` (recursive:" + mode
                + ") for user: `" + u.username() + "` in repo group: `" + shortName(g) + "`");
    }

    private Object revokeUser(ApiCall call) throws ApiError {
        Args a = call.args();
        RepoGroup g = group(a.raw("repogroupid"));
        requireGroupAdmin(call, g);
        User u = user(a.raw("userid"));
        String mode = a.string("apply_to_children", "none");
        try {
            groups.setPermission(g, false, u.id(), null, recursion(mode));
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "revoke on repository group " + g.name() + " failed", e);
            throw new ApiError("failed to edit permission for user: `" + Ids.text(a.raw("userid"))
                    + "` in repo group: `" + shortName(g) + "`");
        }
        return result("Revoked perm (recursive:" + mode + ") for user: `" + u.username() + "` in repo group: `"
                + shortName(g) + "`");
    }

    private Object grantUserGroup(ApiCall call) throws ApiError {
        Args a = call.args();
        RepoGroup g = group(a.raw("repogroupid"));
        Level level = groupPerm(a.string("perm", ""));
        UserGroup ug = userGroup(a.raw("usergroupid"));
        requireGroupAdminAndUserGroupRead(call, g, ug, a.raw("usergroupid"));
        String mode = a.string("apply_to_children", "none");
        try {
            groups.setPermission(g, true, ug.id(), level, recursion(mode));
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "grant on repository group " + g.name() + " failed", e);
            throw new ApiError("failed to edit permission for user group: `" + Ids.text(a.raw("usergroupid"))
                    + "` in repo group: `" + shortName(g) + "`");
        }
        return result("Granted perm: `" + level.permissionName(Level.Kind.GROUP) + "` (recursive:" + mode
                + ") for user group: `" + ug.name() + "` in repo group: `" + shortName(g) + "`");
    }

    private Object revokeUserGroup(ApiCall call) throws ApiError {
        Args a = call.args();
        RepoGroup g = group(a.raw("repogroupid"));
        UserGroup ug = userGroup(a.raw("usergroupid"));
        requireGroupAdminAndUserGroupRead(call, g, ug, a.raw("usergroupid"));
        String mode = a.string("apply_to_children", "none");
        try {
            groups.setPermission(g, true, ug.id(), null, recursion(mode));
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "revoke on repository group " + g.name() + " failed", e);
            throw new ApiError("failed to edit permission for user group: `" + ug.name() + "` in repo group: `"
                    + shortName(g) + "`");
        }
        return result("Revoked perm (recursive:" + mode + ") for user group: `" + ug.name()
                + "` in repo group: `" + shortName(g) + "`");
    }

    private static Map<String, Object> result(String msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", msg);
        m.put("success", true);
        return m;
    }

    /** apply_to_children: none|repos|groups|all; as in Kallithea, any other value acts as none. */
    private static Recursion recursion(String mode) {
        Recursion r = Recursion.parse(mode);
        return r == null ? Recursion.NONE : r;
    }

    /** Kallithea's group name in the permission messages: the last path segment. */
    private static String shortName(RepoGroup g) {
        return g.name().substring(g.name().lastIndexOf('/') + 1);
    }

    private void requireGroupAdmin(ApiCall call, RepoGroup g) throws ApiError {
        if (!call.isAdmin() && !GroupService.canAdminister(call.perms(), g)) {
            throw new ApiError("repository group `" + Ids.text(call.args().raw("repogroupid")) + "` does not exist");
        }
    }

    private void requireGroupAdminAndUserGroupRead(ApiCall call, RepoGroup g, UserGroup ug, JsonNode ugArg)
            throws ApiError {
        if (call.isAdmin()) {
            return;
        }
        requireGroupAdmin(call, g);
        if (!UserGroupService.canRead(call.perms(), ug)) {
            throw new ApiError("user group `" + Ids.text(ugArg) + "` does not exist");
        }
    }

    /** A group.* permission name as a level, with Kallithea's two errors. */
    private static Level groupPerm(String perm) throws ApiError {
        int dot = perm.lastIndexOf('.');
        Level level = null;
        String kind = dot < 0 ? "" : perm.substring(0, dot);
        if (KNOWN_KINDS.contains(kind)) {
            try {
                level = Level.ofPermissionName(perm);
                if (!perm.endsWith("." + level.name().toLowerCase(java.util.Locale.ROOT))) {
                    level = null;
                }
            } catch (IllegalArgumentException e) {
                level = null;
            }
        }
        boolean global = GLOBAL_PERMISSIONS.contains(perm);
        if (level == null && !global) {
            throw new ApiError("permission `" + perm + "` does not exist");
        }
        if (!perm.startsWith("group.")) {
            throw new ApiError("permission `" + perm + "` is invalid, should start with group.");
        }
        return level;
    }

    private static final java.util.Set<String> KNOWN_KINDS = java.util.Set.of("repository", "group", "usergroup");
    /** The global permission names of the permissions table: they exist, but are not group.* ones. */
    private static final java.util.Set<String> GLOBAL_PERMISSIONS = java.util.Set.of("hg.admin",
            "hg.repogroup.create.false", "hg.repogroup.create.true", "hg.usergroup.create.false",
            "hg.usergroup.create.true", "hg.create.none", "hg.create.repository",
            "hg.create.write_on_repogroup.false", "hg.create.write_on_repogroup.true", "hg.fork.none",
            "hg.fork.repository", "hg.register.none", "hg.register.manual_activate", "hg.register.auto_activate",
            "hg.extern_activate.manual", "hg.extern_activate.auto");

    // ---- lookups with Kallithea's errors ----

    private RepoGroup group(JsonNode id) throws ApiError {
        Long key = Ids.key(id);
        var found = key != null ? groups.byId(key) : groups.byName(Ids.text(id));
        return found.orElseThrow(() -> new ApiError("repository group `" + Ids.text(id) + "` does not exist"));
    }

    private User user(JsonNode id) throws ApiError {
        Long key = Ids.key(id);
        var found = key != null ? services.users.byId(key) : services.users.byUsername(Ids.text(id));
        return found.orElseThrow(() -> new ApiError("user `" + Ids.text(id) + "` does not exist"));
    }

    private UserGroup userGroup(JsonNode id) throws ApiError {
        Long key = Ids.key(id);
        var found = key != null ? services.userGroups.byId(key) : services.userGroups.byName(Ids.text(id));
        return found.orElseThrow(() -> new ApiError("user group `" + Ids.text(id) + "` does not exist"));
    }
}
