package cairn.config;

import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.logging.Logger;

import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * The validated contents of the .ini file over the built-in defaults. Every value is checked when loaded, so a bad
 * value stops start-up with one line that names the key and the file.
 */
public final class Settings {
    private static final Logger LOG = Logger.getLogger(Settings.class.getName());

    private final Map<Key, String> values;
    private final Path file;

    private Settings(Map<Key, String> values, Path file) {
        this.values = values;
        this.file = file;
    }

    /** Built-in defaults only. */
    public static Settings defaults() {
        return of(null, Map.of());
    }

    /**
     * Reads {@code file} (may be null: defaults only) and applies {@code overrides} (qualified key → value, e.g. the
     * launcher's --data, made absolute by the launcher), then checks every value.
     */
    public static Settings of(Path file, Map<String, String> overrides) {
        Map<String, String> raw = new HashMap<>();
        if (file != null) {
            raw.putAll(readIni(file));
        }
        raw.putAll(overrides);
        Map<Key, String> values = new HashMap<>();
        for (Key key : Keys.ALL) {
            String v = raw.remove(key.qualified());
            values.put(key, v == null ? key.defaultValue() : v.trim());
        }
        for (String unknown : raw.keySet()) {
            LOG.warning("unknown key '" + unknown + "' in " + describe(file) + " is ignored");
        }
        Settings settings = new Settings(values, file);
        for (Key key : Keys.ALL) {
            settings.check(key);
        }
        return settings;
    }

    private static Map<String, String> readIni(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("configuration file " + file + " cannot be read");
        }
        INIConfiguration ini = new INIConfiguration();
        try (Reader in = new FileReader(file.toFile(), StandardCharsets.UTF_8)) {
            ini.read(in);
        } catch (IOException | ConfigurationException e) {
            throw new ConfigException("configuration file " + file + " is not a valid .ini file: " + e.getMessage(), e);
        }
        Map<String, String> raw = new HashMap<>();
        for (Iterator<String> it = ini.getKeys(); it.hasNext(); ) {
            String k = it.next();
            // getProperty, not getString: values are literal (a password may contain "${")
            Object v = ini.getProperty(k);
            raw.put(k.replace("..", "."), v == null ? "" : v.toString());
        }
        return raw;
    }

    private void check(Key key) {
        String v = values.get(key);
        switch (key.type()) {
            case INT -> {
                try {
                    Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw bad(key, "'" + v + "' is not a whole number");
                }
            }
            case BOOL -> {
                if (parseBool(v) == null) {
                    throw bad(key, "'" + v + "' is not true or false");
                }
            }
            default -> {
            }
        }
    }

    private static Boolean parseBool(String v) {
        return switch (v.toLowerCase()) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** An error for a value that is present but unusable; the message names the key and the file. */
    public ConfigException bad(Key key, String why) {
        return new ConfigException("bad value for [" + key.section() + "] " + key.name() + " in " + describe(file)
                + ": " + why);
    }

    private static String describe(Path file) {
        return file == null ? "the built-in defaults" : file.toString();
    }

    public String string(Key key) {
        return values.get(key);
    }

    public int integer(Key key) {
        return Integer.parseInt(values.get(key));
    }

    public boolean bool(Key key) {
        return parseBool(values.get(key));
    }

    /** A path value; relative paths count from the .ini file's folder, or from the working folder without one. */
    public Path path(Key key) {
        String v = values.get(key);
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v);
        if (!p.isAbsolute() && file != null) {
            p = file.toAbsolutePath().getParent().resolve(p);
        }
        return p.toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    public Path dataDir() {
        return path(Keys.DATA_DIR);
    }

    public Path reposDir() {
        Path p = path(Keys.REPOS_DIR);
        return p != null ? p : dataDir().resolve("repos");
    }
}
