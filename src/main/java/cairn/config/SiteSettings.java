package cairn.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import cairn.db.SettingsDao;

/**
 * The settings an administrator may change in the web UI (Kallithea's "global" settings): site title, HTTP Basic
 * realm, clone URL template. The ini gives the defaults; a value saved here is stored in the database and wins over
 * the ini. Every node reads the table again at most {@link #TTL} after the last read, so a change shows on all nodes
 * at once (on the node that made it, immediately).
 */
public final class SiteSettings {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(
            SiteSettings.class.getName());

    /** How long a node reuses what it read from the table. */
    static final Duration TTL = Duration.ofSeconds(1);

    /** The fields, each named as in Kallithea's settings table and defaulting to its ini key. */
    public enum Field {
        TITLE("title", Keys.TITLE), REALM("realm", Keys.REALM), CLONE_URI_TMPL("clone_uri_tmpl", Keys.CLONE_URI_TMPL);

        public final String dbName;
        public final Key key;

        Field(String dbName, Key key) {
            this.dbName = dbName;
            this.key = key;
        }

        public static Field of(String dbName) {
            for (Field f : values()) {
                if (f.dbName.equals(dbName)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** The placeholders a clone URL template may use. */
    public static final List<String> PLACEHOLDERS = List.of("scheme", "user", "netloc", "prefix", "repo", "repoid");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

    private record Snapshot(Instant read, Map<String, String> values) {
    }

    private final Settings ini;
    private final SettingsDao dao;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public SiteSettings(Settings ini, SettingsDao dao, Clock clock) {
        this.ini = ini;
        this.dao = dao;
        this.clock = clock;
    }

    public String title() {
        return effective(Field.TITLE);
    }

    public String realm() {
        return effective(Field.REALM);
    }

    public String cloneUriTemplate() {
        return effective(Field.CLONE_URI_TMPL);
    }

    /** The value in force: the one saved in the UI if any, else the ini's. */
    public String effective(Field f) {
        String stored = stored().get(f.dbName);
        return stored != null ? stored : iniDefault(f);
    }

    public String iniDefault(Field f) {
        return ini.string(f.key);
    }

    /** Whether a value saved in the UI overrides the ini. */
    public boolean overridden(Field f) {
        return stored().containsKey(f.dbName);
    }

    private Map<String, String> stored() {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || !now.isBefore(s.read().plus(TTL))) {
            Map<String, String> values;
            try {
                values = dao.all();
            } catch (RuntimeException e) {
                // pages and 401s still need a title and a realm: keep what was read last (or the ini's)
                LOG.warning("cannot read the settings table: " + e.getMessage());
                values = s == null ? Map.of() : s.values();
            }
            s = new Snapshot(now, values);
            snapshot = s;
        }
        return s.values();
    }

    /**
     * Saves the given values, all or none: returns the problems by field (nothing saved then), else an empty map. A
     * value equal to the ini's is not stored, so the field follows the ini again.
     */
    public Map<Field, String> save(Map<Field, String> values) {
        Map<Field, String> problems = new LinkedHashMap<>();
        for (Map.Entry<Field, String> e : values.entrySet()) {
            String p = problem(e.getKey(), e.getValue());
            if (p != null) {
                problems.put(e.getKey(), p);
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        for (Map.Entry<Field, String> e : values.entrySet()) {
            String v = normal(e.getKey(), e.getValue());
            if (v.equals(iniDefault(e.getKey()))) {
                dao.remove(e.getKey().dbName);
            } else {
                dao.put(e.getKey().dbName, v);
            }
        }
        snapshot = null;
        return problems;
    }

    /** Forgets the value saved in the UI: the ini's applies again. */
    public void reset(Field f) {
        dao.remove(f.dbName);
        snapshot = null;
    }

    private static String normal(Field f, String value) {
        return value == null ? "" : value.strip();
    }

    /** What is wrong with {@code value} for {@code f}, or null when it may be saved. */
    public static String problem(Field f, String value) {
        String v = normal(f, value);
        return switch (f) {
            case TITLE -> titleProblem(v);
            case REALM -> realmProblem(v);
            case CLONE_URI_TMPL -> templateProblem(v);
        };
    }

    static String titleProblem(String v) {
        if (v.isEmpty()) {
            return "Enter a title";
        }
        if (v.codePointCount(0, v.length()) > 100) {
            return "At most 100 characters";
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            return "No control characters";
        }
        return null;
    }

    static String realmProblem(String v) {
        if (v.isEmpty()) {
            return "Enter a realm";
        }
        if (v.length() > 100) {
            return "At most 100 characters";
        }
        if (!v.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\')) {
            return "Printable ASCII only, without \" or \\";
        }
        return null;
    }

    static String templateProblem(String v) {
        if (v.isEmpty()) {
            return "Enter a template";
        }
        if (v.length() > 1000) {
            return "At most 1000 characters";
        }
        Matcher m = PLACEHOLDER.matcher(v);
        boolean names = false;
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return "Unknown placeholder {" + m.group(1) + "}; use {scheme} {user} {netloc} {prefix} {repo} {repoid}";
            }
            names |= m.group(1).equals("repo") || m.group(1).equals("repoid");
        }
        if (!names) {
            return "Use {repo} or {repoid}, or every repository gets the same URL";
        }
        for (boolean signedIn : new boolean[] {true, false}) {
            String url = fill(v, "https", signedIn ? "some.user" : null, "example.com:8443/cairn", "/cairn",
                    "group/repo", 42);
            if (url.contains("{") || url.contains("}")) {
                return "Braces must enclose a placeholder";
            }
            try {
                URI u = new URI(url);
                if (u.getScheme() == null || u.getRawAuthority() == null || u.getRawAuthority().isEmpty()) {
                    return "This does not give a URL (scheme://host/…), e.g. " + url;
                }
            } catch (URISyntaxException e) {
                return "This does not give a URL: " + e.getReason() + " in " + url;
            }
        }
        return null;
    }

    /**
     * Fills a clone URL template (Kallithea's rules): {@code {user}} is URL-encoded and, for anonymous visitors
     * ({@code user == null}), dropped with its {@code @}.
     */
    public static String fill(String template, String scheme, String user, String netloc, String prefix,
            String repoPath, long id) {
        String t = template;
        if (user == null) {
            t = t.replace("{user}@", "").replace("{user}", "");
        }
        return t.replace("{scheme}", scheme)
                .replace("{user}", user == null ? "" : java.net.URLEncoder.encode(user,
                        java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .replace("{netloc}", netloc)
                .replace("{prefix}", prefix)
                .replace("{repoid}", Long.toString(id))
                .replace("{repo}", repoPath);
    }
}
