package cairn.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private MariaDB server for one test: its own data folder, socket and free port on 127.0.0.1, a database
 * {@code cairn} (utf8mb4) and a user with a password. It never touches the machine's own MariaDB service.
 *
 * <p>Without the MariaDB binaries the test is skipped, unless the environment variable {@code CI} is {@code true}: then
 * it fails, so CI cannot silently stop testing MariaDB. Debian packages: {@code mariadb-server mariadb-client}.
 */
public final class MariaDb implements AutoCloseable {
    public static final String DATABASE = "cairn";
    public static final String USER = "cairn";
    public static final String PASSWORD = "cairn-db-Secret-7";

    private static final List<Path> EXTRA_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"));
    private static final long START_TIMEOUT_MS = 60_000;
    private static final int PORT_ATTEMPTS = 3;

    private final Binaries bin;
    private final Path dir;
    private final Path socket;
    private final int port;
    private final Process process;
    private final Thread shutdownHook;

    private MariaDb(Binaries bin, Path dir, Path socket, int port, Process process) {
        this.bin = bin;
        this.dir = dir;
        this.socket = socket;
        this.port = port;
        this.process = process;
        this.shutdownHook = new Thread(process::destroyForcibly, "mariadb-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The four programs the server needs, found on PATH or in the usual system folders. */
    private record Binaries(Path server, Path installDb, Path admin, Path client) {
    }

    /** Starts a fresh server, or skips (fails under CI=true) the calling test if MariaDB is not installed. */
    public static MariaDb start() throws IOException, InterruptedException {
        Binaries bin = binaries();
        Path dir = Files.createTempDirectory("cairn-mariadb");
        Path socket = dir.resolve("mysqld.sock");
        try {
            // Unix sockets allow ~107 bytes; a long java.io.tmpdir would not fit.
            if (socket.toString().length() > 100) {
                socket = Files.createTempDirectory(Path.of("/tmp"), "mdb").resolve("s");
            }
            boolean root = isRoot(dir);
            Path data = dir.resolve("data");
            run(dir, List.of(bin.installDb().toString(), "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"),
                    root ? List.of("--user=root") : List.of(), 120);
            IOException last = null;
            for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
                int port = freePort();
                try {
                    return launch(bin, dir, data, socket, port, root);
                } catch (PortTaken e) {
                    last = e; // another process took the port between our probe and the server's bind: try again
                }
            }
            throw last;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            deleteTree(dir);
            if (!socket.startsWith(dir)) {
                deleteTree(socket.getParent());
            }
            throw e;
        }
    }

    private static final class PortTaken extends IOException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static MariaDb launch(Binaries bin, Path dir, Path data, Path socket, int port, boolean root)
            throws IOException, InterruptedException {
        Path errorLog = dir.resolve("error-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of(bin.server().toString(), "--no-defaults",
                "--datadir=" + data, "--socket=" + socket, "--port=" + port, "--bind-address=127.0.0.1",
                "--skip-networking=0", "--skip-name-resolve", "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--log-error=" + errorLog, "--tmpdir=" + dir, "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci", "--innodb-buffer-pool-size=32M", "--skip-log-bin"));
        if (root) {
            cmd.add("--user=root");
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mariadbd-" + port + ".out").toFile()).start();
        MariaDb db = new MariaDb(bin, dir, socket, port, p);
        boolean ok = false;
        try {
            db.awaitReady(errorLog);
            db.sql("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                    + "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';\n"
                    + "GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';\n"
                    + "FLUSH PRIVILEGES;\n");
            ok = true;
            return db;
        } finally {
            if (!ok) {
                db.stopServer();
            }
        }
    }

    /** Polls (no fixed wait) until the server answers a query on its socket; fails fast if it dies. */
    private void awaitReady(Path errorLog) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive()) {
                String log = read(errorLog);
                if (log.contains("Address already in use") || log.contains("Bind on TCP/IP port")) {
                    throw new PortTaken("port " + port + " was taken:\n" + log);
                }
                throw new IOException("mariadbd exited with " + process.exitValue() + ":\n" + log);
            }
            if (Files.exists(socket) && clientOk("SELECT 1")) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("mariadbd did not accept connections within " + START_TIMEOUT_MS
                        + " ms:\n" + read(errorLog));
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    private boolean clientOk(String sql) throws IOException, InterruptedException {
        Process c = new ProcessBuilder(bin.client().toString(), "--no-defaults", "--socket=" + socket, "-uroot",
                "--connect-timeout=2", "-e", sql).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!c.waitFor(10, TimeUnit.SECONDS)) {
            c.destroyForcibly();
            return false;
        }
        return c.exitValue() == 0;
    }

    /** Runs SQL as root over the socket with the mariadb client; fails with its output if it fails. */
    public void sql(String script) throws IOException, InterruptedException {
        Process c = new ProcessBuilder(bin.client().toString(), "--no-defaults", "--socket=" + socket, "-uroot")
                .redirectErrorStream(true).start();
        c.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        c.getOutputStream().close();
        String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!c.waitFor(30, TimeUnit.SECONDS)) {
            c.destroyForcibly();
            throw new IOException("mariadb client did not finish");
        }
        if (c.exitValue() != 0) {
            throw new IOException("mariadb client failed (" + c.exitValue() + ") on:\n" + script + "\n" + out);
        }
    }

    public int port() {
        return port;
    }

    /** The URL Cairn gets: MySQL Connector/J talking to this server over TCP. */
    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE + "?sslMode=DISABLED";
    }

    /** A plain JDBC connection as the Cairn database user. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** The server's error log (start-up notes and errors), for diagnostics. */
    public String errorLog() {
        return read(dir.resolve("error-" + port + ".log"));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stopServer();
        } finally {
            deleteTree(dir);
            if (!socket.startsWith(dir)) {
                deleteTree(socket.getParent());
            }
        }
    }

    private void stopServer() throws InterruptedException {
        try {
            if (process.isAlive()) {
                try {
                    Process admin = new ProcessBuilder(bin.admin().toString(), "--no-defaults",
                            "--socket=" + socket, "-uroot", "shutdown").redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (!admin.waitFor(20, TimeUnit.SECONDS)) {
                        admin.destroyForcibly();
                    }
                } catch (IOException e) {
                    // fall through to signals
                }
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook will run anyway
            }
        }
    }

    private static Binaries binaries() {
        Optional<Path> server = find("mariadbd", "mysqld");
        Optional<Path> installDb = find("mariadb-install-db", "mysql_install_db");
        Optional<Path> admin = find("mariadb-admin", "mysqladmin");
        Optional<Path> client = find("mariadb", "mysql");
        if (server.isPresent() && installDb.isPresent() && admin.isPresent() && client.isPresent()) {
            return new Binaries(server.get(), installDb.get(), admin.get(), client.get());
        }
        String message = "MariaDB is not installed (need mariadbd, mariadb-install-db, mariadb-admin and mariadb on "
                + "PATH or in /usr/sbin, /usr/bin; Debian: apt-get install mariadb-server mariadb-client); found "
                + "server=" + server.orElse(null) + " install-db=" + installDb.orElse(null) + " admin="
                + admin.orElse(null) + " client=" + client.orElse(null);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return Assertions.fail(message + " -- CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + " -- test skipped");
        throw new IllegalStateException("unreachable");
    }

    private static Optional<Path> find(String... names) {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        for (String name : names) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** mariadbd refuses to run as root unless told {@code --user=root}; a file we just made has our uid. */
    private static boolean isRoot(Path ours) {
        try {
            return ((Integer) Files.getAttribute(ours, "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void run(Path dir, List<String> cmd, List<String> extra, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(cmd);
        all.addAll(extra);
        Process p = new ProcessBuilder(all).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", all) + " did not finish:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", all) + " failed (" + p.exitValue() + "):\n" + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort; reported below if the root remains
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
