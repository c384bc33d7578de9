package cairn.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the .ini file and the command-line overrides. Order: the launcher's --config (passed on as the system
 * property), the system property {@code cairn.config}, the environment variable {@code CAIRN_CONFIG}, the servlet
 * context init-param {@code cairn.config}; with none, built-in defaults.
 */
public final class ConfigLocator {
    public static final String PROPERTY = "cairn.config";
    public static final String ENV = "CAIRN_CONFIG";
    /** System property prefix the launcher uses for --data / --port overrides: {@code cairn.set.cairn.data_dir}. */
    public static final String OVERRIDE_PREFIX = "cairn.set.";

    private ConfigLocator() {
    }

    public static Settings load(Function<String, String> initParam) {
        return Settings.of(find(System::getProperty, System::getenv, initParam), overrides());
    }

    static Path find(Function<String, String> sysProps, Function<String, String> env,
            Function<String, String> initParam) {
        for (String candidate : new String[] {sysProps.apply(PROPERTY), env.apply(ENV), initParam.apply(PROPERTY)}) {
            if (candidate != null && !candidate.isBlank()) {
                return Path.of(candidate.trim()).toAbsolutePath();
            }
        }
        return null;
    }

    static Map<String, String> overrides() {
        Map<String, String> out = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            String name = k.toString();
            if (name.startsWith(OVERRIDE_PREFIX)) {
                out.put(name.substring(OVERRIDE_PREFIX.length()), v.toString());
            }
        });
        return out;
    }
}
