package cairn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import cairn.auth.Authenticator;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserGroupService;
import cairn.auth.UserService;
import cairn.cache.Caches;
import cairn.config.Key;
import cairn.config.Keys;
import cairn.config.Settings;
import cairn.db.Database;
import cairn.db.GroupDao;
import cairn.db.JournalDao;
import cairn.db.PermissionDao;
import cairn.db.RepoDao;
import cairn.db.UserDao;
import cairn.db.UserGroupDao;
import cairn.gist.GistDao;
import cairn.gist.GistService;
import cairn.journal.JournalService;
import cairn.vcs.GroupService;
import cairn.vcs.RepoService;
import cairn.vcs.RepoStore;

/**
 * The one set of services every surface (Git endpoint, JSON-RPC, UI) works through, built in one place from the
 * settings. DAOs stay inside: nothing outside a service touches them.
 */
public final class Services implements AutoCloseable {
    public final Settings settings;
    public final UserService users;
    public final UserGroupService userGroups;
    public final PermissionService permissions;
    public final RepoService repos;
    /** Imports from remote URLs running in the background (the web UI's new repository with a clone URI). */
    public final cairn.vcs.ImportJobs imports;
    public final GroupService groups;
    public final GistService gists;
    /** Web editing: add, edit, delete a file on a branch head (Kallithea's push_local). */
    public final cairn.vcs.FileEdits fileEdits;
    public final JournalService journal;
    public final Authenticator authenticator;
    /** Title, realm and clone URL template: the ini's, unless an administrator saved others in the web UI. */
    public final cairn.config.SiteSettings site;
    /** Self-registration as {@code hg.register.*} allows it. */
    public final cairn.auth.Registration registration;
    private final Database database;
    private final Caches caches;
    /** The web UI's caches of expensive views (last commits, READMEs, changelog graphs). */
    public final cairn.cache.ViewCaches viewCaches;

    private Services(Settings settings, Database database, Caches caches) throws IOException {
        this.settings = settings;
        this.database = database;
        this.caches = caches;
        Clock clock = Clock.systemUTC();
        PermissionDao permissionDao = new PermissionDao(database.jdbi());
        RepoDao repoDao = database.dao(RepoDao.class);
        users = new UserService(database.dao(UserDao.class), permissionDao, caches,
                Duration.ofSeconds(settings.integer(Keys.AUTH_CACHE_SECONDS)), clock);
        permissions = new PermissionService(permissionDao, repoDao, caches);
        userGroups = new UserGroupService(database.dao(UserGroupDao.class), users, permissions, clock);
        journal = new JournalService(database.dao(JournalDao.class), clock);
        repos = new RepoService(repoDao, new RepoStore(settings.reposDir()), permissions, users, journal,
                clock);
        imports = new cairn.vcs.ImportJobs(repos, new RepoStore(settings.reposDir()), 2, 20, clock);
        groups = new GroupService(new GroupDao(database.jdbi()), new RepoStore(settings.reposDir()), permissions,
                users, clock);
        fileEdits = new cairn.vcs.FileEdits(repos, journal, clock);
        gists = new GistService(new GistDao(database.jdbi()), settings.dataDir().resolve("gists"), clock);
        authenticator = new Authenticator(users, settings.bool(Keys.CONTAINER_AUTH));
        site = new cairn.config.SiteSettings(settings, new cairn.db.SettingsDao(database.jdbi()), clock);
        registration = new cairn.auth.Registration(users, permissions);
        viewCaches = new cairn.cache.ViewCaches(caches, settings.integer(Keys.WEB_CACHE_ENTRIES),
                settings.integer(Keys.WEB_LAST_COMMIT_WALK));
    }

    /** Checks the folders, opens (and migrates) the database, and builds the services. */
    public static Services open(Settings settings) throws IOException {
        requireWritable(settings, settings.dataDir(), Keys.DATA_DIR);
        requireWritable(settings, settings.reposDir(), Keys.REPOS_DIR);
        Database database = Database.open(settings);
        Caches caches = new Caches();
        try {
            return new Services(settings, database, caches);
        } catch (IOException | RuntimeException e) {
            caches.close();
            database.close();
            throw e;
        }
    }

    /**
     * First start (the default and admin users) and, if the ini says so, the scan of the repository root. Returns the
     * admin user.
     */
    public User setUp() {
        User admin = Setup.run(users, permissions, settings.string(Keys.ADMIN_PASSWORD));
        if (settings.bool(Keys.SCAN_ON_START)) {
            repos.scan(admin);
        }
        return admin;
    }

    /** The database product, its version and the JDBC URL without credentials, for the system page. */
    public java.util.Map<String, String> databaseInfo() {
        return database.describe();
    }

    private static void requireWritable(Settings settings, Path dir, Key key) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw settings.bad(key, "cannot create folder " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw settings.bad(key, "folder " + dir + " is not writable");
        }
    }

    @Override
    public void close() {
        imports.close();
        caches.close();
        database.close();
    }
}
