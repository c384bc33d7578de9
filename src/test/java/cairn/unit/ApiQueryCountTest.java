package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cairn.Services;
import cairn.api.Api;
import cairn.api.ApiServlet;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.config.Settings;
import cairn.vcs.Repo;

/**
 * The API's listings cost a fixed number of SQL statements, whatever the number of repositories (and user groups):
 * the same calls are counted (H2's own statement statistics) on a site with 10 and then with 200 repositories, with the
 * permission cache empty (a grant just changed) and filled.
 */
class ApiQueryCountTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Services services;
    static ApiServlet api;
    static String url;
    static User admin;
    static User alice;
    static User bob;
    static final List<UserGroup> teams = new ArrayList<>();
    static final List<Repo> repos = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        url = "jdbc:h2:mem:querycount-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        services = Services.open(Settings.of(null, Map.of("cairn.data_dir", dir.toString(), "database.url", url)));
        admin = services.setUp();
        alice = services.users.create("alice", "alice-pw", "alice@example.com", false, null);
        bob = services.users.create("bob", "bob-pw", "bob@example.com", false, null);
        api = new ApiServlet(Api.registry(services), services.users, services.permissions);
        addTeams(2, bob);
    }

    @AfterAll
    static void tearDown() {
        services.close();
    }

    private static void addTeams(int upTo, User other) {
        while (teams.size() < upTo) {
            UserGroup g = services.userGroups.create("team" + (teams.size() + 1), "", admin, true);
            services.userGroups.addMember(g, alice);
            if (other != null) {
                services.userGroups.addMember(g, other);
            }
            teams.add(g);
        }
    }

    /** Repositories with grants spread over users and teams; every 5th private, alice follows every 3rd. */
    private static void addRepos(int upTo) throws Exception {
        while (repos.size() < upTo) {
            int i = repos.size();
            Repo r = services.repos.createGit("grp" + (i % 4) + "/repo" + i, admin, i % 5 == 4, "");
            services.permissions.grantUserGroup(Kind.REPOSITORY, r.id(), teams.get(i % teams.size()).id(),
                    i % 2 == 0 ? Level.READ : Level.WRITE);
            if (i % 3 == 0) {
                services.permissions.grantUser(Kind.REPOSITORY, r.id(), alice, Level.ADMIN);
                services.repos.toggleFollowing(alice, r, "127.0.0.1");
            }
            repos.add(r);
        }
    }

    @Test
    void statementsDoNotGrowWithRepositoriesUserGroupsOrFollowers() throws Exception {
        addRepos(10);
        Map<String, Integer> small = counts(10, 1);
        addRepos(200);
        addTeams(12, null);
        services.repos.toggleFollowing(bob, repos.get(0), "127.0.0.1");
        Map<String, Integer> large = counts(200, 2);
        System.out.println("SQL statements per API call: " + large);
        assertEquals(small, large, "statements per call with 10 and with 200 repositories (2 and 12 user groups, "
                + "1 and 2 followers)");
        for (Map.Entry<String, Integer> e : large.entrySet()) {
            assertTrue(e.getValue() <= 45, e.getKey() + " takes " + e.getValue() + " statements");
        }
    }

    /** Statements per call, the changeset cache filled first (its first filling reads every repository once). */
    private Map<String, Integer> counts(int repoCount, int followers) throws Exception {
        JsonNode listing = call(admin, "get_repos", Map.of());
        assertEquals(repoCount, listing.size());
        // every tip is cached now, so later listings open no repository on disk
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM repositories WHERE changeset_cache IS NULL")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "repositories without a cached tip after a listing");
        }
        Map<String, Object> aliceId = Map.of("userid", alice.id());
        Map<String, Object> someRepo = Map.of("repoid", repos.get(0).name());
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String state : List.of("cold", "warm")) {
            for (User who : List.of(admin, alice)) {
                out.put("get_repos " + who.username() + " " + state, count(state, who, "get_repos", Map.of(),
                        r -> assertEquals(who == admin ? repoCount : visibleTo(alice), r.size())));
                out.put("get_user " + who.username() + " " + state, count(state, who, "get_user", aliceId,
                        r -> assertEquals(who == admin ? repoCount : visibleTo(alice),
                                r.get("permissions").get("repositories").size())));
                out.put("get_repo " + who.username() + " " + state, count(state, who, "get_repo", someRepo,
                        r -> assertEquals(followers, r.get("followers").size())));
                out.put("get_user_groups " + who.username() + " " + state, count(state, who, "get_user_groups",
                        Map.of(), r -> assertEquals(teams.size(), r.size())));
            }
        }
        return out;
    }

    private static int visibleTo(User user) {
        return (int) repos.stream().filter(r -> services.permissions.repo(user, services.users.defaultUser(), r)
                .atLeast(Level.READ)).count();
    }

    private interface Check {
        void check(JsonNode result);
    }

    private int count(String state, User who, String method, Map<String, Object> args, Check check) throws Exception {
        if (state.equals("cold")) {
            services.permissions.changed();
        } else {
            call(who, method, args);
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
            st.execute("SET QUERY_STATISTICS FALSE");
            st.execute("SET QUERY_STATISTICS TRUE");
            JsonNode result = call(who, method, args);
            int n = statements(st);
            st.execute("SET QUERY_STATISTICS FALSE");
            check.check(result);
            return n;
        }
    }

    private static int statements(Statement st) throws SQLException {
        int n = 0;
        try (ResultSet rs = st.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM "
                + "INFORMATION_SCHEMA.QUERY_STATISTICS")) {
            while (rs.next()) {
                if (!rs.getString(1).startsWith("SET QUERY_STATISTICS")) {
                    n += rs.getInt(2);
                }
            }
        }
        return n;
    }

    /** One call through the real servlet; the answer's result (its error must be null). */
    private static JsonNode call(User who, String method, Map<String, Object> args) throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("id", 1, "api_key", who.apiKey(), "method", method,
                "args", args));
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, a) -> switch (m.getName()) {
                    case "getContentLengthLong" -> (long) body.length;
                    case "getContentLength" -> body.length;
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "getInputStream" -> new ServletInputStream() {
                        @Override
                        public int read() {
                            return in.read();
                        }

                        @Override
                        public boolean isFinished() {
                            return in.available() == 0;
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setReadListener(ReadListener l) {
                            throw new UnsupportedOperationException();
                        }
                    };
                    default -> throw new UnsupportedOperationException("request." + m.getName());
                });
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, a) -> switch (m.getName()) {
                    case "setStatus", "setContentType", "setContentLength", "setCharacterEncoding" -> null;
                    case "getOutputStream" -> new ServletOutputStream() {
                        @Override
                        public void write(int b) {
                            out.write(b);
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setWriteListener(WriteListener l) {
                            throw new UnsupportedOperationException();
                        }
                    };
                    default -> throw new UnsupportedOperationException("response." + m.getName());
                });
        api.service((jakarta.servlet.ServletRequest) req, (jakarta.servlet.ServletResponse) resp);
        JsonNode root = JSON.readTree(out.toByteArray());
        assertTrue(root.get("error").isNull(), method + " as " + who.username() + ": " + root.get("error"));
        return root.get("result");
    }

    private static ClassLoader getLoader() {
        return ApiQueryCountTest.class.getClassLoader();
    }
}
