package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.auth.UserGroupService;
import cairn.auth.UserGroupService.GroupChanges;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;

/**
 * get_user_group(s), create/update/delete_user_group, add_user_to_user_group, remove_user_from_user_group. Callers
 * without the level a method needs on a group are told it does not exist.
 */
public final class UserGroupMethods {
    private final Services services;

    public UserGroupMethods(Services services) {
        this.services = services;
    }

    public void register(ApiRegistry r) {
        r.add("get_user_group", this::getUserGroup, required("usergroupid"));
        r.add("get_user_groups", this::getUserGroups);
        r.add("create_user_group", this::create, required("group_name"), optional("description"),
                optional("owner"), optional("active"));
        r.add("update_user_group", this::update, required("usergroupid"), optional("group_name"),
                optional("description"), optional("owner"), optional("active"));
        r.add("delete_user_group", this::delete, required("usergroupid"));
        r.add("add_user_to_user_group", this::addMember, required("usergroupid"), required("userid"));
        r.add("remove_user_from_user_group", this::removeMember, required("usergroupid"), required("userid"));
    }

    /** The group an id argument names (a key, or a name), or Kallithea's ``user group `x` does not exist``. */
    public static UserGroup userGroupOrError(Services services, JsonNode raw) throws ApiError {
        Long key = Ids.key(raw);
        String text = Ids.text(raw);
        return (key != null ? services.userGroups.byId(key) : services.userGroups.byName(text))
                .orElseThrow(() -> new ApiError("user group `" + text + "` does not exist"));
    }

    /** user_group: users_group_id, group_name, group_description, active, owner, members [user]. */
    public static Map<String, Object> shape(Services services, UserGroup g, Map<Long, List<String>> extraEmails) {
        return shape(g, services.userGroups.members(g), extraEmails);
    }

    /** The same with the members already known (listings read every group's members with one query). */
    static Map<String, Object> shape(UserGroup g, List<User> groupMembers, Map<Long, List<String>> extraEmails) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users_group_id", g.id());
        m.put("group_name", g.name());
        m.put("group_description", g.description() == null ? "" : g.description());
        m.put("active", g.active());
        m.put("owner", g.ownerName());
        List<Map<String, Object>> members = new ArrayList<>();
        for (User u : groupMembers) {
            members.add(Shapes.user(u, extraEmails.getOrDefault(u.id(), List.of())));
        }
        m.put("members", members);
        return m;
    }

    private Map<String, Object> shape(UserGroup g) {
        return shape(services, g, services.users.extraEmails());
    }

    /** The group, when the caller has at least {@code read} (or {@code admin}) on it; else "does not exist". */
    private UserGroup visible(ApiCall call, boolean administer) throws ApiError {
        JsonNode raw = call.args().raw("usergroupid");
        UserGroup g = userGroupOrError(services, raw);
        boolean ok = administer ? UserGroupService.canAdminister(call.perms(), g)
                : UserGroupService.canRead(call.perms(), g);
        if (!ok) {
            throw new ApiError("user group `" + Ids.text(raw) + "` does not exist");
        }
        return g;
    }

    private Object getUserGroup(ApiCall call) throws ApiError {
        return shape(visible(call, false));
    }

    private Object getUserGroups(ApiCall call) {
        Map<Long, List<String>> extra = services.users.extraEmails();
        Map<Long, List<User>> members = services.userGroups.membersByGroup();
        List<Map<String, Object>> out = new ArrayList<>();
        for (UserGroup g : services.userGroups.readable(call.perms())) {
            out.add(shape(g, members.getOrDefault(g.id(), List.of()), extra));
        }
        return out;
    }

    private Object create(ApiCall call) throws ApiError {
        if (!UserGroupService.canCreate(call.perms())) {
            // Kallithea's permission decorator fails inside the dispatcher, which answers this generic line
            throw new ApiError("Internal server error");
        }
        Args a = call.args();
        String name = a.string("group_name");
        if (name != null && services.userGroups.byName(name).isPresent()) {
            throw new ApiError("user group `" + name + "` already exist");
        }
        String failed = "failed to create group `" + Ids.text(a.raw("group_name")) + "`";
        try {
            User owner = a.given("owner") ? UserMethods.userOrError(services, a.raw("owner"))
                    : services.users.byId(call.user().id()).orElseThrow();
            UserGroup g = services.userGroups.create(name, a.string("description", ""), owner,
                    a.bool("active", true));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "created new user group `" + g.name() + "`");
            m.put("user_group", shape(g));
            return m;
        } catch (Refused e) {
            throw new ApiError(e.reason == Reason.NAME_TAKEN ? "user group `" + name + "` already exist" : failed);
        } catch (ApiError e) {
            // an unknown owner or a bad flag: inside Kallithea's try block, so its generic message
            throw new ApiError(failed);
        }
    }

    private Object update(ApiCall call) throws ApiError {
        UserGroup g = visible(call, true);
        Args a = call.args();
        User owner = a.given("owner") ? UserMethods.userOrError(services, a.raw("owner")) : null;
        String failed = "failed to update user group `" + Ids.text(a.raw("usergroupid")) + "`";
        try {
            UserGroup updated = services.userGroups.update(g, new GroupChanges(a.string("group_name"),
                    a.string("description"), owner, a.given("active") ? a.bool("active", true) : null));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "updated user group ID:" + updated.id() + " " + updated.name());
            m.put("user_group", shape(updated));
            return m;
        } catch (Refused | ApiError e) {
            throw new ApiError(failed);
        }
    }

    private Object delete(ApiCall call) throws ApiError {
        UserGroup g = visible(call, true);
        try {
            services.userGroups.delete(g);
        } catch (Refused e) {
            throw new ApiError(e.reason == Reason.ASSIGNED ? e.getMessage()
                    : "failed to delete user group ID:" + g.id() + " " + g.name());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "deleted user group ID:" + g.id() + " " + g.name());
        m.put("user_group", null);
        return m;
    }

    private Object addMember(ApiCall call) throws ApiError {
        User user = UserMethods.userOrError(services, call.args().raw("userid"));
        UserGroup g = visible(call, true);
        boolean added;
        try {
            added = services.userGroups.addMember(g, user);
        } catch (RuntimeException e) {
            throw new ApiError("failed to add member to user group `" + g.name() + "`");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", added);
        m.put("msg", added ? "added member `" + user.username() + "` to user group `" + g.name() + "`"
                : "User is already in that group");
        return m;
    }

    private Object removeMember(ApiCall call) throws ApiError {
        User user = UserMethods.userOrError(services, call.args().raw("userid"));
        UserGroup g = visible(call, true);
        boolean removed;
        try {
            removed = services.userGroups.removeMember(g, user);
        } catch (RuntimeException e) {
            throw new ApiError("failed to remove member from user group `" + g.name() + "`");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", removed);
        m.put("msg", removed ? "removed member `" + user.username() + "` from user group `" + g.name() + "`"
                : "User wasn't in group");
        return m;
    }
}
