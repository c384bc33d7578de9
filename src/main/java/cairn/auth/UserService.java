package cairn.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.ehcache.Cache;

import cairn.cache.Caches;
import cairn.db.PermissionDao;
import cairn.db.UserDao;

/** Users (creation, profile, deletion, extra e-mails), and who a set of credentials belongs to. */
public final class UserService {
    private final UserDao users;
    private final PermissionDao permissions;
    private final Clock clock;
    /** (login, sha-256 of password) → user id of a recent successful bcrypt check. */
    private final Cache<String, Long> recentLogins;

    public UserService(UserDao users, PermissionDao permissions, Caches caches, Duration authCacheTtl, Clock clock) {
        this.users = users;
        this.permissions = permissions;
        this.clock = clock;
        this.recentLogins = caches.create("recent-logins", String.class, Long.class, 10_000,
                authCacheTtl.isZero() ? Duration.ofMillis(1) : authCacheTtl);
    }

    public Optional<User> byId(long id) {
        return users.byId(id);
    }

    /** The default user as read at a permission generation; any change to it bumps the generation. */
    private record DefaultAt(long generation, User user) {
    }

    private volatile DefaultAt defaultAt;

    /**
     * The {@code default} user, read again only when the permission generation moved (every change to users bumps
     * it): the Git endpoint needs it on every request and a query each time was a third of a small request's cost.
     */
    public User defaultUser(long generation) {
        DefaultAt known = defaultAt;
        if (known == null || known.generation() != generation) {
            known = new DefaultAt(generation, defaultUser());
            defaultAt = known;
        }
        return known.user();
    }

    public Optional<User> byUsername(String username) {
        return users.byUsername(username);
    }

    /** The {@code default} user: anonymous visitors, and everyone's permission floor. */
    public User defaultUser() {
        return users.byUsername(User.DEFAULT).orElseThrow(() -> new IllegalStateException("no default user"));
    }

    public List<User> all() {
        return users.all();
    }

    /**
     * The active user whose username (or e-mail address) and password these are. A success is remembered for a short
     * while, so the several requests of one fetch pay for bcrypt once; the active flag is still read every time.
     */
    public Optional<User> authenticate(String login, String password) {
        if (login == null || login.isEmpty() || password == null || User.DEFAULT.equals(login)) {
            return Optional.empty();
        }
        String cacheKey = login + "\0" + sha256(password);
        Long known = recentLogins.get(cacheKey);
        if (known != null) {
            return users.byId(known).filter(User::active);
        }
        Optional<User> user = users.byUsername(login);
        if (user.isEmpty() && login.contains("@")) {
            List<User> byMail = users.byEmail(login);
            user = byMail.size() == 1 ? Optional.of(byMail.get(0)) : Optional.empty();
        }
        Optional<User> ok = user.filter(u -> !u.isDefault() && Passwords.matches(password, u.password()));
        ok.ifPresent(u -> recentLogins.put(cacheKey, u.id()));
        return ok.filter(User::active);
    }

    /** The active user owning this main or unexpired extra API key. */
    public Optional<User> byApiKey(String key) {
        if (key == null || key.length() != 40) {
            return Optional.empty();
        }
        return users.byApiKey(key, clock.instant().getEpochSecond()).filter(u -> u.active() && !u.isDefault());
    }

    /** Creates a user; a null password gets a random one nobody knows, a null API key a fresh one. */
    public User create(String username, String password, String email, boolean admin, String apiKey) {
        long id = users.insert(username, Passwords.hash(password != null ? password : Passwords.newPassword()),
                true, admin, null, null, email, apiKey != null ? apiKey : Passwords.newApiKey(), clock.instant());
        permissions.bumpGeneration();
        return users.byId(id).orElseThrow();
    }

    public void setActive(User user, boolean active) {
        users.setActive(user.id(), active);
        recentLogins.clear();
        permissions.bumpGeneration();
    }

    /**
     * A bare user group row: no name checks, and no grant rows (so nobody but its owner and super-admins has a level on
     * it). For tests that need exactly that.
     *
     * @deprecated use {@link UserGroupService#create}, which checks names and adds Kallithea's rows (the default
     *             user's level, usergroup.admin for the owner)
     */
    @Deprecated
    public long createUserGroup(String name, User owner, boolean active) {
        long id = users.insertUserGroup(name, active, owner.id(), clock.instant());
        permissions.bumpGeneration();
        return id;
    }

    /** @deprecated use {@link UserGroupService#addMember} */
    @Deprecated
    public void addMember(long userGroupId, User user) {
        users.addMember(userGroupId, user.id());
        permissions.bumpGeneration();
    }

    /** Why a change to a user or user group was refused; the API turns each into Kallithea's message. */
    public enum Reason {
        NAME_TAKEN, EMAIL_TAKEN, INVALID, DEFAULT_USER, STILL_OWNS, ASSIGNED
    }

