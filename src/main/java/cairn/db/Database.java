package cairn.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import cairn.config.ConfigException;
import cairn.config.Keys;
import cairn.config.Settings;

/** The DataSource (container JNDI or our own pool), migrated by Flyway, wrapped in JDBI. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private final DataSource dataSource;
    private final Jdbi jdbi;

    private Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
    }

    public static Database open(Settings settings) {
        DataSource ds = settings.string(Keys.DB_JNDI).isEmpty() ? pool(settings) : lookup(settings);
        try (Connection c = ds.getConnection()) {
            LOG.info("database: " + c.getMetaData().getDatabaseProductName() + " "
                    + c.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            close(ds);
            throw settings.bad(settings.string(Keys.DB_JNDI).isEmpty() ? Keys.DB_URL : Keys.DB_JNDI,
                    "cannot connect to the database: " + e.getMessage());
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            close(ds);
            throw new ConfigException("database migration failed: " + e.getMessage(), e);
        }
        return new Database(ds);
    }

    private static DataSource lookup(Settings settings) {
        String name = settings.string(Keys.DB_JNDI);
        try {
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException | ClassCastException e) {
            throw settings.bad(Keys.DB_JNDI, "no DataSource named '" + name + "': " + e.getMessage());
        }
    }

    private static DataSource pool(Settings settings) {
        String url = settings.string(Keys.DB_URL);
        if (url.isEmpty()) {
            Path dir = settings.dataDir().resolve("db");
            url = "jdbc:h2:file:" + dir.resolve("cairn") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        }
        if (url.startsWith("jdbc:mariadb:")) {
            // MySQL Connector/J speaks to MariaDB too, but only under its own URL scheme
            url = "jdbc:mysql:" + url.substring("jdbc:mariadb:".length());
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("cairn");
        cfg.setJdbcUrl(url);
        // Naming the driver avoids DriverManager's one-time service scan, which breaks after a redeploy.
        cfg.setDriverClassName(driverFor(settings, url));
        cfg.setUsername(settings.string(Keys.DB_USER));
        cfg.setPassword(settings.string(Keys.DB_PASSWORD));
        cfg.setMaximumPoolSize(settings.integer(Keys.DB_POOL_SIZE));
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw settings.bad(Keys.DB_URL, "cannot connect to the database " + url + ": " + root.getMessage());
        }
    }

    private static String driverFor(Settings settings, String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return "com.mysql.cj.jdbc.Driver";
        }
        throw settings.bad(Keys.DB_URL, "only jdbc:h2:, jdbc:mysql: and jdbc:mariadb: URLs are supported");
    }

    /** Product, version and JDBC URL (credentials removed) of the database in use. */
    public java.util.Map<String, String> describe() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            java.sql.DatabaseMetaData md = c.getMetaData();
            m.put("product", md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
            m.put("driver", md.getDriverName() + " " + md.getDriverVersion());
            m.put("url", redact(md.getURL()));
        } catch (SQLException e) {
            m.put("product", "unavailable: " + e.getMessage());
        }
        return m;
    }

    /**
     * A JDBC URL without what may be a secret: user information before the host ({@code //user:pw@host}) and
     * {@code user}/{@code password} parameters, whether {@code ;}-separated (H2) or {@code ?&}-separated (MySQL).
     */
    public static String redact(String url) {
        if (url == null) {
            return "";
        }
        String s = url.replaceAll("//[^/@?;]*@", "//");
        return s.replaceAll("(?i)([;?&](?:user|password|pwd|passwd)=)[^;&]*", "$1***");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public <T> T dao(Class<T> type) {
        return jdbi.onDemand(type);
    }

    @Override
    public void close() {
        close(dataSource);
    }

    private static void close(DataSource ds) {
        if (ds instanceof HikariDataSource h) {
            h.close();
        }
    }

    /**
     * Drivers loaded by this webapp's class loader must go with it, or a redeploy leaks the old loader. Only the
     * webapp's shutdown calls this: other users of the class loader (tests) keep their drivers.
     */
    public static void deregisterDrivers() {
        ClassLoader mine = Database.class.getClassLoader();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() == mine) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException e) {
                    LOG.warning("could not deregister " + d + ": " + e.getMessage());
                }
            }
        }
        try {
            Class.forName("com.mysql.cj.jdbc.AbandonedConnectionCleanupThread", false, mine)
                    .getMethod("checkedShutdown").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.fine("mysql cleanup thread not stopped: " + e);
        }
    }
}
