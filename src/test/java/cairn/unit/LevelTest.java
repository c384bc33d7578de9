package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import cairn.auth.Level;
import cairn.auth.Level.Kind;

class LevelTest {

    @ParameterizedTest(name = "{0}.atLeast({1}) = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            NONE  | NONE  | true
            NONE  | READ  | false
            NONE  | WRITE | false
            NONE  | ADMIN | false
            READ  | NONE  | true
            READ  | READ  | true
            READ  | WRITE | false
            READ  | ADMIN | false
            WRITE | NONE  | true
            WRITE | READ  | true
            WRITE | WRITE | true
            WRITE | ADMIN | false
            ADMIN | NONE  | true
            ADMIN | READ  | true
            ADMIN | WRITE | true
            ADMIN | ADMIN | true
            """)
    void atLeast(Level a, Level b, boolean expected) {
        assertEquals(expected, a.atLeast(b));
    }

    static Stream<Arguments> maxRows() {
        return Stream.of(
                Arguments.of(null, null, null),
                Arguments.of(null, Level.NONE, Level.NONE),
                Arguments.of(Level.READ, null, Level.READ),
                Arguments.of(null, Level.ADMIN, Level.ADMIN),
                Arguments.of(Level.NONE, Level.READ, Level.READ),
                Arguments.of(Level.READ, Level.NONE, Level.READ),
                Arguments.of(Level.WRITE, Level.READ, Level.WRITE),
                Arguments.of(Level.READ, Level.WRITE, Level.WRITE),
                Arguments.of(Level.WRITE, Level.ADMIN, Level.ADMIN),
                Arguments.of(Level.ADMIN, Level.NONE, Level.ADMIN),
                Arguments.of(Level.WRITE, Level.WRITE, Level.WRITE));
    }

    @ParameterizedTest(name = "max({0}, {1}) = {2}")
    @MethodSource("maxRows")
    void max(Level a, Level b, Level expected) {
        assertEquals(expected, Level.max(a, b));
    }

    @ParameterizedTest(name = "ofPermissionName({0}) = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            repository.none  | NONE
            repository.read  | READ
            repository.write | WRITE
            repository.admin | ADMIN
            group.read       | READ
            group.admin      | ADMIN
            usergroup.write  | WRITE
            usergroup.none   | NONE
            read             | READ
            repository.READ  | READ
            """)
    void ofPermissionName(String name, Level expected) {
        assertEquals(expected, Level.ofPermissionName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"repository.owner", "repository.", "", "repository.read.", "repository.readonly"})
    void ofPermissionNameRejectsUnknownLevels(String name) {
        assertThrows(IllegalArgumentException.class, () -> Level.ofPermissionName(name));
    }

    @ParameterizedTest(name = "{0}.permissionName({1}) = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            NONE  | REPOSITORY | repository.none
            READ  | REPOSITORY | repository.read
            WRITE | REPOSITORY | repository.write
            ADMIN | REPOSITORY | repository.admin
            READ  | GROUP      | group.read
            ADMIN | GROUP      | group.admin
            WRITE | USERGROUP  | usergroup.write
            NONE  | USERGROUP  | usergroup.none
            """)
    void permissionName(Level level, Kind kind, String expected) {
        assertEquals(expected, level.permissionName(kind));
    }

    static Stream<Arguments> everyLevelAndKind() {
        return Stream.of(Level.values()).flatMap(l -> Stream.of(Kind.values()).map(k -> Arguments.of(l, k)));
    }

    @ParameterizedTest(name = "{0} / {1} round trip")
    @MethodSource("everyLevelAndKind")
    void permissionNameRoundTrips(Level level, Kind kind) {
        assertEquals(level, Level.ofPermissionName(level.permissionName(kind)));
    }

    @Test
    void namesDoNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals("repository.admin", Level.ADMIN.permissionName(Kind.REPOSITORY));
            assertEquals(Level.WRITE, Level.ofPermissionName("repository.write"));
            assertEquals(Level.ADMIN, Level.ofPermissionName("group.admin"));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
