import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.config.Settings;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

/**
 * The helper of bench/api.sh, run in source-file mode on the classpath of the unpacked WAR (never part of the build or
 * the tests).
 *
 * <pre>
 * java -cp 'WAR/WEB-INF/classes:WAR/WEB-INF/lib/*' bench/ApiBench.java data INI REPOS USERS GROUPS KEYS
 * java -cp ... bench/ApiBench.java reset-tips INI      (empties the changeset_cache column: a "first call" again)
 * java -cp ... bench/ApiBench.java measure URL KEYS N
 * </pre>
 */
public final class ApiBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "data" -> data(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Path.of(args[5]));
            case "reset-tips" -> resetTips(Path.of(args[1]));
            case "measure" -> measure(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---- the data set, through the real services on the site's own database ------------------------------------

    private static void data(Path ini, int repoCount, int userCount, int groupCount, Path keys) throws Exception {
        long t0 = System.nanoTime();
        Random random = new Random(42);
        try (Services s = Services.open(Settings.of(ini, Map.of()))) {
            User admin = s.setUp();
            List<User> users = new ArrayList<>();
            for (int i = 1; i <= userCount; i++) {
                String name = String.format("user%03d", i);
                users.add(s.users.create(name, "secret-" + name, name + "@example.com", false, null));
            }
            log("%d users", users.size());
            List<UserGroup> teams = new ArrayList<>();
            for (int i = 1; i <= groupCount; i++) {
                UserGroup g = s.userGroups.create(String.format("team%02d", i), "bench team", admin, true);
                for (int m = 0; m < 12; m++) {
                    s.userGroups.addMember(g, users.get(random.nextInt(users.size())));
                }
                teams.add(g);
            }
            // user001, the regular user measured, is in three teams for sure
            for (int i = 0; i < 3 && i < teams.size(); i++) {
                s.userGroups.addMember(teams.get(i * 7 % teams.size()), users.get(0));
            }
            log("%d user groups, 12 members each", teams.size());
            int perGroup = 50;
            List<Repo> repos = new ArrayList<>();
            for (int i = 0; i < repoCount; i++) {
                String name = String.format("proj%02d/repo%04d", i / perGroup + 1, i + 1);
                User owner = i % 7 == 0 ? users.get(i % users.size()) : admin;
                Repo r = s.repos.createGit(name, owner, i % 10 == 9, "bench repository " + (i + 1));
                if (i < 20) {
                    commit(s.repos.folder(r), i);
                }
                repos.add(r);
                if ((i + 1) % 500 == 0) {
                    log("%d repositories", i + 1);
                }
            }
            List<RepoGroup> repoGroups = s.repos.allGroups();
            Level[] levels = {Level.READ, Level.WRITE, Level.ADMIN};
            int grants = 0;
            for (UserGroup g : teams) {
                for (int k = 0; k < 40; k++) {
                    Repo r = repos.get(random.nextInt(repos.size()));
                    s.permissions.grantUserGroup(Kind.REPOSITORY, r.id(), g.id(), levels[random.nextInt(2)]);
                    grants++;
                }
                for (int k = 0; k < 2; k++) {
                    RepoGroup rg = repoGroups.get(random.nextInt(repoGroups.size()));
                    s.permissions.grantUserGroup(Kind.GROUP, rg.id(), g.id(), Level.READ);
                    grants++;
                }
            }
            for (User u : users) {
                for (int k = 0; k < 5; k++) {
                    Repo r = repos.get(random.nextInt(repos.size()));
                    s.permissions.grantUser(Kind.REPOSITORY, r.id(), u, levels[random.nextInt(3)]);
                    grants++;
                }
            }
            log("%d explicit grants (user groups: 40 repositories and 2 repository groups each; users: 5 "
                    + "repositories each); every 10th repository private, 20 with a commit", grants);
            Properties p = new Properties();
            p.setProperty("admin", admin.apiKey());
            p.setProperty("user", s.users.byUsername("user001").orElseThrow().apiKey());
            p.setProperty("user_id", String.valueOf(users.get(0).id()));
            p.setProperty("toggle_user", users.get(users.size() - 1).username());
            p.setProperty("toggle_repo", repos.get(0).name());
            try (var out = Files.newBufferedWriter(keys)) {
                p.store(out, "bench/api.sh");
            }
        }
        log("data set ready in %.1f s", (System.nanoTime() - t0) / 1e9);
    }

    /** One commit with one file in a bare repository, so that some tips are real changesets. */
    private static void commit(Path dir, int i) throws Exception {
        try (Repository db = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
                ObjectInserter ins = db.newObjectInserter()) {
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, ("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("README", FileMode.REGULAR_FILE, blob);
            ObjectId treeId = ins.insert(tree);
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(treeId);
            PersonIdent who = new PersonIdent("Bench Author", "bench@example.com");
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage("first commit of " + dir.getFileName() + "\n");
            ObjectId commit = ins.insert(c);
            ins.flush();
            RefUpdate u = db.updateRef(Constants.R_HEADS + "master");
            u.setNewObjectId(commit);
            u.forceUpdate();
            db.updateRef(Constants.HEAD).link(Constants.R_HEADS + "master");
        }
    }

    private static void resetTips(Path ini) throws Exception {
        Settings settings = Settings.of(ini, Map.of());
        String url = "jdbc:h2:file:" + settings.dataDir().resolve("db").resolve("cairn")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement st = c.createStatement()) {
            int n = st.executeUpdate("UPDATE repositories SET changeset_cache = NULL");
            log("changeset cache emptied for %d repositories", n);
        }
    }

    // ---- measuring ---------------------------------------------------------------------------------------------

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static String url;
    private static int id;

    private record Answer(double ms, int bytes, JsonNode result) {
    }

    private static Answer call(String apiKey, String method, Map<String, Object> args) throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("id", ++id, "api_key", apiKey, "method", method, "args", args));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - t0) / 1e6;
        JsonNode root = JSON.readTree(resp.body());
        if (resp.statusCode() != 200 || !root.path("error").isNull()) {
            throw new IllegalStateException(method + " failed: " + resp.statusCode() + " " + root.path("error"));
        }
        return new Answer(ms, resp.body().length, root.get("result"));
    }

    private record Scenario(String method, String who, String key, Map<String, Object> args) {
    }

    private static final List<String> ROWS = new ArrayList<>();

    private static void row(String method, String who, String state, double[] ms, Answer last) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        String items = last.result().isArray() ? last.result().size() + " repos"
                : last.result().has("permissions")
                        ? last.result().get("permissions").get("repositories").size() + " repos in map"
                        : "";
        ROWS.add(String.format(Locale.ROOT, "| %-9s | %-7s | %-22s | %4d | %8.1f | %8.1f | %8.1f | %-18s | %9d |",
                method, who, state, ms.length, pct(sorted, 50), pct(sorted, 95), sorted[sorted.length - 1], items,
                last.bytes()));
    }

    private static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void measure(String base, Path keysFile, int n) throws Exception {
        url = base + "/_admin/api";
        Properties keys = new Properties();
        try (var in = Files.newBufferedReader(keysFile)) {
            keys.load(in);
        }
        String admin = keys.getProperty("admin");
        String user = keys.getProperty("user");
        List<Scenario> scenarios = List.of(
                new Scenario("get_repos", "admin", admin, Map.of()),
                new Scenario("get_repos", "user001", user, Map.of()),
                new Scenario("get_user", "admin", admin, Map.of()),
                new Scenario("get_user", "user001", user, Map.of()));
        // the very first calls: a cold JVM, empty permission cache, and (for get_repos) an empty changeset cache
        for (Scenario s : scenarios) {
            Answer a = call(s.key, s.method, s.args);
            row(s.method, s.who, "first after start", new double[] {a.ms()}, a);
        }
        // JIT warm-up, not reported
        for (int i = 0; i < Math.max(20, n); i++) {
            for (Scenario s : scenarios) {
                call(s.key, s.method, s.args);
            }
        }
        String toggleUser = keys.getProperty("toggle_user");
        String toggleRepo = keys.getProperty("toggle_repo");
        for (Scenario s : scenarios) {
            // cold: a grant changes just before every call, so the permissions are computed again
            double[] ms = new double[n];
            Answer last = null;
            for (int i = 0; i < n; i++) {
                call(admin, "grant_user_permission", Map.of("repoid", toggleRepo, "userid", toggleUser, "perm",
                        i % 2 == 0 ? "repository.write" : "repository.read"));
                last = call(s.key, s.method, s.args);
                ms[i] = last.ms();
            }
            row(s.method, s.who, "cold (grant changed)", ms, last);
            for (int i = 0; i < n; i++) {
                last = call(s.key, s.method, s.args);
                ms[i] = last.ms();
            }
            row(s.method, s.who, "warm", ms, last);
        }
        System.out.println();
        System.out.println("| method    | as      | state                  |    n |  p50 ms  |  p95 ms  |  max ms  "
                + "| answer             |     bytes |");
        System.out.println("|-----------|---------|------------------------|-----:|---------:|---------:|---------:"
                + "|--------------------|----------:|");
        ROWS.forEach(System.out::println);
    }

    private static void log(String format, Object... args) {
        System.err.println("[api-bench] " + String.format(Locale.ROOT, format, args));
    }
}
