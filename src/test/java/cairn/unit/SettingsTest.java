package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

import cairn.config.ConfigException;
import cairn.config.Key;
import cairn.config.Keys;
import cairn.config.Settings;

class SettingsTest {

    @TempDir
    Path dir;

    private Path ini(String content) throws IOException {
        Path file = dir.resolve("cairn.ini");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static Key key(String section, String name) {
        return Keys.ALL.stream().filter(k -> k.section().equals(section) && k.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no key [" + section + "] " + name));
    }

    static final List<Key> ALL_KEYS = Keys.ALL;

    @ParameterizedTest(name = "default of {0}")
    @FieldSource("ALL_KEYS")
    void everyKeyHasItsDefaultWithoutAFile(Key key) {
        Settings s = Settings.defaults();
        assertEquals(key.defaultValue(), s.string(key));
        switch (key.type()) {
            case INT -> assertEquals(Integer.parseInt(key.defaultValue()), s.integer(key));
            case BOOL -> assertEquals(Boolean.parseBoolean(key.defaultValue()), s.bool(key));
            default -> {
            }
        }
    }

    @Test
    void defaultsWithoutAFile() {
        Settings s = Settings.defaults();
        Path cwd = Path.of("").toAbsolutePath();
        assertAll(
                () -> assertNull(s.file()),
                () -> assertEquals("127.0.0.1", s.string(Keys.HOST)),
                () -> assertEquals(8080, s.integer(Keys.PORT)),
                () -> assertEquals(-1, s.integer(Keys.AJP_PORT)),
                () -> assertEquals(10, s.integer(Keys.DB_POOL_SIZE)),
                () -> assertFalse(s.bool(Keys.CONTAINER_AUTH)),
                () -> assertTrue(s.bool(Keys.SCAN_ON_START)),
                () -> assertEquals("", s.string(Keys.DB_URL)),
                () -> assertNull(s.path(Keys.REPOS_DIR)),
                () -> assertEquals(cwd.resolve("cairn-data").normalize(), s.dataDir()),
                () -> assertEquals(cwd.resolve("cairn-data").resolve("repos").normalize(), s.reposDir()));
    }

    @Test
    void emptyOverridesAndNullFileEqualDefaults() {
        Settings s = Settings.of(null, Map.of());
        for (Key k : Keys.ALL) {
            assertEquals(k.defaultValue(), s.string(k), k.qualified());
        }
    }

    @Test
    void valuesAreReadFromEverySection() throws IOException {
        Path file = ini("""
                [server]
                host = 0.0.0.0
                port = 9090
                ajp_port = 8009
                ajp_secret = s3cret
                max_threads = 50

                [cairn]
                title = My Code
                realm = Code Realm
                clone_uri_tmpl = {scheme}://{netloc}/{repo}
                vcs_prefix = /_vcs
                container_auth = true
                auth_cache_seconds = 5
                scan_on_start = false

                [database]
                url = jdbc:mysql://db.example/cairn
                user = cairn
                password = pw
                pool_size = 3

                [git]
                allow_filter = false
                fsck_objects = no
                """);
        Settings s = Settings.of(file, Map.of());
        assertAll(
                () -> assertEquals(file, s.file()),
                () -> assertEquals("0.0.0.0", s.string(Keys.HOST)),
                () -> assertEquals(9090, s.integer(Keys.PORT)),
                () -> assertEquals(8009, s.integer(Keys.AJP_PORT)),
                () -> assertEquals("s3cret", s.string(Keys.AJP_SECRET)),
                () -> assertEquals(50, s.integer(Keys.MAX_THREADS)),
                () -> assertEquals("My Code", s.string(Keys.TITLE)),
                () -> assertEquals("Code Realm", s.string(Keys.REALM)),
                () -> assertEquals("{scheme}://{netloc}/{repo}", s.string(Keys.CLONE_URI_TMPL)),
                () -> assertEquals("/_vcs", s.string(Keys.VCS_PREFIX)),
                () -> assertTrue(s.bool(Keys.CONTAINER_AUTH)),
                () -> assertEquals(5, s.integer(Keys.AUTH_CACHE_SECONDS)),
                () -> assertFalse(s.bool(Keys.SCAN_ON_START)),
                () -> assertEquals("jdbc:mysql://db.example/cairn", s.string(Keys.DB_URL)),
                () -> assertEquals("cairn", s.string(Keys.DB_USER)),
                () -> assertEquals("pw", s.string(Keys.DB_PASSWORD)),
                () -> assertEquals(3, s.integer(Keys.DB_POOL_SIZE)),
                () -> assertFalse(s.bool(Keys.GIT_ALLOW_FILTER)),
                () -> assertFalse(s.bool(Keys.GIT_FSCK)),
                // keys the file does not mention keep their defaults
                () -> assertEquals("", s.string(Keys.DB_JNDI)),
                () -> assertEquals("", s.string(Keys.ADMIN_PASSWORD)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            true  | true
            TRUE  | true
            yes   | true
            Yes   | true
            on    | true
            1     | true
            false | false
            False | false
            no    | false
            off   | false
            OFF   | false
            0     | false
            """)
    void booleanSpellings(String written, boolean expected) throws IOException {
        Settings s = Settings.of(ini("[cairn]\ncontainer_auth = " + written + "\n"), Map.of());
        assertEquals(expected, s.bool(Keys.CONTAINER_AUTH));
    }

    @Test
    void valuesAreTrimmed() throws IOException {
        Settings s = Settings.of(ini("[server]\nport =    7070   \nhost =  example.org \n"), Map.of());
        assertEquals(7070, s.integer(Keys.PORT));
        assertEquals("example.org", s.string(Keys.HOST));
    }

    @ParameterizedTest(name = "[{0}] {1} = ''{2}''")
    @CsvSource(delimiter = '|', textBlock = """
            server   | port               | abc
            server   | port               | 80.5
            server   | port               | 99999999999
            server   | ajp_port           | off
            server   | max_threads        | 1e3
            cairn    | auth_cache_seconds | sixty
            database | pool_size          | ten
            cairn    | container_auth     | maybe
            cairn    | scan_on_start      | tru
            git      | allow_filter       | 2
            git      | fsck_objects       | enabled
            """)
    void badValueNamesSectionKeyAndFile(String section, String name, String value) throws IOException {
        Path file = ini("[" + section + "]\n" + name + " = " + value + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(file, Map.of()));
        String msg = e.getMessage();
        assertAll(
                () -> assertTrue(msg.contains("[" + section + "] " + name), msg),
                () -> assertTrue(msg.contains(file.toString()), msg),
                () -> assertTrue(msg.contains(value), msg));
    }

    @Test
    void emptyIntegerIsRefused() throws IOException {
        Path file = ini("[database]\npool_size =\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(file, Map.of()));
        assertTrue(e.getMessage().contains("[database] pool_size"), e.getMessage());
    }

    @Test
    void missingFileIsAConfigExceptionNamingIt() {
        Path missing = dir.resolve("nope.ini");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(missing, Map.of()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void unknownKeysAreIgnoredWithAWarningNamingThem() throws IOException {
        Path file = ini("""
                [server]
                port = 8181
                colour = blue

                [nosuchsection]
                whatever = 1
                """);
        Logger logger = Logger.getLogger("cairn.config.Settings");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        Settings s;
        try {
            s = Settings.of(file, Map.of());
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(8181, s.integer(Keys.PORT));
        List<String> warnings = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
        assertTrue(warnings.stream().anyMatch(m -> m.contains("server.colour") && m.contains(file.toString())),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(m -> m.contains("nosuchsection.whatever")), warnings.toString());
        assertFalse(warnings.stream().anyMatch(m -> m.contains("server.port")), warnings.toString());
    }

    @Test
    void relativePathsCountFromTheIniFolder() throws IOException {
        Path file = ini("[cairn]\ndata_dir = data\nrepos_dir = ../elsewhere/repos\n");
        Settings s = Settings.of(file, Map.of());
        assertEquals(dir.resolve("data").toAbsolutePath().normalize(), s.dataDir());
        assertEquals(dir.getParent().resolve("elsewhere/repos").toAbsolutePath().normalize(), s.reposDir());
    }

    @Test
    void defaultDataDirCountsFromTheIniFolderAndReposDirDefaultsToDataRepos() throws IOException {
        Settings s = Settings.of(ini("[cairn]\ntitle = x\n"), Map.of());
        assertEquals(dir.resolve("cairn-data").toAbsolutePath().normalize(), s.dataDir());
        assertEquals(s.dataDir().resolve("repos"), s.reposDir());
    }

    @Test
    void emptyReposDirMeansDataRepos() throws IOException {
        Settings s = Settings.of(ini("[cairn]\ndata_dir = d\nrepos_dir =\n"), Map.of());
        assertEquals(dir.resolve("d/repos").toAbsolutePath().normalize(), s.reposDir());
    }

    @Test
    void absolutePathsAreKept() throws IOException {
        Path data = dir.resolve("abs-data").toAbsolutePath();
        Path repos = dir.resolve("abs-repos").toAbsolutePath();
        Path file = ini("[cairn]\ndata_dir = " + data + "\nrepos_dir = " + repos + "\n");
        Settings s = Settings.of(file, Map.of());
        assertEquals(data, s.dataDir());
        assertEquals(repos, s.reposDir());
    }

    @Test
    void overridesWinOverTheFile() throws IOException {
        Path data = dir.resolve("override-data").toAbsolutePath();
        Path file = ini("[server]\nport = 9090\n[cairn]\ndata_dir = fromfile\n");
        Settings s = Settings.of(file, Map.of("server.port", "9191", "cairn.data_dir", data.toString()));
        assertEquals(9191, s.integer(Keys.PORT));
        assertEquals(data, s.dataDir());
        assertEquals(data.resolve("repos"), s.reposDir());
    }

    @Test
    void badOverrideIsRefusedToo() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.of(null, Map.of("server.port", "http")));
        assertTrue(e.getMessage().contains("[server] port"), e.getMessage());
    }

    @Test
    void badMessageFromSettingsBad() throws IOException {
        Path file = ini("[server]\nport = 1\n");
        Settings s = Settings.of(file, Map.of());
        String msg = s.bad(key("server", "port"), "port 1 is reserved").getMessage();
        assertTrue(msg.contains("[server] port") && msg.contains(file.toString()) && msg.contains("reserved"), msg);
    }

    @Test
    void semicolonsAndCommasInsideValuesSurvive() throws IOException {
        Settings s = Settings.of(ini("""
                [database]
                url = jdbc:h2:./db/cairn;MODE=MySQL;AUTO_SERVER=TRUE
                [cairn]
                title = Code, reviews, and more
                realm = "Quoted Realm"
                """), Map.of());
        assertEquals("jdbc:h2:./db/cairn;MODE=MySQL;AUTO_SERVER=TRUE", s.string(Keys.DB_URL));
        assertEquals("Code, reviews, and more", s.string(Keys.TITLE));
        assertEquals("Quoted Realm", s.string(Keys.REALM));
    }

    @Test
    void valuesAreTakenLiterally() throws IOException {
        Path file = ini("[database]\npassword = a${sys:user.name}b\n[cairn]\ntitle = ${sys:java.version}\n");
        Settings s = Settings.of(file, Map.of());
        assertEquals("a${sys:user.name}b", s.string(Keys.DB_PASSWORD));
        assertEquals("${sys:java.version}", s.string(Keys.TITLE));
    }

    @Test
    void dotsInKeyNamesDoNotBreakReading() throws IOException {
        // commons-configuration escapes a dot in a key as '..'; such a key is unknown but must not disturb the rest
        Settings s = Settings.of(ini("[server]\nsome.dotted = 1\nport = 8282\n"), Map.of());
        assertEquals(8282, s.integer(Keys.PORT));
    }
}
