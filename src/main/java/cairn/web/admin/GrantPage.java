package cairn.web.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Level;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.auth.UserGroupService;
import cairn.db.PermissionDao.Member;
import cairn.web.Visitor;

/**
 * The permissions page of one object (repository, repository group or user group): its explicit grants to users and
 * user groups, a form to grant (or change) a level, and a revoke button per grant. {@code .../permissions} shows it
 * and (POST) grants, {@code .../permissions/delete} revokes.
 */
final class GrantPage {
    /** What differs between the three kinds of object. */
    interface Target {
        String title();

        String section();

        /** The page's own path, e.g. {@code /team/app/settings/permissions}. */
        String path();

        /** Where "back" leads. */
        String back();

        /** Whether grants may be applied to what lies below (repository groups). */
        boolean recursive();

        List<Member> userMembers();

        List<Member> userGroupMembers();

        /** Sets or (level null) revokes a user's grant; a returned text is a refusal shown next to the form. */
        String setUser(User user, Level level, String recursion);

        String setUserGroup(UserGroup group, Level level, String recursion);
    }

    private final AdminPages pages;

    GrantPage(AdminPages pages) {
        this.pages = pages;
    }

    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, Target t, List<String> tail,
            boolean post) throws IOException {
        if (tail.isEmpty()) {
            if (!post) {
                show(req, resp, v, t, null, null);
                return true;
            }
            grant(req, resp, v, t);
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("delete") && post) {
            revoke(req, resp, v, t);
            return true;
        }
        return false;
    }

    private void show(HttpServletRequest req, HttpServletResponse resp, Visitor v, Target t, String field,
            String error) throws IOException {
        Map<String, Object> m = pages.model(req, v, t.title(), t.section());
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member u : t.userMembers()) {
            members.add(member("user", u));
        }
        for (Member g : t.userGroupMembers()) {
            members.add(member("user_group", g));
        }
        m.put("members", members);
        m.put("levels", AdminPages.LEVELS);
        m.put("action", t.path());
        m.put("back", t.back());
        m.put("recursive", t.recursive());
        m.put("granteeType", AdminPages.param(req, "grantee_type").isEmpty() ? "user"
                : AdminPages.param(req, "grantee_type"));
        m.put("grantee", AdminPages.param(req, "grantee"));
        if (error != null) {
            AdminPages.errors(m).put(field, error);
        }
        pages.render(resp, "perms.ftlh", m);
    }

    private static Map<String, Object> member(String type, Member mem) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", type);
        r.put("id", String.valueOf(mem.granteeId()));
        r.put("name", mem.name());
        r.put("level", AdminPages.levelName(mem.permissionName()));
        r.put("isDefault", type.equals("user") && User.DEFAULT.equals(mem.name()));
        return r;
    }

    private void grant(HttpServletRequest req, HttpServletResponse resp, Visitor v, Target t) throws IOException {
        String type = AdminPages.param(req, "grantee_type");
        String name = AdminPages.param(req, "grantee");
        Level level = AdminPages.level(AdminPages.param(req, "level"));
        String recursion = t.recursive() ? AdminPages.param(req, "apply_to_children") : "none";
        if (level == null) {
            show(req, resp, v, t, "level", "Choose a level");
            return;
        }
        if (name.isEmpty()) {
            show(req, resp, v, t, "grantee", "Enter a user or user group name");
            return;
        }
        String refusal;
        if (type.equals("user_group")) {
            Optional<UserGroup> g = pages.services.userGroups.byName(name)
                    .filter(x -> UserGroupService.canRead(v.perms(), x));
            if (g.isEmpty()) {
                show(req, resp, v, t, "grantee", "No user group " + name);
                return;
            }
            refusal = t.setUserGroup(g.get(), level, recursion);
        } else {
            Optional<User> u = pages.services.users.byUsername(name);
            if (u.isEmpty()) {
                show(req, resp, v, t, "grantee", "No user " + name);
                return;
            }
            refusal = t.setUser(u.get(), level, recursion);
        }
        if (refusal != null) {
            show(req, resp, v, t, "grantee", refusal);
            return;
        }
        pages.done(req, resp, t.path(), "Granted " + level.name().toLowerCase(java.util.Locale.ROOT) + " to " + name);
    }

    private void revoke(HttpServletRequest req, HttpServletResponse resp, Visitor v, Target t) throws IOException {
        String type = AdminPages.param(req, "grantee_type");
        Long id = AdminPages.id(AdminPages.param(req, "grantee_id"));
        String recursion = t.recursive() ? AdminPages.param(req, "apply_to_children") : "none";
        String refusal;
        String name;
        if (id == null) {
            refusal = "Nothing to revoke";
            name = "";
        } else if (type.equals("user_group")) {
            Optional<UserGroup> g = pages.services.userGroups.byId(id);
            name = g.map(UserGroup::name).orElse("");
            refusal = g.isEmpty() ? "No such user group" : t.setUserGroup(g.get(), null, recursion);
        } else {
            Optional<User> u = pages.services.users.byId(id);
            name = u.map(User::username).orElse("");
            refusal = u.isEmpty() ? "No such user"
                    : u.get().isDefault() ? "The default user's level can be changed, not revoked"
                    : t.setUser(u.get(), null, recursion);
        }
        if (refusal != null) {
            show(req, resp, v, t, "grantee", refusal);
            return;
        }
        pages.done(req, resp, t.path(), "Revoked the permission of " + name);
    }
}
