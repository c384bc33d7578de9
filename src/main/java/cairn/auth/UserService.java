package cairn.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.ehcache.Cache;

import cairn.cache.Caches;
import cairn.db.PermissionDao;
import cairn.db.UserDao;

/** Users and user groups, and who a set of credentials belongs to. */
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

    public long createUserGroup(String name, User owner, boolean active) {
        long id = users.insertUserGroup(name, active, owner.id(), clock.instant());
        permissions.bumpGeneration();
        return id;
    }

    public void addMember(long userGroupId, User user) {
        users.addMember(userGroupId, user.id());
        permissions.bumpGeneration();
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
