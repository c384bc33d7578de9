package cairn.web.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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
import cairn.auth.UserGroupService;
import cairn.auth.UserGroupService.GroupChanges;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;
import cairn.db.PermissionDao.Member;
import cairn.vcs.GroupService;
import cairn.vcs.GroupService.GroupException;
import cairn.vcs.GroupService.Recursion;
import cairn.vcs.RepoGroup;
import cairn.web.Visitor;

/**
 * {@code /_admin/user_groups} (list and create, {@code /{id}} edit with members, {@code /{id}/delete},
 * {@code /{id}/permissions}) and {@code /_admin/repo_groups} (list and create, {@code /{id}} edit and move,
 * {@code /{id}/delete}, {@code /{id}/permissions} with apply-to-children).
 */
final class GroupAdmin {
    private final AdminPages pages;
    private final UserGroupService userGroups;
    private final GroupService groups;
    private final PermissionService permissions;
    private final GrantPage grants;

    GroupAdmin(AdminPages pages) {
        this.pages = pages;
        this.userGroups = pages.services.userGroups;
        this.groups = pages.services.groups;
        this.permissions = pages.services.permissions;
        this.grants = new GrantPage(pages);
    }

    private static final String OWN_ADMIN = "You cannot lower your own admin level here; ask an administrator";

    /** For the section's tabs: which group pages a visitor who is not a super-admin may use. */
    static void nav(Map<String, Object> m, Visitor v) {
        m.put("adminsRepoGroups", GroupService.administersAny(v.perms()));
        m.put("adminsUserGroups", UserGroupService.administersAny(v.perms())
                || UserGroupService.canCreate(v.perms()));
    }

    // ---- user groups ---------------------------------------------------------------------------------------------

    /**
     * Super-admins reach every user-group page. Others reach the list while they administer a user group or may
     * create one, creation with the create right, and a group's pages with usergroup.admin on it (403 with less,
     * 404 when they cannot even read it); the members' global permissions stay with super-admins.
     */
    boolean serveUserGroups(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail,
            boolean post) throws IOException {
        boolean admin = v.perms().isAdmin();
        if (tail.isEmpty() || tail.get(0).isEmpty()) {
            if (post) {
                return false;
            }
            if (!admin && !UserGroupService.administersAny(v.perms()) && !UserGroupService.canCreate(v.perms())) {
                return forbid(resp);
            }
            userGroupList(req, resp, v, Map.of("group_name", "", "description", ""), Map.of());
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("new") && post) {
            if (!UserGroupService.canCreate(v.perms())) {
                return forbid(resp);
            }
            createUserGroup(req, resp, v);
            return true;
        }
        Optional<UserGroup> found = administered(resp, tail.get(0), userGroups::byId,
                g -> UserGroupService.canRead(v.perms(), g), g -> UserGroupService.canAdminister(v.perms(), g));
        if (found.isEmpty()) {
            return true;
        }
        UserGroup g = found.get();
        List<String> rest = tail.subList(1, tail.size());
        if (rest.isEmpty()) {
            if (post) {
                updateUserGroup(req, resp, v, g);
            } else {
                userGroupForm(req, resp, v, g, userGroupValues(g), Map.of());
            }
            return true;
        }
        if (!post && !rest.get(0).equals("permissions")) {
            return false;
        }
        switch (rest.get(0)) {
            case "delete" -> {
                if (rest.size() != 1) {
                    return false;
                }
                try {
                    userGroups.delete(g);
                    pages.done(req, resp, "/_admin/user_groups", "Deleted user group " + g.name());
                } catch (Refused e) {
                    userGroupForm(req, resp, v, g, userGroupValues(g), Map.of("delete", e.getMessage()));
                }
                return true;
            }
            case "default_perms" -> {
                if (rest.size() != 1) {
                    return false;
                }
                if (!admin) {
                    return forbid(resp);
                }
                if (GlobalPerms.save(req, permissions, true, g.id())) {
                    pages.done(req, resp, "/_admin/user_groups/" + g.id(), "Saved the global permissions of "
                            + g.name());
                } else {
                    userGroupForm(req, resp, v, g, userGroupValues(g), Map.of("globals",
                            "Choose one of the values offered"));
                }
                return true;
            }
            case "members" -> {
                if (rest.size() == 1) {
                    addMember(req, resp, v, g);
                    return true;
                }
                if (rest.size() == 2 && rest.get(1).equals("delete")) {
                    Long uid = AdminPages.id(AdminPages.param(req, "user_id"));
                    Optional<User> u = uid == null ? Optional.empty() : pages.services.users.byId(uid);
                    if (u.isPresent()) {
                        userGroups.removeMember(g, u.get());
                    }
                    pages.done(req, resp, "/_admin/user_groups/" + g.id(),
                            u.map(x -> "Removed " + x.username() + " from " + g.name()).orElse("No such user"));
                    return true;
                }
                return false;
            }
            case "permissions" -> {
                return grants.serve(req, resp, v, userGroupTarget(v, g), rest.subList(1, rest.size()), post);
            }
            default -> {
                return false;
            }
        }
    }

