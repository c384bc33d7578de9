package cairn.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import cairn.auth.UserService.NewUser;

/**
 * Self-registration, as the {@code default} user's global permission {@code hg.register.*} allows it: {@code none}
 * (no registration), {@code manual_activate} (the new user waits for an administrator to activate it) or
 * {@code auto_activate} (the new user may sign in at once). The account itself is made by
 * {@link UserService#create(NewUser)}, with the same checks as an administrator's.
 */
public final class Registration {
    /** What {@code hg.register.*} says. */
    public enum Mode {
        NONE, MANUAL, AUTO
    }

    /** The shortest password a visitor may choose. */
    public static final int MIN_PASSWORD = 6;

    /** What a visitor fills in. */
    public record Form(String username, String password, String confirmation, String email, String firstname,
            String lastname) {
    }

    private final UserService users;
    private final PermissionService permissions;

    public Registration(UserService users, PermissionService permissions) {
        this.users = users;
        this.permissions = permissions;
    }

    public Mode mode() {
        Mode mode = Mode.NONE;
        for (String p : permissions.globalOf(users.defaultUser())) {
            if (p.equals("hg.register.auto_activate")) {
                mode = Mode.AUTO;
            } else if (p.equals("hg.register.manual_activate") && mode == Mode.NONE) {
                mode = Mode.MANUAL;
            }
        }
        return mode;
    }

    /** What is wrong with a password a visitor chose, or null. */
    public static String passwordProblem(String password) {
        if (password == null || password.isEmpty()) {
            return "Enter a password";
        }
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            return "At least " + MIN_PASSWORD + " characters";
        }
        if (password.isBlank()) {
            return "Not only spaces";
        }
        return null;
    }

    /** The problems of a form that need no database, by field name; empty when none. */
    public static Map<String, String> check(Form f) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (f.username() == null || f.username().isEmpty()) {
            errors.put("username", "Enter a username");
        } else if (!UserService.validUsername(f.username())) {
            errors.put("username", "Letters, digits and . _ - @ only, starting with a letter or digit");
        }
        String pw = passwordProblem(f.password());
        if (pw != null) {
            errors.put("password", pw);
        } else if (!f.password().equals(f.confirmation())) {
            errors.put("password_confirmation", "The passwords differ");
        }
        if (f.email() == null || f.email().isEmpty()) {
            errors.put("email", "Enter an e-mail address");
        }
        return errors;
    }

    /**
     * Creates the account, active only under {@code auto_activate}. Throws {@link IllegalStateException} when
     * registration is off, {@link IllegalArgumentException} (with the problems of {@link #check}) for a bad form, and
     * {@link UserService.Refused} for what the user service refuses (name or address taken, bad address).
     */
    public User register(Form f) {
        Mode mode = mode();
        if (mode == Mode.NONE) {
            throw new IllegalStateException("registration is off");
        }
        Map<String, String> problems = check(f);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.toString());
        }
        return users.create(new NewUser(f.username(), f.email(), f.password(), f.firstname(), f.lastname(),
                mode == Mode.AUTO, false, null, null));
    }
}
