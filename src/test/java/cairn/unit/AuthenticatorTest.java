package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.Authenticator;
import cairn.auth.Authenticator.Result;
import cairn.auth.Passwords;
import cairn.auth.User;
import cairn.config.Settings;

/** Who a request comes from: Basic, API keys, Bearer, and the container's user only when switched on. */
class AuthenticatorTest {
    @TempDir
    static Path dir;
    static Services services;
    static User alice;

    @BeforeAll
    static void setUp() throws Exception {
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.toString())));
        services.setUp();
        alice = services.users.create("alice", "alice-pw", "Alice@Example.com", false, null);
        services.users.create("carl", "carl-pw", "carl@example.com", false, null);
    }

    @AfterAll
    static void tearDown() {
        services.close();
    }

    private static HttpServletRequest request(String remoteUser, String authorization) {
        return (HttpServletRequest) Proxy.newProxyInstance(AuthenticatorTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getRemoteUser" -> remoteUser;
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Result identify(boolean containerAuth, String remoteUser, String authorization) {
        return new Authenticator(services.users, containerAuth).identify(request(remoteUser, authorization));
    }

    private static String who(Result r) {
        return assertInstanceOf(Result.Known.class, r).user().username();
    }

    @Test
    void containerUserIsTrustedOnlyWhenSwitchedOn() {
        assertInstanceOf(Result.Anonymous.class, identify(false, "alice", null));
        assertEquals("alice", who(identify(true, "alice", null)));
        assertInstanceOf(Result.Refused.class, identify(true, "mallory", null));
        // with container auth on, a header cannot override the container's user
        assertEquals("alice", who(identify(true, "alice", basic("carl", "carl-pw"))));
    }

    @Test
    void basicWithPasswordOrEmail() {
        assertEquals("alice", who(identify(false, null, basic("alice", "alice-pw"))));
        assertEquals("alice", who(identify(false, null, basic("alice@example.com", "alice-pw"))));
        assertInstanceOf(Result.Refused.class, identify(false, null, basic("alice", "wrong")));
        assertInstanceOf(Result.Refused.class, identify(false, null, basic("default", "")));
        assertInstanceOf(Result.Refused.class, identify(false, null, "Basic !!!not-base64"));
        assertInstanceOf(Result.Refused.class, identify(false, null, "Digest abc"));
        assertInstanceOf(Result.Anonymous.class, identify(false, null, null));
    }

    @Test
    void apiKeyAsPasswordOrBearer() {
        assertEquals("alice", who(identify(false, null, "Bearer " + alice.apiKey())));
        assertEquals("alice", who(identify(false, null, basic("alice", alice.apiKey()))));
        assertEquals("alice", who(identify(false, null, basic("", alice.apiKey()))));
        assertInstanceOf(Result.Refused.class, identify(false, null, basic("carl", alice.apiKey())));
        assertInstanceOf(Result.Refused.class, identify(false, null, "Bearer " + "f".repeat(40)));
        assertInstanceOf(Result.Refused.class, identify(false, null, "Bearer short"));
    }

    @Test
    void anApiKeyCostsNoBcryptCheckAndARememberedLoginOnlyOne() {
        long before = Passwords.checks();
        assertEquals("alice", who(identify(false, null, basic("alice", alice.apiKey()))));
        assertEquals("alice", who(identify(false, null, "Bearer " + alice.apiKey())));
        assertEquals(before, Passwords.checks(), "an API key is looked up, never bcrypt-checked");
        User erin = services.users.create("erin", "erin-pw", null, false, null);
        before = Passwords.checks();
        for (int i = 0; i < 3; i++) {
            assertEquals("erin", who(identify(false, null, basic("erin", "erin-pw"))));
        }
        assertEquals(before + 1, Passwords.checks(), "the several requests of one fetch pay for bcrypt once");
    }

    @Test
    void aPasswordShapedLikeAnApiKeyStillSignsIn() {
        String hexPassword = "0123456789abcdef0123456789abcdef01234567";
        services.users.create("hexa", hexPassword, null, false, null);
        assertEquals("hexa", who(identify(false, null, basic("hexa", hexPassword))));
        // another user's key as a password does not sign in as its owner under another name
        assertInstanceOf(Result.Refused.class, identify(false, null, basic("hexa", alice.apiKey())));
    }

    @Test
    void aDeactivatedUserIsRefusedAtOnceEvenWhenTheLoginIsRemembered() {
        User dora = services.users.create("dora", "dora-pw", null, false, null);
        assertEquals("dora", who(identify(false, null, basic("dora", "dora-pw"))));
        services.users.setActive(dora, false);
        assertInstanceOf(Result.Refused.class, identify(false, null, basic("dora", "dora-pw")));
        assertInstanceOf(Result.Refused.class, identify(false, null, "Bearer " + dora.apiKey()));
    }
}
