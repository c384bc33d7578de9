package cairn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Logger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import cairn.auth.Authenticator;
import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.cache.Caches;
import cairn.config.ConfigException;
import cairn.config.ConfigLocator;
import cairn.config.Keys;
import cairn.config.Settings;
import cairn.db.Database;
import cairn.db.JournalDao;
import cairn.db.PermissionDao;
import cairn.db.RepoDao;
import cairn.db.UserDao;
import cairn.journal.JournalService;
import cairn.vcs.RepoService;
import cairn.vcs.RepoStore;
import cairn.vcs.VcsFilter;
import cairn.vcs.git.CairnGitServlet;
import cairn.vcs.git.GitProtocol;
import cairn.web.CloneUrls;
import cairn.web.UiServlet;
import cairn.web.Views;

/** Start-up: reads the configuration, opens the database, builds the services and mounts the three surfaces. */
public final class Cairn implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(Cairn.class.getName());

    private Database database;
    private Caches caches;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        try {
            start(ctx);
        } catch (ConfigException e) {
            // One clear line for the sysadmin; the container then marks the deployment failed.
            System.err.println("Cairn cannot start: " + e.getMessage());
            close();
            throw e;
        } catch (IOException | RuntimeException e) {
            System.err.println("Cairn cannot start: " + e);
            close();
            throw new IllegalStateException(e);
        }
    }

    private void start(ServletContext ctx) throws IOException {
        Settings settings = ConfigLocator.load(ctx::getInitParameter);
        Path reposDir = settings.reposDir();
        requireWritable(settings, settings.dataDir(), Keys.DATA_DIR);
        requireWritable(settings, reposDir, Keys.REPOS_DIR);
        LOG.info("configuration: " + (settings.file() == null ? "built-in defaults" : settings.file())
                + "; data in " + settings.dataDir() + "; repositories in " + reposDir);

        database = Database.open(settings);
        caches = new Caches();
        Clock clock = Clock.systemUTC();
        PermissionDao permissionDao = new PermissionDao(database.jdbi());
        RepoDao repoDao = database.dao(RepoDao.class);
        UserService users = new UserService(database.dao(UserDao.class), permissionDao, caches,
                Duration.ofSeconds(settings.integer(Keys.AUTH_CACHE_SECONDS)), clock);
        PermissionService permissions = new PermissionService(permissionDao, repoDao, caches);
        RepoService repos = new RepoService(repoDao, new RepoStore(reposDir), permissions, users, clock);
        JournalService journal = new JournalService(database.dao(JournalDao.class), clock);
        Authenticator authenticator = new Authenticator(users, settings.bool(Keys.CONTAINER_AUTH));

        User admin = Setup.run(users, permissions, settings.string(Keys.ADMIN_PASSWORD));
        if (settings.bool(Keys.SCAN_ON_START)) {
            int added = repos.scan(admin);
            LOG.info("repository scan: " + added + " new");
        }

        ServletRegistration.Dynamic git = ctx.addServlet(GitProtocol.SERVLET_NAME,
                new CairnGitServlet(settings.bool(Keys.GIT_ALLOW_FILTER), settings.bool(Keys.GIT_FSCK)));
        git.setLoadOnStartup(1);
        git.setAsyncSupported(false);

        FilterRegistration.Dynamic vcs = ctx.addFilter("cairn-vcs", new VcsFilter(List.of(new GitProtocol(ctx)),
                settings.string(Keys.VCS_PREFIX), authenticator, users, permissions, repos, journal,
                settings.string(Keys.REALM)));
        vcs.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        ServletRegistration.Dynamic ui = ctx.addServlet("cairn-ui", new UiServlet(new Views(ctx), authenticator,
                users, permissions, repos, new CloneUrls(settings.string(Keys.CLONE_URI_TMPL)),
                settings.string(Keys.TITLE)));
        ui.addMapping("/");
        ui.setLoadOnStartup(2);
    }

    private static void requireWritable(Settings settings, Path dir, cairn.config.Key key) {
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
    public void contextDestroyed(ServletContextEvent event) {
        close();
    }

    private void close() {
        if (caches != null) {
            caches.close();
            caches = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
