package cairn.web.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.User;
import cairn.auth.UserService;
import cairn.auth.UserService.Refused;
import cairn.auth.UserService.UserChanges;
import cairn.vcs.Repo;
import cairn.web.Visitor;

/**
 * {@code /_admin/my_account} for anyone signed in: profile (POST saves), {@code /password} (the current password is
 * required), {@code /api_key} (POST resets), {@code /repos} (the repositories one owns), {@code /perms}.
 */
final class MyAccount {
    private final AdminPages pages;
    private final UserService users;

    MyAccount(AdminPages pages) {
        this.pages = pages;
        this.users = pages.services.users;
    }

    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail, boolean post)
            throws IOException {
        User me = users.byId(v.user().id()).orElseThrow();
        String tab = tail.isEmpty() ? "" : tail.get(0);
        if (Extras.handles(tail)) {
            if (!post) {
                return false;
            }
            Extras.Outcome o = Extras.handle(req, resp, pages, me, tail, "/_admin/my_account");
            if (o.flash() == null) {
                show(req, resp, v, me, "profile", profile(me), Map.of(o.field(), o.error()));
            }
            return true;
        }
        if (tail.size() > 1) {
            return false;
        }
        switch (tab) {
            case "" -> {
                if (post) {
                    saveProfile(req, resp, v, me);
                } else {
                    show(req, resp, v, me, "profile", profile(me), Map.of());
                }
            }
            case "password" -> {
                if (post) {
                    changePassword(req, resp, v, me);
                } else {
                    show(req, resp, v, me, "password", Map.of(), Map.of());
                }
            }
            case "api_key" -> {
                if (!post) {
                    return false;
                }
                users.resetApiKey(me);
                pages.done(req, resp, "/_admin/my_account", "Your API key was reset; the old one no longer works");
            }
            case "repos", "perms" -> {
                if (post) {
                    return false;
                }
                show(req, resp, v, me, tab, Map.of(), Map.of());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> profile(User me) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("firstname", me.firstname() == null ? "" : me.firstname());
        f.put("lastname", me.lastname() == null ? "" : me.lastname());
        f.put("email", me.email() == null ? "" : me.email());
        return f;
    }

    private void show(HttpServletRequest req, HttpServletResponse resp, Visitor v, User me, String tab,
            Map<String, Object> form, Map<String, String> errors) throws IOException {
        Map<String, Object> m = pages.model(req, v, "My account", "my_account");
        m.put("tab", tab);
        m.put("form", form);
        m.put("username", me.username());
        m.put("apiKey", me.apiKey());
        Extras.model(m, users, me);
        if (tab.equals("repos")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Repo r : pages.services.repos.all()) {
                if (r.ownerId() == me.id()) {
                    rows.add(Map.of("name", r.name(), "private", r.isPrivate(),
                            "description", r.description() == null ? "" : r.description()));
                }
            }
            m.put("repos", rows);
        }
        if (tab.equals("perms")) {
            m.put("perms", pages.services.permissions.summary(me, users.defaultUser(), false));
        }
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "my_account.ftlh", m);
    }

    private void saveProfile(HttpServletRequest req, HttpServletResponse resp, Visitor v, User me)
            throws IOException {
        Map<String, Object> form = new LinkedHashMap<>();
        for (String k : List.of("firstname", "lastname", "email")) {
            form.put(k, AdminPages.param(req, k));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            users.update(me, new UserChanges(null, (String) form.get("email"), null, (String) form.get("firstname"),
                    (String) form.get("lastname"), null, null, null, null));
            pages.done(req, resp, "/_admin/my_account", "Saved your profile");
            return;
        } catch (Refused e) {
            UserAdmin.refusal(e, errors);
        }
        show(req, resp, v, me, "profile", form, errors);
    }

    private void changePassword(HttpServletRequest req, HttpServletResponse resp, Visitor v, User me)
            throws IOException {
        Map<String, String> errors = new LinkedHashMap<>();
        String current = AdminPages.raw(req, "current_password");
        String fresh = AdminPages.raw(req, "new_password");
        if (!users.passwordMatches(me, current)) {
            errors.put("current_password", "This is not your current password");
        }
        if (fresh.isEmpty()) {
            errors.put("new_password", "Enter a new password");
        } else if (!fresh.equals(AdminPages.raw(req, "new_password_confirmation"))) {
            errors.put("new_password_confirmation", "The passwords differ");
        }
        if (errors.isEmpty()) {
            try {
                users.update(me, new UserChanges(null, null, fresh, null, null, null, null, null, null));
                pages.done(req, resp, "/_admin/my_account/password", "Your password was changed");
                return;
            } catch (Refused e) {
                errors.put("new_password", e.getMessage());
            }
        }
        show(req, resp, v, me, "password", Map.of(), errors);
    }
}
