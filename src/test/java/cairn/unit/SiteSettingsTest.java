package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.Registration;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.config.Settings;
import cairn.config.SiteSettings;
import cairn.config.SiteSettings.Field;
import cairn.db.Database;
import cairn.db.SettingsDao;

/** The settings page's rules (title, realm, clone URL template), where saved values win, and self-registration. */
class SiteSettingsTest {
    @TempDir
    static Path dir;
    static String url;
    static Services services;

    @BeforeAll
    static void setUp() throws Exception {
        url = "jdbc:h2:mem:site-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.toString(), "database.url", url,
                "cairn.title", "Ini Title")));
        services.setUp();
    }

    @AfterAll
    static void tearDown() {
        services.close();
    }

    @Test
    void titleIsOneToHundredCharacters() {
        assertNotNull(SiteSettings.problem(Field.TITLE, ""));
        assertNotNull(SiteSettings.problem(Field.TITLE, "   "));
        assertNull(SiteSettings.problem(Field.TITLE, "x".repeat(100)));
        assertNotNull(SiteSettings.problem(Field.TITLE, "x".repeat(101)));
        assertNull(SiteSettings.problem(Field.TITLE, "Forge « Été »"));
        assertNotNull(SiteSettings.problem(Field.TITLE, "two\nlines"));
    }

    @Test
    void realmIsPrintableAsciiWithoutQuotes() {
        assertNull(SiteSettings.problem(Field.REALM, "Cairn at ACME (git)"));
        assertNotNull(SiteSettings.problem(Field.REALM, ""));
        assertNotNull(SiteSettings.problem(Field.REALM, "say \"hi\""));
        assertNotNull(SiteSettings.problem(Field.REALM, "back\\slash"));
        assertNotNull(SiteSettings.problem(Field.REALM, "Été"));
        assertNotNull(SiteSettings.problem(Field.REALM, "tab\there"));
        assertNotNull(SiteSettings.problem(Field.REALM, "r".repeat(101)));
    }

    @Test
    void cloneTemplateMustGiveAUrlWithKnownPlaceholders() {
        assertNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{user}@{netloc}/{repo}"));
        assertNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "https://git.example.com{prefix}/{repo}.git"));
        assertNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{netloc}/_{repoid}"));
        assertNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "ssh://git@example.com:2222/{repo}"));
        assertTrue(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{host}/{repo}").contains("{host}"));
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{netloc}/fixed"), "no repository");
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{repo}"), "no scheme, no host");
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "/{netloc}/{repo}"));
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{netloc}/{repo} x"), "a space");
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, "{scheme}://{netloc}/{repo}{"));
        assertNotNull(SiteSettings.problem(Field.CLONE_URI_TMPL, ""));
    }

    @Test
    void fillDropsTheUserForAnonymousVisitorsAndEncodesIt() {
        String t = "{scheme}://{user}@{netloc}/{repo}";
        assertEquals("http://h:8080/ctx/g/r", SiteSettings.fill(t, "http", null, "h:8080/ctx", "/ctx", "g/r", 7));
        assertEquals("http://a%20b%40c@h/g/r", SiteSettings.fill(t, "http", "a b@c", "h", "", "g/r", 7));
        assertEquals("x/_7/7/ctx", SiteSettings.fill("x/{repo}/{repoid}{prefix}", "http", null, "h", "/ctx", "_7", 7));
    }

    @Test
    void savedValuesWinOverTheIniUntilReset() {
        SiteSettings site = services.site;
        assertEquals("Ini Title", site.title());
        assertFalse(site.overridden(Field.TITLE));
        Map<Field, String> bad = site.save(Map.of(Field.TITLE, "New Title", Field.REALM, "bad\"realm"));
        assertEquals(java.util.Set.of(Field.REALM), bad.keySet());
        assertEquals("Ini Title", site.title(), "all or nothing");

        assertTrue(site.save(Map.of(Field.TITLE, "  New Title ", Field.REALM, "Forge")).isEmpty());
        assertEquals("New Title", site.title());
        assertEquals("Forge", site.realm());
        assertTrue(site.overridden(Field.TITLE));

        site.reset(Field.TITLE);
        assertEquals("Ini Title", site.title());
        assertEquals("Forge", site.realm(), "only that field");
        assertTrue(site.save(Map.of(Field.REALM, site.iniDefault(Field.REALM))).isEmpty());
        assertFalse(site.overridden(Field.REALM), "the ini's value is not stored");
    }

    @Test
    void anotherNodeSeesAChangeWithinTheCacheTime() {
        Jdbi jdbi = Jdbi.create(url);
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        SiteSettings other = new SiteSettings(services.settings, new SettingsDao(jdbi), clock);
        String before = other.cloneUriTemplate();
        assertTrue(services.site.save(Map.of(Field.CLONE_URI_TMPL, "https://git.example.com/{repo}")).isEmpty());
        assertEquals(before, other.cloneUriTemplate(), "read less than a second ago");
        now[0] = now[0].plus(Duration.ofMillis(1001));
        assertEquals("https://git.example.com/{repo}", other.cloneUriTemplate());
        services.site.reset(Field.CLONE_URI_TMPL);
    }

    @Test
    void jdbcUrlsLoseTheirCredentials() {
        assertEquals("jdbc:mysql://db:3306/cairn?user=***&useSSL=false&password=***",
                Database.redact("jdbc:mysql://db:3306/cairn?user=cairn&useSSL=false&password=s3cret"));
        assertEquals("jdbc:mysql://db/cairn", Database.redact("jdbc:mysql://cairn:s3cret@db/cairn"));
        assertEquals("jdbc:h2:tcp://h/mem:x;MODE=MySQL;PASSWORD=***",
                Database.redact("jdbc:h2:tcp://h/mem:x;MODE=MySQL;PASSWORD=pw"));
    }

    @Test
    void registrationRules() {
        assertEquals("Enter a password", Registration.passwordProblem(""));
        assertNotNull(Registration.passwordProblem("12345"));
        assertNotNull(Registration.passwordProblem("      "));
        assertNull(Registration.passwordProblem("123456"));
        Map<String, String> e = Registration.check(new Registration.Form("bad name", "pw", "pw", "", null, null));
        assertEquals(java.util.Set.of("username", "password", "email"), e.keySet());
        e = Registration.check(new Registration.Form("", "secret-1", "secret-2", "a@b", null, null));
        assertEquals(java.util.Set.of("username", "password_confirmation"), e.keySet());
        assertTrue(Registration.check(new Registration.Form("zoe", "secret-1", "secret-1", "z@e", null, null))
                .isEmpty());
    }

    @Test
    void registrationFollowsTheDefaultPermission() {
        User def = services.users.defaultUser();
        Registration r = services.registration;
        assertEquals(Registration.Mode.MANUAL, r.mode(), "Kallithea's default");
        User manual = r.register(new Registration.Form("reg-manual", "secret-1", "secret-1", "m@example.com", "M",
                ""));
        assertFalse(manual.active());
        assertTrue(services.users.authenticate("reg-manual", "secret-1").isEmpty());

        services.permissions.setGlobal(def, "hg.register.auto_activate");
        assertEquals(Registration.Mode.AUTO, r.mode());
        r.register(new Registration.Form("reg-auto", "secret-1", "secret-1", "a@example.com", "", ""));
        assertTrue(services.users.authenticate("reg-auto", "secret-1").isPresent());
        UserService.Refused taken = assertThrows(UserService.Refused.class, () -> r.register(
                new Registration.Form("reg-auto", "secret-1", "secret-1", "other@example.com", "", "")));
        assertEquals(UserService.Reason.NAME_TAKEN, taken.reason);

        services.permissions.setGlobal(def, "hg.register.none");
        assertEquals(Registration.Mode.NONE, r.mode());
        assertThrows(IllegalStateException.class, () -> r.register(
                new Registration.Form("reg-none", "secret-1", "secret-1", "n@example.com", "", "")));
        services.permissions.setGlobal(def, "hg.register.manual_activate");
    }
}
