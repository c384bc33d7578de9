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
    public static final Key METRICS_ALLOW = new Key("cairn", "metrics_allow", Key.Type.STRING, "",
            "client addresses (comma list of IPs) that may read /_admin/metrics without signing in as an admin");

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
    public static final Key GIT_WINDOW_CACHE = new Key("git", "window_cache_bytes", Key.Type.STRING, "auto",
            "JGit pack window cache (core.packedGitLimit): bytes of pack data kept in memory; k/m/g suffixes; "
                    + "auto = a quarter of the JVM's maximum heap");
    public static final Key GIT_OPEN_FILES = new Key("git", "packed_git_open_files", Key.Type.INT, "128",
            "pack files JGit keeps open at once (core.packedGitOpenFiles)");
    public static final Key GIT_DELTA_BASE_CACHE = new Key("git", "delta_base_cache_bytes", Key.Type.STRING, "32m",
            "JGit delta base cache (core.deltaBaseCacheLimit); k/m/g suffixes");
    public static final Key GIT_STREAM_THRESHOLD = new Key("git", "stream_file_threshold", Key.Type.STRING, "50m",
            "objects larger than this are streamed, never loaded whole (core.streamFileThreshold); k/m/g suffixes");
    public static final Key GIT_MMAP = new Key("git", "packed_git_mmap", Key.Type.BOOL, "false",
            "map pack files into memory instead of reading them (core.packedGitMmap)");
    public static final Key GIT_GC_THREADS = new Key("git", "gc_threads", Key.Type.INT, "1",
            "background repacks (with bitmaps) at once, after pushes and for repositories without a bitmap; 0 = off");
    public static final Key GIT_GC_DELAY = new Key("git", "gc_delay_seconds", Key.Type.INT, "60",
            "quiet time after the last push before a repository is repacked");
    public static final Key GIT_MAX_PACKS = new Key("git", "max_concurrent_packs", Key.Type.INT, "0",
            "upload-pack POSTs (pack generations) served at once; 0 = 2 x CPU cores");
    public static final Key GIT_MAX_QUEUED = new Key("git", "max_queued_packs", Key.Type.INT, "64",
            "upload-pack POSTs waiting in line (first come, first served) beyond that; more get 503");
    public static final Key GIT_QUEUE_TIMEOUT = new Key("git", "queue_timeout_seconds", Key.Type.INT, "30",
            "longest wait in line before a 503 with Retry-After");
    public static final Key GIT_SHARED_PACKS = new Key("git", "shared_packs", Key.Type.BOOL, "true",
            "identical concurrent upload-pack requests share one pack generation (spooled in DATA/tmp/packs)");
    public static final Key GIT_PACK_CACHE = new Key("git", "pack_cache_bytes", Key.Type.STRING, "1g",
            "with shared_packs: whole clone answers kept on disk for later identical requests until a push; 0 = none");

    // [web]
    public static final Key WEB_LAST_COMMIT_WALK = new Key("web", "last_commit_walk", Key.Type.INT, "5000",
            "commits a folder listing reads at most to find each entry's last change (entries not reached show none)");
    public static final Key WEB_CACHE_ENTRIES = new Key("web", "view_cache_entries", Key.Type.INT, "2000",
            "entries in each cache of the web UI (last commits per folder, rendered READMEs, changelog pages)");

    public static final List<Key> ALL = List.of(HOST, PORT, AJP_PORT, AJP_SECRET, MAX_THREADS,
            DATA_DIR, REPOS_DIR, TITLE, REALM, CLONE_URI_TMPL, VCS_PREFIX, ADMIN_PASSWORD, CONTAINER_AUTH,
            AUTH_CACHE_SECONDS, SCAN_ON_START, METRICS_ALLOW,
            DB_JNDI, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE,
            GIT_ALLOW_FILTER, GIT_FSCK,
            GIT_WINDOW_CACHE, GIT_OPEN_FILES, GIT_DELTA_BASE_CACHE, GIT_STREAM_THRESHOLD, GIT_MMAP,
            GIT_GC_THREADS, GIT_GC_DELAY, GIT_MAX_PACKS, GIT_MAX_QUEUED, GIT_QUEUE_TIMEOUT,
            GIT_SHARED_PACKS, GIT_PACK_CACHE,
            WEB_LAST_COMMIT_WALK, WEB_CACHE_ENTRIES);
}
