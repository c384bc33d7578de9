package cairn.web.admin;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Registration;
import cairn.auth.Registration.Mode;
import cairn.auth.User;
import cairn.auth.UserService.Refused;
import cairn.web.Visitor;
import cairn.web.WebAuth;

/**
 * {@code /_admin/register}: self-registration for anonymous visitors, when {@code hg.register.*} allows it (404
 * otherwise). The account is made by the same user service method as an administrator's "new user".
 */
final class RegisterPage {
    private final AdminPages pages;
    private final Registration registration;

    RegisterPage(AdminPages pages) {
        this.pages = pages;
        this.registration = pages.services.registration;
    }

    void serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, boolean post) throws IOException {
        Mode mode = registration.mode();
        if (mode == Mode.NONE) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (!v.anonymous()) {
            AdminPages.redirect(req, resp, "/");
            return;
        }
        if (!post) {
            show(req, resp, v, Map.of("username", "", "email", "", "firstname", "", "lastname", ""), Map.of(), null);
            return;
        }
        if (!WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String k : new String[] {"username", "email", "firstname", "lastname"}) {
            form.put(k, AdminPages.param(req, k));
        }
        Registration.Form f = new Registration.Form(form.get("username"), AdminPages.raw(req, "password"),
                AdminPages.raw(req, "password_confirmation"), form.get("email"), form.get("firstname"),
                form.get("lastname"));
        Map<String, String> errors = new LinkedHashMap<>(Registration.check(f));
        if (errors.isEmpty()) {
            try {
                User u = registration.register(f);
                show(req, resp, v, form, Map.of(), u.active()
                        ? "Your account " + u.username() + " is ready: sign in with it."
                        : "Your account " + u.username() + " was created; an administrator must activate it before "
                                + "you can sign in.");
                return;
            } catch (Refused e) {
                UserAdmin.refusal(e, errors);
            } catch (IllegalStateException e) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        show(req, resp, v, form, errors, null);
    }

    private void show(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, String> form,
            Map<String, String> errors, String done) throws IOException {
        Map<String, Object> m = pages.model(req, v, "Register", "register");
        m.put("csrf", WebAuth.csrf(req.getSession(true)));
        m.put("form", form);
        m.put("done", done == null ? "" : done);
        m.put("minPassword", Registration.MIN_PASSWORD);
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "register.ftlh", m);
    }
}
