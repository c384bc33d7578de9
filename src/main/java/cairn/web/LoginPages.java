package cairn.web;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.User;
import cairn.auth.UserService;

/** /_admin/login and /_admin/logout. */
final class LoginPages {
    private final Views views;
    private final WebAuth auth;
    private final UserService users;
    private final java.util.function.Supplier<String> site;

    LoginPages(Views views, WebAuth auth, UserService users, java.util.function.Supplier<String> site) {
        this.views = views;
        this.auth = auth;
        this.users = users;
        this.site = site;
    }

    /** Whether self-registration is open (the login form then links to it). */
    private java.util.function.BooleanSupplier registrationOpen = () -> false;

    void registrationOpen(java.util.function.BooleanSupplier open) {
        this.registrationOpen = open;
    }

    /** Only a server-relative path may be a redirect target, never another site ({@code //evil}, {@code /\evil}). */
    static String safeCameFrom(String cameFrom) {
        if (cameFrom == null || !cameFrom.startsWith("/") || cameFrom.startsWith("//") || cameFrom.contains("\\")
                || cameFrom.chars().anyMatch(c -> c < 0x20)) {
            return "/";
        }
        return cameFrom;
    }

    void loginForm(HttpServletRequest req, HttpServletResponse resp, Visitor v, String error) throws IOException {
        String token = WebAuth.csrf(req.getSession(true));
        Map<String, Object> m = Page.model(req, v, site.get(), "Sign in");
        m.put("csrf", token);
        m.put("cameFrom", safeCameFrom(req.getParameter("came_from")));
        m.put("username", req.getParameter("username") == null ? "" : req.getParameter("username"));
        m.put("error", error == null ? "" : error);
        m.put("canRegister", registrationOpen.getAsBoolean());
        if (error != null) {
            resp.setStatus(HttpServletResponse.SC_OK);
        }
        views.render(resp, "login.ftlh", m);
    }

    void login(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        if (!WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        Optional<User> user = users.authenticate(req.getParameter("username"), req.getParameter("password"));
        if (user.isEmpty()) {
            loginForm(req, resp, v, "Invalid username or password");
            return;
        }
        auth.signIn(req, user.get());
        resp.sendRedirect(req.getContextPath() + safeCameFrom(req.getParameter("came_from")));
    }

    void logout(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        if (!WebAuth.csrfOk(req, v)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "CSRF token missing or wrong; reload the page");
            return;
        }
        auth.signOut(req);
        resp.sendRedirect(req.getContextPath() + "/");
    }
}
