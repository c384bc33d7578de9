package cairn.web.admin;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.web.Visitor;

/**
 * {@code /_admin/permissions}: Kallithea's default permissions. Anonymous access is the {@code default} user's active
 * flag; the default levels and the create/fork/registration rights are its global permissions; "overwrite existing"
 * sets its level on every existing object of that kind too (private repositories stay at none).
 */
final class DefaultsAdmin {
    /** Form field → (permission prefix, allowed values). */
    private static final Map<String, List<String>> CHOICES = new LinkedHashMap<>();

    static {
        CHOICES.put("default_repo_perm", List.of("repository.none", "repository.read", "repository.write",
                "repository.admin"));
        CHOICES.put("default_group_perm", List.of("group.none", "group.read", "group.write", "group.admin"));
        CHOICES.put("default_user_group_perm", List.of("usergroup.none", "usergroup.read", "usergroup.write",
                "usergroup.admin"));
        CHOICES.put("create_repo", List.of("hg.create.none", "hg.create.repository"));
        CHOICES.put("fork", List.of("hg.fork.none", "hg.fork.repository"));
        CHOICES.put("create_user_group", List.of("hg.usergroup.create.false", "hg.usergroup.create.true"));
        CHOICES.put("register", List.of("hg.register.none", "hg.register.manual_activate",
                "hg.register.auto_activate"));
    }

    private static final Map<String, Kind> OVERWRITE = Map.of("default_repo_perm", Kind.REPOSITORY,
            "default_group_perm", Kind.GROUP, "default_user_group_perm", Kind.USERGROUP);

    private final AdminPages pages;
    private final UserService users;
    private final PermissionService permissions;

    DefaultsAdmin(AdminPages pages) {
        this.pages = pages;
        this.users = pages.services.users;
        this.permissions = pages.services.permissions;
    }

    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, boolean post) throws IOException {
        if (post) {
            save(req, resp, v);
        } else {
            show(req, resp, v, current(), Map.of());
        }
        return true;
    }

    private Map<String, Object> current() {
        User def = users.defaultUser();
        List<String> global = permissions.globalOf(def);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("anonymous", def.active());
        for (Map.Entry<String, List<String>> c : CHOICES.entrySet()) {
            String value = c.getValue().get(0);
            for (String p : global) {
                if (c.getValue().contains(p)) {
                    value = p;
                }
            }
            f.put(c.getKey(), value);
        }
        for (String k : OVERWRITE.keySet()) {
            f.put("overwrite_" + k, false);
        }
        return f;
    }

    private void show(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, Object> form,
            Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "Default permissions", "permissions");
        m.put("form", form);
        m.put("choices", CHOICES);
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "permissions.ftlh", m);
    }

    private void save(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        form.put("anonymous", AdminPages.checked(req, "anonymous"));
        for (Map.Entry<String, List<String>> c : CHOICES.entrySet()) {
            String value = AdminPages.param(req, c.getKey());
            form.put(c.getKey(), value);
            if (!c.getValue().contains(value)) {
                errors.put(c.getKey(), "Choose one of the values offered");
            }
        }
        for (String k : OVERWRITE.keySet()) {
            form.put("overwrite_" + k, AdminPages.checked(req, "overwrite_" + k));
        }
        if (!errors.isEmpty()) {
            show(req, resp, v, form, errors);
            return;
        }
        User def = users.defaultUser();
        for (String key : CHOICES.keySet()) {
            permissions.setGlobal(def, (String) form.get(key));
        }
        for (Map.Entry<String, Kind> o : OVERWRITE.entrySet()) {
            if ((Boolean) form.get("overwrite_" + o.getKey())) {
                permissions.overwriteLevel(o.getValue(), def, Level.ofPermissionName((String) form.get(o.getKey())));
            }
        }
        if ((Boolean) form.get("anonymous") != def.active()) {
            users.setActive(def, (Boolean) form.get("anonymous"));
        }
        pages.done(req, resp, "/_admin/permissions", "Saved the default permissions");
    }
}
