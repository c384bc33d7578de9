package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.User;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;
import cairn.config.Settings;
import cairn.gist.Gist;

/** Deleting a user is refused, naming what they own, while they own anything; then it works. */
class UserDeleteTest {
    @TempDir
    static Path dir;
    static Services services;

    @BeforeAll
    static void setUp() throws Exception {
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.toString())));
        services.setUp();
    }

    @AfterAll
    static void tearDown() {
        services.close();
    }

    @Test
    void aUserWhoOwnsAGistIsRefusedByNameUntilItIsGone() throws Exception {
        User gina = services.users.create("gina", "gina-pw", "gina@example.com", false, null);
        Gist gist = services.gists.create(gina, Map.of("notes.txt", "hello"), "public", -1, "notes");
        Refused r = assertThrows(Refused.class, () -> services.users.delete(gina));
        assertEquals(Reason.STILL_OWNS, r.reason);
        assertTrue(r.names.contains("gist " + gist.accessId()), r.names.toString());
        assertTrue(services.users.byUsername("gina").isPresent(), "nothing deleted");

        services.gists.delete(gist);
        services.users.delete(gina);
        assertTrue(services.users.byUsername("gina").isEmpty());
    }
}
