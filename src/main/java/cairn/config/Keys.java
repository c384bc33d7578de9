package cairn.config;

import java.util.List;

/** Every key the .ini may hold, with its default. container-configs/cairn.ini documents the same list. */
public final class Keys {
    private Keys() {
    }

    // [server]: only the executable WAR reads these
    public static final Key HOST = new Key("server", "host", Key.Type.STRING, "127.0.0.1",
            "address the embedded Tomcat listens on");
    public static final Key PORT = new Key("server", "port", Key.Type.INT, "8080",
            "HTTP port of the embedded Tomcat (0 = any free port)");
    public static final Key AJP_PORT = new Key("server", "ajp_port", Key.Type.INT, "-1",
            "AJP port for Apache mod_proxy_ajp (-1 = off); always bound to the HTTP host address");
    public static final Key AJP_SECRET = new Key("server", "ajp_secret", Key.Type.STRING, "",
            "shared secret Apache must send over AJP (empty = no secret required)");
    public static final Key MAX_THREADS = new Key("server", "max_threads", Key.Type.INT, "200",
            "request threads of the embedded Tomcat when the JVM has no virtual threads");

    // [cairn]
    public static final Key DATA_DIR = new Key("cairn", "data_dir", Key.Type.PATH, "./cairn-data",
            "data folder: repositories, H2 database, caches");
    public static final Key REPOS_DIR = new Key("cairn", "repos_dir", Key.Type.PATH, "",
            "repository root (empty = DATA/repos)");
    public static final Key TITLE = new Key("cairn", "title", Key.Type.STRING, "Cairn",
            "site title shown in pages");
    public static final Key REALM = new Key("cairn", "realm", Key.Type.STRING, "Cairn",
            "HTTP Basic realm sent to Git clients");
    public static final Key CLONE_URI_TMPL = new Key("cairn", "clone_uri_tmpl", Key.Type.STRING,
            "{scheme}://{user}@{netloc}/{repo}",
            "clone URL template; {scheme} {user} {netloc} {prefix} {repo} {repoid}");
    public static final Key VCS_PREFIX = new Key("cairn", "vcs_prefix", Key.Type.STRING, "",
            "extra URL prefix for Git clients, e.g. /_vcs, so a front end can route them to their own pool");
    public static final Key ADMIN_PASSWORD = new Key("cairn", "admin_password", Key.Type.STRING, "",
            "password of the admin user created at first start (env CAIRN_ADMIN_PASSWORD wins; empty = random, logged once)");
    public static final Key CONTAINER_AUTH = new Key("cairn", "container_auth", Key.Type.BOOL, "false",
            "trust the container's authenticated user (request.getRemoteUser(), e.g. Apache REMOTE_USER over AJP)");
    public static final Key AUTH_CACHE_SECONDS = new Key("cairn", "auth_cache_seconds", Key.Type.INT, "60",
            "how long a successful password check is remembered, so one fetch pays for bcrypt once");
    public static final Key SCAN_ON_START = new Key("cairn", "scan_on_start", Key.Type.BOOL, "true",
            "register repositories found on disk at every start");

    // [database]
    public static final Key DB_JNDI = new Key("database", "jndi_name", Key.Type.STRING, "",
            "JNDI name of a container DataSource, e.g. java:comp/env/jdbc/cairn (wins over url)");
    public static final Key DB_URL = new Key("database", "url", Key.Type.STRING, "",
            "JDBC URL (empty = H2 file database in DATA/db); jdbc:h2:… or jdbc:mysql:…/jdbc:mariadb:…");
    public static final Key DB_USER = new Key("database", "user", Key.Type.STRING, "", "database user");
    public static final Key DB_PASSWORD = new Key("database", "password", Key.Type.STRING, "", "database password");
    public static final Key DB_POOL_SIZE = new Key("database", "pool_size", Key.Type.INT, "10",
            "connections in the built-in pool");

    // [git]
    public static final Key GIT_ALLOW_FILTER = new Key("git", "allow_filter", Key.Type.BOOL, "true",
            "serve partial clones (uploadpack.allowFilter)");
    public static final Key GIT_FSCK = new Key("git", "fsck_objects", Key.Type.BOOL, "true",
            "check every pushed object (receive.fsckObjects)");

    public static final List<Key> ALL = List.of(HOST, PORT, AJP_PORT, AJP_SECRET, MAX_THREADS,
            DATA_DIR, REPOS_DIR, TITLE, REALM, CLONE_URI_TMPL, VCS_PREFIX, ADMIN_PASSWORD, CONTAINER_AUTH,
            AUTH_CACHE_SECONDS, SCAN_ON_START,
            DB_JNDI, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE,
            GIT_ALLOW_FILTER, GIT_FSCK);
}
