package cairn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** container-configs/cairn.ini lists every key the code knows, with the code's default, in the right section. */
class SampleIniTest {
    @Test
    void sampleListsEveryKeyWithItsDefault() throws Exception {
        Map<String, String> sample = new HashMap<>();
        String section = "";
        for (String line : Files.readAllLines(Path.of("container-configs/cairn.ini"))) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l.substring(1, l.indexOf(']'));
            } else if (l.startsWith(";") && l.contains("=") && l.substring(1).matches("[a-z_]+ =.*")) {
                String kv = l.substring(1);
                sample.put(section + "." + kv.substring(0, kv.indexOf('=')).strip(),
                        kv.substring(kv.indexOf('=') + 1).strip());
            }
        }
        for (Key key : Keys.ALL) {
            assertTrue(sample.containsKey(key.qualified()), "sample lacks " + key.qualified());
            assertEquals(key.defaultValue(), sample.get(key.qualified()), "default of " + key.qualified());
        }
        assertEquals(Keys.ALL.size(), sample.size(), "sample names keys the code does not know: " + sample.keySet());
    }
}
