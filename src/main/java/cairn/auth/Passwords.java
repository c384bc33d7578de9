package cairn.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import at.favre.lib.crypto.bcrypt.BCrypt;

/** bcrypt hashing and random secrets. */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int COST = 12;
    /** bcrypt checks made since start: each costs ~0.2 s of CPU, so the caches that spare them are tested by it. */
    private static final java.util.concurrent.atomic.AtomicLong CHECKS = new java.util.concurrent.atomic.AtomicLong();

    private Passwords() {
    }

    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    public static boolean matches(String password, String hash) {
        if (hash == null || !hash.startsWith("$2")) {
            return false;
        }
        CHECKS.incrementAndGet();
        return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** How many bcrypt checks were made since start. */
    public static long checks() {
        return CHECKS.get();
    }

    /** 40 hex characters, the shape of Kallithea's API keys. */
    public static String newApiKey() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String newPassword() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
