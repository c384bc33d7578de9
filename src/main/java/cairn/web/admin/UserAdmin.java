package cairn.web.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.User;
import cairn.auth.UserService;
import cairn.auth.UserService.NewUser;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;
import cairn.auth.UserService.UserChanges;
import cairn.web.Visitor;

/**
 * {@code /_admin/users}: list with filter, {@code /new}, {@code /{id}} (edit; POST saves), {@code /{id}/delete},
 * {@code /{id}/api_key} (reset).
 */
final class UserAdmin {
    private final AdminPages pages;
    private final UserService users;

    UserAdmin(AdminPages pages) {
        this.pages = pages;
        this.users = pages.services.users;
    }

    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail, boolean post)
            throws IOException {
        if (tail.isEmpty() || tail.get(0).isEmpty()) {
            if (post) {
                return false;
            }
            list(req, resp, v);
            return true;
        }
        if (tail.get(0).equals("new") && tail.size() == 1) {
            if (post) {
                create(req, resp, v);
            } else {
                form(req, resp, v, null, values(null), null);
            }
            return true;
        }
        Long id = AdminPages.id(tail.get(0));
        Optional<User> user = id == null ? Optional.empty() : users.byId(id).filter(u -> !u.isDefault());
        if (user.isEmpty()) {
            return false;
        }
        User u = user.get();
        List<String> rest = tail.subList(1, tail.size());
        if (Extras.handles(rest)) {
            if (!post) {
                return false;
            }
            Extras.Outcome o = Extras.handle(req, resp, pages, u, rest, "/_admin/users/" + u.id());
            if (o.flash() == null) {
                form(req, resp, v, u, values(u), Map.of(o.field(), o.error()));
            }
            return true;
        }
        String action = tail.size() == 1 ? "" : tail.size() == 2 ? tail.get(1) : null;
        if (action == null) {
            return false;
        }
        switch (action) {
            case "", "edit" -> {
                if (post && action.isEmpty()) {
                    update(req, resp, v, u);
                } else if (!post) {
                    form(req, resp, v, u, values(u), null);
                } else {
                    return false;
                }
            }
            case "delete" -> {
                if (!post) {
                    return false;
                }
                delete(req, resp, v, u);
            }
            case "permissions" -> {
                if (!post) {
                    return false;
                }
                if (GlobalPerms.save(req, pages.services.permissions, false, u.id())) {
                    pages.done(req, resp, "/_admin/users/" + u.id(), "Saved the global permissions of "
                            + u.username());
                } else {
                    form(req, resp, v, u, values(u), Map.of("globals", "Choose one of the values offered"));
                }
            }
            case "api_key" -> {
                if (!post) {
                    return false;
                }
                users.resetApiKey(u);
                pages.done(req, resp, "/_admin/users/" + u.id(), "A new API key was made for " + u.username());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void list(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        String filter = AdminPages.param(req, "filter");
        String f = filter.toLowerCase(Locale.ROOT);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (User u : users.allButDefault()) {
            String hay = (u.username() + " " + nz(u.email()) + " " + nz(u.firstname()) + " " + nz(u.lastname()))
                    .toLowerCase(Locale.ROOT);
            if (!f.isEmpty() && !hay.contains(f)) {
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", String.valueOf(u.id()));
            r.put("username", u.username());
            r.put("name", (nz(u.firstname()) + " " + nz(u.lastname())).trim());
            r.put("email", nz(u.email()));
            r.put("active", u.active());
            r.put("admin", u.admin());
            r.put("lastLogin", u.lastLogin() == null ? "" : cairn.api.Json.time(u.lastLogin()).replace('T', ' '));
            rows.add(r);
        }
        Map<String, Object> m = pages.model(req, v, "Users", "users");
        m.put("users", rows);
        m.put("filter", filter);
        pages.render(resp, "users.ftlh", m);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The form's values: the user's, or what was posted. */
    private static Map<String, Object> values(User u) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("username", u == null ? "" : u.username());
        f.put("firstname", u == null ? "" : nz(u.firstname()));
        f.put("lastname", u == null ? "" : nz(u.lastname()));
        f.put("email", u == null ? "" : nz(u.email()));
        f.put("active", u == null || u.active());
        f.put("admin", u != null && u.admin());
        return f;
    }

    private static Map<String, Object> posted(HttpServletRequest req) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String k : List.of("username", "firstname", "lastname", "email")) {
            f.put(k, AdminPages.param(req, k));
        }
        f.put("active", AdminPages.checked(req, "active"));
        f.put("admin", AdminPages.checked(req, "admin"));
        return f;
    }

    private void form(HttpServletRequest req, HttpServletResponse resp, Visitor v, User u, Map<String, Object> form,
            Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, u == null ? "New user" : "User " + u.username(), "users");
        m.put("form", form);
        m.put("isNew", u == null);
        if (u != null) {
            m.put("userId", String.valueOf(u.id()));
            m.put("apiKey", u.apiKey());
            m.put("isSelf", u.id() == v.user().id());
            m.put("owns", ownedSummary(u));
            GlobalPerms.model(m, pages.services.permissions.globalOf(u));
            Extras.model(m, users, u);
        }
        if (errors != null) {
            AdminPages.errors(m).putAll(errors);
        }
        pages.render(resp, "user.ftlh", m);
    }

    private String ownedSummary(User u) {
        long repos = pages.services.repos.all().stream().filter(r -> r.ownerId() == u.id()).count();
        return repos == 0 ? "" : repos + (repos == 1 ? " repository" : " repositories");
    }

    /** Puts a refusal of the user service next to the field it concerns. */
    static void refusal(Refused e, Map<String, String> errors) {
        if (e.reason == Reason.NAME_TAKEN) {
            errors.put("username", "This username is taken");
        } else if (e.reason == Reason.EMAIL_TAKEN) {
            errors.put("email", "This e-mail address is already used");
        } else if (e.getMessage().startsWith("invalid e-mail")) {
            errors.put("email", "Not an e-mail address");
        } else if (e.getMessage().startsWith("invalid username")) {
            errors.put("username", "Letters, digits and . _ - @ only, starting with a letter or digit");
        } else {
            errors.put("", e.getMessage());
        }
    }

    private void create(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Map<String, Object> form = posted(req);
        Map<String, String> errors = new LinkedHashMap<>();
        String username = (String) form.get("username");
        String password = AdminPages.raw(req, "password");
        if (username.isEmpty()) {
            errors.put("username", "Enter a username");
        } else if (!UserService.validUsername(username)) {
            errors.put("username", "Letters, digits and . _ - @ only, starting with a letter or digit");
        }
        if (password.isEmpty()) {
            errors.put("password", "Enter a password");
        } else if (!password.equals(AdminPages.raw(req, "password_confirmation"))) {
            errors.put("password_confirmation", "The passwords differ");
        }
        if (errors.isEmpty()) {
            try {
                User u = users.create(new NewUser(username, (String) form.get("email"), password,
                        (String) form.get("firstname"), (String) form.get("lastname"), (Boolean) form.get("active"),
                        (Boolean) form.get("admin"), null, null));
                pages.done(req, resp, "/_admin/users", "Created user " + u.username());
                return;
            } catch (Refused e) {
                refusal(e, errors);
            }
        }
        form(req, resp, v, null, form, errors);
    }

    private void update(HttpServletRequest req, HttpServletResponse resp, Visitor v, User u) throws IOException {
        Map<String, Object> form = posted(req);
        Map<String, String> errors = new LinkedHashMap<>();
        String username = (String) form.get("username");
        String password = AdminPages.raw(req, "password");
        if (username.isEmpty()) {
            errors.put("username", "Enter a username");
        }
        if (!password.isEmpty() && !password.equals(AdminPages.raw(req, "password_confirmation"))) {
            errors.put("password_confirmation", "The passwords differ");
        }
        if (u.id() == v.user().id() && (!(Boolean) form.get("active") || !(Boolean) form.get("admin"))) {
            errors.put("admin", "You cannot take away your own administration or deactivate yourself");
        }
        if (errors.isEmpty()) {
            try {
                String email = (String) form.get("email");
                users.update(u, new UserChanges(username, email, password.isEmpty() ? null : password,
                        (String) form.get("firstname"), (String) form.get("lastname"), (Boolean) form.get("active"),
                        (Boolean) form.get("admin"), null, null));
                pages.done(req, resp, "/_admin/users/" + u.id(), "Saved user " + username);
                return;
            } catch (Refused e) {
                refusal(e, errors);
            }
        }
        form(req, resp, v, u, form, errors);
    }

    private void delete(HttpServletRequest req, HttpServletResponse resp, Visitor v, User u) throws IOException {
        Map<String, String> errors = new LinkedHashMap<>();
        if (u.id() == v.user().id()) {
            errors.put("delete", "You cannot delete yourself");
        } else {
            try {
                users.delete(u);
                pages.done(req, resp, "/_admin/users", "Deleted user " + u.username());
                return;
            } catch (Refused e) {
                errors.put("delete", e.getMessage());
            }
        }
        form(req, resp, v, u, values(u), errors);
    }
}