    /** A refused change, with the names involved (e.g. the repositories a user group is assigned to). */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final Reason reason;
        public final List<String> names;

        public Refused(Reason reason, String message, List<String> names) {
            super(message, null, false, false);
            this.reason = reason;
            this.names = List.copyOf(names);
        }

        public Refused(Reason reason, String message) {
            this(reason, message, List.of());
        }
    }

    /** A letter or digit first, then letters, digits and {@code . _ - @} (Kallithea's rule, plus {@code @}). */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,254}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** Whether {@code name} may be a username; {@value User#DEFAULT} is reserved. */
    public static boolean validUsername(String name) {
        return name != null && USERNAME.matcher(name).matches() && !User.DEFAULT.equals(name);
    }

    /** What a new user is made of; null fields get Kallithea's defaults. */
    public record NewUser(String username, String email, String password, String firstname, String lastname,
            boolean active, boolean admin, String externType, String externName) {
    }

    /**
     * Creates a user after Kallithea's checks, in its order: the username is free, the e-mail address (primary or
     * extra of anyone) is free, then the values are valid. No password (or an empty one) gives a random one nobody
     * knows.
     */
    public User create(NewUser n) {
        if (n.username() != null && users.byUsername(n.username()).isPresent()) {
            throw new Refused(Reason.NAME_TAKEN, "user " + n.username() + " already exists");
        }
        String email = normalEmail(n.email());
        if (email != null && !users.byEmail(email).isEmpty()) {
            throw new Refused(Reason.EMAIL_TAKEN, "e-mail address " + email + " is already used");
        }
        if (!validUsername(n.username()) || users.countByUsernameIgnoringCase(n.username()) > 0) {
            // a name differing only in case would be the same name on MySQL
            throw new Refused(Reason.INVALID, "invalid username: " + n.username());
        }
        checkEmail(email);
        String password = n.password() == null || n.password().isEmpty() ? Passwords.newPassword() : n.password();
        long id;
        try {
            id = users.insertFull(n.username(), Passwords.hash(password), n.active(), n.admin(),
                    n.firstname() == null ? "" : n.firstname(), n.lastname() == null ? "" : n.lastname(), email,
                    Passwords.newApiKey(), n.externType() == null ? "internal" : n.externType(),
                    n.externName() == null ? "" : n.externName(), clock.instant());
        } catch (RuntimeException e) {
            // a unique constraint lost to a concurrent request
            throw new Refused(Reason.INVALID, "cannot create user " + n.username() + ": " + e.getMessage());
        }
        permissions.bumpGeneration();
        return users.byId(id).orElseThrow();
    }

    /** Changes to a user's profile; null fields stay as they are. */
    public record UserChanges(String username, String email, String password, String firstname, String lastname,
            Boolean active, Boolean admin, String externType, String externName) {
    }

    /**
     * Applies the given changes (all or nothing). The {@code default} user cannot be edited; a new username must be
     * valid and free, a new e-mail address unused by anyone else. A password is hashed again; an empty one is replaced
     * by a random one nobody knows, as Kallithea empties it.
     */
    public User update(User user, UserChanges c) {
        if (user.isDefault()) {
            throw new Refused(Reason.DEFAULT_USER, "the default user cannot be edited");
        }
        String username = c.username() != null ? c.username() : user.username();
        if (!username.equals(user.username())) {
            if (!validUsername(username)) {
                throw new Refused(Reason.INVALID, "invalid username: " + username);
            }
            if (users.byUsername(username).isPresent() || (!username.equalsIgnoreCase(user.username())
                    && users.countByUsernameIgnoringCase(username) > 0)) {
                throw new Refused(Reason.NAME_TAKEN, "user " + username + " already exists");
            }
        }
        String email = c.email() != null ? normalEmail(c.email()) : user.email();
        if (email != null && !email.equals(user.email())) {
            checkEmail(email);
            if (users.byEmail(email).stream().anyMatch(u -> u.id() != user.id())) {
                throw new Refused(Reason.EMAIL_TAKEN, "e-mail address " + email + " is already used");
            }
        }
        try {
            users.update(user.id(), username, c.firstname() != null ? c.firstname() : user.firstname(),
                    c.lastname() != null ? c.lastname() : user.lastname(), email,
                    c.active() != null ? c.active() : user.active(), c.admin() != null ? c.admin() : user.admin(),
                    c.externType() != null ? c.externType() : user.externType(),
                    c.externName() != null ? c.externName() : user.externName());
            if (c.password() != null) {
                users.setPassword(user.id(), Passwords.hash(c.password().isEmpty() ? Passwords.newPassword()
                        : c.password()));
            }
        } catch (RuntimeException e) {
            throw new Refused(Reason.INVALID, "cannot update user " + user.username() + ": " + e.getMessage());
        }
        recentLogins.clear();
        permissions.bumpGeneration();
        return users.byId(user.id()).orElseThrow();
    }

    /**
     * Deletes a user, refused (as Kallithea) for the {@code default} user and while the user owns repositories,
     * repository groups, user groups or gists. Grants, memberships, API keys and extra e-mails go with the user; journal
     * entries keep the name.
     */
    public void delete(User user) {
        if (user.isDefault()) {
            throw new Refused(Reason.DEFAULT_USER, "the default user cannot be deleted");
        }
        List<String> owned = new ArrayList<>(users.ownedRepositories(user.id()));
        owned.addAll(users.ownedRepoGroups(user.id()));
        owned.addAll(users.ownedUserGroups(user.id()));
        // gists hold content nobody else owns: deleting them with the user would lose it (the database refused with
        // a foreign-key error before; now the refusal names them like the rest)
        users.ownedGists(user.id()).forEach(g -> owned.add("gist " + g));
        if (!owned.isEmpty()) {
            throw new Refused(Reason.STILL_OWNS, "user " + user.username() + " still owns " + owned, owned);
        }
        try {
            users.delete(user.id());
        } catch (RuntimeException e) {
            throw new Refused(Reason.INVALID, "cannot delete user " + user.username() + ": " + e.getMessage());
        }
        recentLogins.clear();
        permissions.bumpGeneration();
    }

    /** Gives the user a fresh main API key (the old one stops working at once); the default user has none to reset. */
    public User resetApiKey(User user) {
        if (user.isDefault()) {
            throw new Refused(Reason.DEFAULT_USER, "the default user has no API key to reset");
        }
        users.setApiKey(user.id(), Passwords.newApiKey());
        return users.byId(user.id()).orElseThrow();
    }

    /** Whether {@code password} is the user's current password (for changes that must be confirmed with it). */
    public boolean passwordMatches(User user, String password) {
        return password != null && !user.isDefault() && Passwords.matches(password, user.password());
    }

    /** Every user but {@code default}, by username. */
    public List<User> allButDefault() {
        return users.all().stream().filter(u -> !u.isDefault()).toList();
    }

    /** The user's extra e-mail addresses (the primary one is not among them). */
    public List<String> extraEmails(User user) {
        return users.extraEmails(user.id());
    }

    /**
     * Adds an extra e-mail address (sign-in by e-mail and e-mail lookups find the user by it); refused when it is not
     * an address or anyone already uses it, as primary or extra address.
     */
    public void addExtraEmail(User user, String email) {
        String e = normalEmail(email);
        if (e == null) {
            throw new Refused(Reason.INVALID, "invalid e-mail address: " + email);
        }
        checkEmail(e);
        if (!users.byEmail(e).isEmpty()) {
            throw new Refused(Reason.EMAIL_TAKEN, "e-mail address " + e + " is already used");
        }
        try {
            users.insertExtraEmail(user.id(), e);
        } catch (RuntimeException ex) {
            // the unique constraint lost to a concurrent request
            throw new Refused(Reason.EMAIL_TAKEN, "e-mail address " + e + " is already used");
        }
    }

    /** Removes one of the user's extra e-mail addresses; false when the user had no such address. */
    public boolean removeExtraEmail(User user, String email) {
        return email != null && users.deleteExtraEmail(user.id(), email.trim()) > 0;
    }

    /** The user's extra API keys (the main key is not among them), oldest first. */
    public List<UserDao.ExtraApiKey> extraApiKeys(User user) {
        return users.extraApiKeys(user.id());
    }

    /**
     * Makes an extra API key with a description, valid for {@code lifetime} (null: until removed); returns the key.
     * It works wherever the main key does until it expires or is removed.
     */
    public String addApiKey(User user, String description, Duration lifetime) {
        if (user.isDefault()) {
            throw new Refused(Reason.DEFAULT_USER, "the default user cannot have API keys");
        }
        String key = Passwords.newApiKey();
        long expires = lifetime == null ? -1 : clock.instant().plus(lifetime).getEpochSecond();
        users.insertApiKey(user.id(), key, description == null ? "" : description, expires, clock.instant());
        return key;
    }

    /** Removes one of the user's extra API keys; it stops working at once. False when the user had no such key. */
    public boolean removeApiKey(User user, String key) {
        return key != null && users.deleteApiKey(user.id(), key) > 0;
    }

    /** Extra e-mail addresses of every user who has any, by user id. */
    public Map<Long, List<String>> extraEmails() {
        Map<Long, List<String>> out = new HashMap<>();
        for (UserDao.ExtraEmail e : users.allExtraEmails()) {
            out.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e.email());
        }
        return out;
    }

    private static String normalEmail(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        return email.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static void checkEmail(String email) {
        if (email != null && (email.length() > 255 || !EMAIL.matcher(email).matches())) {
            throw new Refused(Reason.INVALID, "invalid e-mail address: " + email);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
