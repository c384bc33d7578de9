package cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLocatorTest {

    private static Function<String, String> only(String name, String value) {
        return k -> k.equals(name) ? value : null;
    }

    /** Empty cell = not set; the expected cell names which source must win (or is empty when none). */
    @ParameterizedTest(name = "[{index}] sys={0} env={1} init={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # system property | env          | init param    | expected
              /etc/sys.ini    | /etc/env.ini | /etc/init.ini | /etc/sys.ini
              /etc/sys.ini    |              | /etc/init.ini | /etc/sys.ini
              /etc/sys.ini    |              |               | /etc/sys.ini
                              | /etc/env.ini | /etc/init.ini | /etc/env.ini
                              | /etc/env.ini |               | /etc/env.ini
                              |              | /etc/init.ini | /etc/init.ini
              '   '           | /etc/env.ini | /etc/init.ini | /etc/env.ini
              ''              | ''           | /etc/init.ini | /etc/init.ini
              ' /etc/sp.ini ' |              |               | /etc/sp.ini
                              |              |               |
              ''              | ' '          | ''            |
            """)
    void findOrder(String sys, String env, String init, String expected) {
        Path found = ConfigLocator.find(only(ConfigLocator.PROPERTY, sys), only(ConfigLocator.ENV, env),
                only(ConfigLocator.PROPERTY, init));
        if (expected == null) {
            assertNull(found);
        } else {
            assertEquals(Path.of(expected).toAbsolutePath(), found);
        }
    }

    @Test
    void relativeCandidateIsMadeAbsolute() {
        Path found = ConfigLocator.find(only(ConfigLocator.PROPERTY, "conf/cairn.ini"), k -> null, k -> null);
        assertEquals(Path.of("conf/cairn.ini").toAbsolutePath(), found);
    }

    @Test
    void looksUpTheDocumentedNames() {
        // a source answering under another name must not be taken
        Path found = ConfigLocator.find(only("CAIRN_CONFIG", "/wrong/sys.ini"), only("cairn.config", "/wrong/env.ini"),
                only("CAIRN_CONFIG", "/wrong/init.ini"));
        assertNull(found);
    }

    @Test
    void overridesComeFromPrefixedSystemProperties() {
        String name = ConfigLocator.OVERRIDE_PREFIX + "server.port";
        String old = System.getProperty(name);
        System.setProperty(name, "1234");
        try {
            Map<String, String> o = ConfigLocator.overrides();
            assertEquals("1234", o.get("server.port"));
            assertFalse(o.keySet().stream().anyMatch(k -> k.startsWith(ConfigLocator.OVERRIDE_PREFIX)));
            assertFalse(o.containsKey("java.version"));
        } finally {
            if (old == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, old);
            }
        }
    }
}
