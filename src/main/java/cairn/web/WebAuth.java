package cairn.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import cairn.auth.Authenticator;
import cairn.auth.Authenticator.Result;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;

/**
 * Identity for web pages, in Kallithea's order: an API key ({@code ?api_key=} or {@code Authorization: Bearer}; a bad
 * one is refused outright), other credentials on the request (Basic, for scripts), the session, the container's user
 * when switched on, else the {@code default} user.
 */
public final class WebAuth {
    static final String SESSION_USER = "cairn.user";
    static final String SESSION_CSRF = "cairn.csrf";
    public static final String CSRF_FIELD = "_session_csrf_secret_token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authenticator authenticator;
    private final UserService users;
    private final PermissionService permissions;

    public WebAuth(Authenticator authenticator, UserService users, PermissionService permissions) {
        this.authenticator = authenticator;
        this.users = users;
        this.permissions = permissions;
    }

    /** The visitor, or empty when the request carries credentials that are wrong (answer 403). */
    public Optional<Visitor> identify(HttpServletRequest req) {
        User defaultUser = users.defaultUser();
        String apiKey = req.getParameter("api_key");
        String authorization = req.getHeader("Authorization");
        if (apiKey != null) {
            return users.byApiKey(apiKey).map(u -> visitor(u, defaultUser, true, null));
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return users.byApiKey(authorization.substring(7).trim()).map(u -> visitor(u, defaultUser, true, null));
        }
        Result r = authenticator.identify(req);
        if (r instanceof Result.Refused) {
            return Optional.empty();
        }
        if (r instanceof Result.Known k) {
            // Basic and container credentials are sent by browsers on their own, like cookies: forms need the token
            return Optional.of(visitor(k.user(), defaultUser, false, csrf(req.getSession(true))));
        }
        HttpSession session = req.getSession(false);
        if (session != null && session.getAttribute(SESSION_USER) instanceof Long id) {
            Optional<User> u = users.byId(id).filter(User::active);
            if (u.isPresent()) {
                return Optional.of(visitor(u.get(), defaultUser, false, csrf(session)));
            }
            session.removeAttribute(SESSION_USER);
        }
        String token = session == null ? null : (String) session.getAttribute(SESSION_CSRF);
        return Optional.of(new Visitor(defaultUser, permissions.of(defaultUser, defaultUser), true, false, token));
    }

    private Visitor visitor(User u, User defaultUser, boolean viaApiKey, String csrf) {
        return new Visitor(u, permissions.of(u, defaultUser), u.id() == defaultUser.id(), viaApiKey, csrf);
    }

    /** Starts a fresh session for a user who just signed in (a new id defeats session fixation). */
    public void signIn(HttpServletRequest req, User user) {
        HttpSession old = req.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession s = req.getSession(true);
        s.setAttribute(SESSION_USER, user.id());
        s.setAttribute(SESSION_CSRF, newToken());
    }

    public void signOut(HttpServletRequest req) {
        HttpSession s = req.getSession(false);
        if (s != null) {
            s.invalidate();
        }
    }

    /** The session's CSRF token, created on first use (anonymous visitors get one for the login form). */
    public static String csrf(HttpSession s) {
        String t = (String) s.getAttribute(SESSION_CSRF);
        if (t == null) {
            t = newToken();
            s.setAttribute(SESSION_CSRF, t);
        }
        return t;
    }

    /**
     * Whether a state-changing request may proceed: it must echo the session's token in its body, unless it came
     * with an API key.
     */
    public static boolean csrfOk(HttpServletRequest req, Visitor v) {
        if (v.viaApiKey()) {
            return true;
        }
        HttpSession s = req.getSession(false);
        String expected = s == null ? null : (String) s.getAttribute(SESSION_CSRF);
        String given = req.getParameter(CSRF_FIELD);
        String query = req.getQueryString();
        if (query != null && query.contains(CSRF_FIELD)) {
            // a token seen in a URL may have leaked (logs, referrers): Kallithea refuses it, and so do we
            return false;
        }
        return expected != null && given != null && java.security.MessageDigest.isEqual(
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String newToken() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