    private void userGroupList(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, ?> form,
            Map<String, String> errors) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<Long, List<User>> members = userGroups.membersByGroup();
        for (UserGroup g : userGroups.administered(v.perms())) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", String.valueOf(g.id()));
            r.put("name", g.name());
            r.put("description", g.description() == null ? "" : g.description());
            r.put("active", g.active());
            r.put("owner", g.ownerName() == null ? "" : g.ownerName());
            r.put("members", members.getOrDefault(g.id(), List.of()).size());
            rows.add(r);
        }
        Map<String, Object> m = pages.model(req, v, "User groups", "user_groups");
        m.put("userGroups", rows);
        m.put("mayCreate", UserGroupService.canCreate(v.perms()));
        m.put("form", form);
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "user_groups.ftlh", m);
    }

    private void createUserGroup(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        String name = AdminPages.param(req, "group_name");
        String description = AdminPages.param(req, "description");
        Map<String, String> errors = new LinkedHashMap<>();
        if (name.isEmpty()) {
            errors.put("group_name", "Enter a name");
        } else {
            try {
                UserGroup g = userGroups.create(name, description, v.user(), AdminPages.checked(req, "active"));
                pages.done(req, resp, "/_admin/user_groups/" + g.id(), "Created user group " + g.name());
                return;
            } catch (Refused e) {
                errors.put("group_name", e.reason == Reason.NAME_TAKEN ? "This name is taken"
                        : "Letters, digits, spaces and . _ - @, starting with a letter or digit");
            }
        }
        userGroupList(req, resp, v, Map.of("group_name", name, "description", description), errors);
    }

    private static Map<String, Object> userGroupValues(UserGroup g) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("group_name", g.name());
        f.put("description", g.description() == null ? "" : g.description());
        f.put("active", g.active());
        f.put("owner", g.ownerName() == null ? "" : g.ownerName());
        return f;
    }

    private void userGroupForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, UserGroup g,
            Map<String, Object> form, Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "User group " + g.name(), "user_groups");
        m.put("groupId", String.valueOf(g.id()));
        m.put("groupName", g.name());
        m.put("form", form);
        List<Map<String, String>> members = new ArrayList<>();
        for (User u : userGroups.members(g)) {
            members.add(Map.of("id", String.valueOf(u.id()), "username", u.username()));
        }
        m.put("members", members);
        m.put("member", AdminPages.param(req, "username"));
        GlobalPerms.model(m, permissions.globalOfUserGroup(g.id()));
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "user_group.ftlh", m);
    }

    private void updateUserGroup(HttpServletRequest req, HttpServletResponse resp, Visitor v, UserGroup g)
            throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        String name = AdminPages.param(req, "group_name");
        String ownerName = AdminPages.param(req, "owner");
        form.put("group_name", name);
        form.put("description", AdminPages.param(req, "description"));
        form.put("active", AdminPages.checked(req, "active"));
        form.put("owner", ownerName);
        Map<String, String> errors = new LinkedHashMap<>();
        User owner = null;
        if (name.isEmpty()) {
            errors.put("group_name", "Enter a name");
        }
        if (!ownerName.isEmpty() && !ownerName.equals(g.ownerName())) {
            owner = pages.services.users.byUsername(ownerName).filter(u -> !u.isDefault()).orElse(null);
            if (owner == null) {
                errors.put("owner", "No user " + ownerName);
            }
        }
        if (errors.isEmpty()) {
            try {
                UserGroup updated = userGroups.update(g, new GroupChanges(name, (String) form.get("description"),
                        owner, (Boolean) form.get("active")));
                pages.done(req, resp, "/_admin/user_groups/" + g.id(), "Saved user group " + updated.name());
                return;
            } catch (Refused e) {
                errors.put("group_name", e.reason == Reason.NAME_TAKEN ? "This name is taken"
                        : "Letters, digits, spaces and . _ - @, starting with a letter or digit");
            }
        }
        userGroupForm(req, resp, v, g, form, errors);
    }

    private void addMember(HttpServletRequest req, HttpServletResponse resp, Visitor v, UserGroup g)
            throws IOException {
        String username = AdminPages.param(req, "username");
        Optional<User> u = pages.services.users.byUsername(username).filter(x -> !x.isDefault());
        if (u.isEmpty()) {
            userGroupForm(req, resp, v, g, userGroupValues(g), Map.of("username",
                    username.isEmpty() ? "Enter a username" : "No user " + username));
            return;
        }
        boolean added = userGroups.addMember(g, u.get());
        pages.done(req, resp, "/_admin/user_groups/" + g.id(), added ? "Added " + username + " to " + g.name()
                : username + " already is a member");
    }

    private GrantPage.Target userGroupTarget(Visitor v, UserGroup g) {
        return new SimpleTarget("User group " + g.name() + " permissions", "user_groups",
                "/_admin/user_groups/" + g.id() + "/permissions", "/_admin/user_groups/" + g.id(), false) {
            @Override
            public List<Member> userMembers() {
                return permissions.userMembers(Kind.USERGROUP, g.id());
            }

            @Override
            public List<Member> userGroupMembers() {
                return permissions.userGroupMembers(Kind.USERGROUP, g.id());
            }

            @Override
            public String setUser(User user, Level level, String recursion) {
                if (PermissionService.dropsOwnAdmin(v.perms(), v.user(), user, level)) {
                    return OWN_ADMIN;
                }
                if (level == null) {
                    permissions.revokeUser(Kind.USERGROUP, g.id(), user);
                } else {
                    permissions.grantUser(Kind.USERGROUP, g.id(), user, level);
                }
                return null;
            }

            @Override
            public String setUserGroup(UserGroup group, Level level, String recursion) {
                if (level == null) {
                    permissions.revokeUserGroup(Kind.USERGROUP, g.id(), group.id());
                } else {
                    permissions.grantUserGroup(Kind.USERGROUP, g.id(), group.id(), level);
                }
                return null;
            }
        };
    }

    /** The fixed parts of a grant target. */
    private abstract static class SimpleTarget implements GrantPage.Target {
        private final String title;
        private final String section;
        private final String path;
        private final String back;
        private final boolean recursive;

        SimpleTarget(String title, String section, String path, String back, boolean recursive) {
            this.title = title;
            this.section = section;
            this.path = path;
            this.back = back;
            this.recursive = recursive;
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public String section() {
            return section;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String back() {
            return back;
        }

        @Override
        public boolean recursive() {
            return recursive;
        }
    }

    // ---- repository groups ---------------------------------------------------------------------------------------

    /**
     * Super-admins reach every repository-group page. Others reach the list (of the groups they administer) and
     * creation while they administer some group, and a group's pages with group.admin on it (403 with less, 404 when
     * they cannot even read it). Where a group may be created or moved to is {@link GroupService}'s rule.
     */
    boolean serveRepoGroups(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail,
            boolean post) throws IOException {
        if (!GroupService.administersAny(v.perms())) {
            Long id = tail.isEmpty() ? null : AdminPages.id(tail.get(0));
            Optional<RepoGroup> g = id == null ? Optional.empty() : groups.byId(id);
            if (g.isPresent() && !GroupService.canRead(v.perms(), g.get())) {
                return false;
            }
            return forbid(resp);
        }
        if (tail.isEmpty() || tail.get(0).isEmpty()) {
            if (post) {
                return false;
            }
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("group_name", "");
            form.put("parent", "");
            form.put("description", "");
            form.put("copy_permissions", false);
            repoGroupList(req, resp, v, form, Map.of());
            return true;
        }
        if (tail.size() == 1 && tail.get(0).equals("new") && post) {
            createRepoGroup(req, resp, v);
            return true;
        }
        Optional<RepoGroup> found = administered(resp, tail.get(0), groups::byId,
                g -> GroupService.canRead(v.perms(), g), g -> GroupService.canAdminister(v.perms(), g));
        if (found.isEmpty()) {
            return true;
        }
        RepoGroup g = found.get();
        List<String> rest = tail.subList(1, tail.size());
        if (rest.isEmpty()) {
            if (post) {
                updateRepoGroup(req, resp, v, g);
            } else {
                repoGroupForm(req, resp, v, g, repoGroupValues(g), Map.of());
            }
            return true;
        }
        if (rest.size() == 1 && rest.get(0).equals("delete") && post) {
            try {
                groups.delete(g);
                pages.done(req, resp, "/_admin/repo_groups", "Deleted repository group " + g.name());
            } catch (GroupException e) {
                repoGroupForm(req, resp, v, g, repoGroupValues(g), Map.of("delete", message(e)));
            }
            return true;
        }
        if (rest.get(0).equals("permissions")) {
            return grants.serve(req, resp, v, repoGroupTarget(v, g), rest.subList(1, rest.size()), post);
        }
        return false;
    }

    /** A group refusal's text, unless it comes from below (then it is for the log only). */
    private static String message(GroupException e) {
        return e.reason == GroupException.Reason.FAILED ? "The change could not be made; nothing was changed"
                : e.getMessage();
    }

    /** The service's refusal of a group's name or place, as the form's error. */
    private static void refused(Map<String, String> errors, GroupException e, String name) {
        switch (e.reason) {
            case BAD_NAME -> errors.put("group_name", name.isEmpty() ? "Enter a name"
                    : "Letters, digits, '.', '_' and '-', starting with a letter or digit");
            case INTO_ITSELF -> errors.put("parent", "A group cannot move into itself or its sub-groups");
            default -> errors.put("group_name", message(e));
        }
    }

    /** Where the visitor may create ({@code self} null) or move {@code self} to, "" standing for the top level. */
    private List<Map<String, String>> parentChoices(Visitor v, RepoGroup self) {
        List<Map<String, String>> out = new ArrayList<>();
        if (self == null ? GroupService.canCreateIn(v.perms(), null)
                : GroupService.canPlace(v.perms(), self, null, true)) {
            out.add(Map.of("id", "", "name", "(top level)"));
        }
        List<RepoGroup> all = new ArrayList<>(groups.all());
        all.sort(Comparator.comparing(RepoGroup::name));
        for (RepoGroup g : all) {
            if (self != null && (g.id() == self.id() || g.name().startsWith(self.name() + "/"))) {
                continue;
            }
            if (self == null ? GroupService.canCreateIn(v.perms(), g) : GroupService.canPlace(v.perms(), self, g,
                    false)) {
                out.add(Map.of("id", String.valueOf(g.id()), "name", g.name()));
            }
        }
        return out;
    }

    /**
     * The group the path segment names, when the visitor administers it. Otherwise the answer is given here — 404
     * when it is missing or unreadable (nothing revealed), 403 when it is only readable — and the result is empty.
     */
    private static <T> Optional<T> administered(HttpServletResponse resp, String segment,
            java.util.function.LongFunction<Optional<T>> byId, java.util.function.Predicate<T> canRead,
            java.util.function.Predicate<T> canAdminister) throws IOException {
        Long id = AdminPages.id(segment);
        Optional<T> found = id == null ? Optional.empty() : byId.apply(id);
        if (found.isEmpty() || !canRead.test(found.get())) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return Optional.empty();
        }
        if (!canAdminister.test(found.get())) {
            forbid(resp);
            return Optional.empty();
        }
        return found;
    }

    /** Answers 403: the visitor is signed in but may not use this page. */
    private static boolean forbid(HttpServletResponse resp) throws IOException {
        resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Administrators of this object only");
        return true;
    }

    private void repoGroupList(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, Object> form,
            Map<String, String> errors) throws IOException {
        Map<Long, List<String>> contents = groups.repositoryNamesByGroup();
        Map<Long, String> owners = new HashMap<>();
        for (User u : pages.services.users.all()) {
            owners.put(u.id(), u.username());
        }
        List<RepoGroup> all = new ArrayList<>(groups.administered(v.perms()));
        all.sort(Comparator.comparing(RepoGroup::name));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RepoGroup g : all) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", String.valueOf(g.id()));
            r.put("name", g.name());
            r.put("description", g.description() == null ? "" : g.description());
            r.put("owner", owners.getOrDefault(g.ownerId(), ""));
            r.put("repos", contents.getOrDefault(g.id(), List.of()).size());
            rows.add(r);
        }
        Map<String, Object> m = pages.model(req, v, "Repository groups", "repo_groups");
        m.put("repoGroups", rows);
        m.put("parents", parentChoices(v, null));
        m.put("form", form);
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "repo_groups.ftlh", m);
    }

    private void createRepoGroup(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        String name = AdminPages.param(req, "group_name");
        String parentId = AdminPages.param(req, "parent");
        form.put("group_name", name);
        form.put("parent", parentId);
        form.put("description", AdminPages.param(req, "description"));
        form.put("copy_permissions", AdminPages.checked(req, "copy_permissions"));
        Map<String, String> errors = new LinkedHashMap<>();
        RepoGroup parent = null;
        if (!parentId.isEmpty()) {
            Long pid = AdminPages.id(parentId);
            parent = pid == null ? null : groups.byId(pid).filter(x -> GroupService.canRead(v.perms(), x))
                    .orElse(null);
            if (parent == null) {
                errors.put("parent", "No such repository group");
            }
        }
        if (errors.isEmpty() && !GroupService.canCreateIn(v.perms(), parent)) {
            errors.put("parent", parent == null ? "Only administrators create top-level groups"
                    : "You need admin on " + parent.name() + " to create groups inside it");
        }
        if (errors.isEmpty()) {
            try {
                RepoGroup g = groups.create(name, (String) form.get("description"), v.user(), parent,
                        (Boolean) form.get("copy_permissions"));
                pages.done(req, resp, "/_admin/repo_groups/" + g.id(), "Created repository group " + g.name());
                return;
            } catch (GroupException e) {
                refused(errors, e, name);
            }
        }
        repoGroupList(req, resp, v, form, errors);
    }

    private Map<String, Object> repoGroupValues(RepoGroup g) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("group_name", g.name().substring(g.name().lastIndexOf('/') + 1));
        f.put("parent", g.parentId() == null ? "" : String.valueOf(g.parentId()));
        f.put("description", g.description() == null ? "" : g.description());
        f.put("owner", pages.services.users.byId(g.ownerId()).map(User::username).orElse(""));
        return f;
    }

    private void repoGroupForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, RepoGroup g,
            Map<String, Object> form, Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "Repository group " + g.name(), "repo_groups");
        m.put("groupId", String.valueOf(g.id()));
        m.put("groupName", g.name());
        m.put("form", form);
        m.put("parents", parentChoices(v, g));
        List<String> readable = new ArrayList<>();
        for (String name : groups.repositoryNames(g)) {
            if (pages.services.repos.byName(name).filter(r -> v.perms().isAdmin()
                    || v.perms().repo(r.id()).atLeast(Level.READ)).isPresent()) {
                readable.add(name);
            }
        }
        m.put("repos", readable);
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "repo_group.ftlh", m);
    }

    private void updateRepoGroup(HttpServletRequest req, HttpServletResponse resp, Visitor v, RepoGroup g)
            throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        String name = AdminPages.param(req, "group_name");
        String parentId = AdminPages.param(req, "parent");
        String ownerName = AdminPages.param(req, "owner");
        form.put("group_name", name);
        form.put("parent", parentId);
        form.put("description", AdminPages.param(req, "description"));
        form.put("owner", ownerName);
        Map<String, String> errors = new LinkedHashMap<>();
        RepoGroup parent = null;
        boolean toTop = parentId.isEmpty();
        if (!toTop) {
            Long pid = AdminPages.id(parentId);
            parent = pid == null ? null : groups.byId(pid).filter(x -> GroupService.canRead(v.perms(), x))
                    .orElse(null);
            if (parent == null) {
                errors.put("parent", "No such repository group");
            }
        }
        if (!errors.containsKey("parent") && !GroupService.canPlace(v.perms(), g, parent, toTop)) {
            errors.put("parent", toTop ? "Only administrators move groups to the top level"
                    : "You need admin on " + parent.name() + " to move a group into it");
        }
        User owner = null;
        if (!ownerName.isEmpty()) {
            owner = pages.services.users.byUsername(ownerName).filter(u -> !u.isDefault()).orElse(null);
            if (owner == null) {
                errors.put("owner", "No user " + ownerName);
            }
        }
        if (errors.isEmpty()) {
            try {
                RepoGroup updated = groups.update(g, new GroupService.Update(name, (String) form.get("description"),
                        owner, parent, toTop));
                pages.done(req, resp, "/_admin/repo_groups/" + g.id(), "Saved repository group " + updated.name());
                return;
            } catch (GroupException e) {
                refused(errors, e, name);
            }
        }
        repoGroupForm(req, resp, v, g, form, errors);
    }

    private GrantPage.Target repoGroupTarget(Visitor v, RepoGroup g) {
        return new SimpleTarget("Repository group " + g.name() + " permissions", "repo_groups",
                "/_admin/repo_groups/" + g.id() + "/permissions", "/_admin/repo_groups/" + g.id(), true) {
            @Override
            public List<Member> userMembers() {
                return groups.userMembers(g);
            }

            @Override
            public List<Member> userGroupMembers() {
                return groups.userGroupMembers(g);
            }

            @Override
            public String setUser(User user, Level level, String recursion) {
                if (PermissionService.dropsOwnAdmin(v.perms(), v.user(), user, level)) {
                    return OWN_ADMIN;
                }
                return set(false, user.id(), level, recursion);
            }

            @Override
            public String setUserGroup(UserGroup group, Level level, String recursion) {
                return set(true, group.id(), level, recursion);
            }

            private String set(boolean toUserGroup, long id, Level level, String recursion) {
                Recursion r = Recursion.parse(recursion.isEmpty() ? "none" : recursion);
                if (r == null) {
                    return "Choose what the change applies to";
                }
                groups.setPermission(g, toUserGroup, id, level, r);
                return null;
            }
        };
    }
}
