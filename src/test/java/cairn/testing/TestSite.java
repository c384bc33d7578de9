package cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.tools.Server;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.User;
import cairn.config.ConfigLocator;
import cairn.config.Settings;
import cairn.vcs.Repo;

/**
 * A Cairn site for one test class: a data folder, an ini, and an H2 database served over TCP so the test can prepare
 * users, repositories and grants through the very services the deployed WAR uses.
 */
public final class TestSite implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-secret-1";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final Path dir;
    public final Path ini;
    public final Services services;
    public final User admin;
    public final Git git;
    private final Server h2;

    private TestSite(Path dir, Path ini, Server h2, Services services, User admin) throws IOException {
        this.dir = dir;
        this.ini = ini;
        this.h2 = h2;
        this.services = services;
        this.admin = admin;
        this.git = new Git(dir.resolve("home"));
    }

    /** A site; {@code extraIni} is appended to the ini (e.g. {@code [cairn]\nvcs_prefix = /_vcs}). */
    public static TestSite create(String extraIni) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("cairn-it");
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:cairn" + COUNTER.incrementAndGet()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        Path ini = dir.resolve("cairn.ini");
        Files.writeString(ini, """
                [cairn]
                data_dir = %s
                admin_password = %s
                realm = Cairn Test
                [database]
                url = %s
                """.formatted(dir.resolve("data"), ADMIN_PASSWORD, url) + extraIni + "\n");
        Services services = Services.open(Settings.of(ini, Map.of()));
        User admin = services.setUp();
        return new TestSite(dir, ini, h2, services, admin);
    }

    /** The built WAR, configured (through the system property) to use this site. */
    public WebArchive war() {
        System.setProperty(ConfigLocator.PROPERTY, ini.toString());
        return ShrinkWrap.createFromZipFile(WebArchive.class, CairnProcess.war().toFile());
    }

    public User user(String name, String password) {
        return services.users.create(name, password, name + "@example.com", false, null);
    }

    public Repo repo(String name, User owner, boolean isPrivate) throws IOException {
        return services.repos.createGit(name, owner, isPrivate, "test repository " + name);
    }

    public void grant(Repo repo, User user, Level level) {
        services.permissions.grantUser(Kind.REPOSITORY, repo.id(), user, level);
    }

    public User defaultUser() {
        return services.users.defaultUser();
    }

    @Override
    public void close() {
        services.close();
        h2.stop();
        System.clearProperty(ConfigLocator.PROPERTY);
    }
}
