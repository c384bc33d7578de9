package cairn.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who a request comes from: the container's authenticated user (only when container authentication is switched on),
 * HTTP Basic with a password or an API key as the password, or {@code Authorization: Bearer <api key>}.
 */
public final class Authenticator {
    /** The outcome: no credentials at all, valid ones, or credentials that are wrong. */
    public sealed interface Result {
        record Anonymous() implements Result {
        }

        record Known(User user) implements Result {
        }

        record Refused() implements Result {
        }
    }

    private final UserService users;
    private final boolean containerAuth;

    public Authenticator(UserService users, boolean containerAuth) {
        this.users = users;
        this.containerAuth = containerAuth;
    }

    public Result identify(HttpServletRequest request) {
        if (containerAuth && request.getRemoteUser() != null) {
            return known(users.byUsername(request.getRemoteUser()).filter(User::active));
        }
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return new Result.Anonymous();
        }
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return known(users.byApiKey(value));
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return new Result.Refused();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Result.Refused();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Result.Refused();
        }
        String login = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        // An API key as the password (a user name, when given, must be the key owner's) is tried first: one indexed
        // lookup, where a wrong bcrypt check costs ~0.2 s of CPU on every request of a script or CI job using a key.
        Optional<User> user = API_KEY.matcher(password).matches()
                ? users.byApiKey(password).filter(u -> login.isEmpty() || login.equals(u.username())
                        || login.equalsIgnoreCase(u.email()))
                : Optional.empty();
        if (user.isEmpty()) {
            user = users.authenticate(login, password);
        }
        return known(user);
    }

    private static final java.util.regex.Pattern API_KEY = java.util.regex.Pattern.compile("[0-9a-fA-F]{40}");

    private static Result known(Optional<User> user) {
        return user.<Result>map(Result.Known::new).orElseGet(Result.Refused::new);
    }
}
