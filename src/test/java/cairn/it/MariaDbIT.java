package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import cairn.Services;
import cairn.auth.Level;
import cairn.auth.Level.Kind;
import cairn.auth.Perms;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.auth.UserService;
import cairn.config.Settings;
import cairn.db.PermissionDao.Member;
import cairn.journal.JournalEntry;
import cairn.testing.CairnProcess;
import cairn.testing.Git;
import cairn.testing.MariaDb;
import cairn.vcs.GroupService.Recursion;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoService;

/**
 * Cairn on a real MariaDB (a private server started for this test): the Flyway history migrates, Git pushes and pulls
 * over HTTP work and are journaled, and a second start on the same database finds everything in place.
 */
class MariaDbIT {
    private static final String ADMIN_PASSWORD = "Adm1n-Secret-xyz";
    /** Environment that could override the ini's admin credentials is neutralised. */
    private static final Map<String, String> ENV = Map.of("CAIRN_ADMIN_PASSWORD", "", "CAIRN_ADMIN_API_KEY", "",
            "CAIRN_CONFIG", "");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void cairnRunsOnMariaDb() throws Exception {
        Git git = new Git(tmp.resolve("home"));
        Path data = tmp.resolve("data");
        Path bare = Files.createDirectories(data.resolve("repos/team"));
        git.run(bare, "init", "-q", "--bare", "proj.git").expectOk();

        try (MariaDb db = MariaDb.start()) {
            Path ini = tmp.resolve("cairn.ini");
            Files.writeString(ini, "[cairn]\n"
                    + "data_dir = " + data + "\n"
                    + "admin_password = " + ADMIN_PASSWORD + "\n"
                    + "\n[database]\n"
                    + "url = " + db.jdbcUrl() + "\n"
                    + "user = " + MariaDb.USER + "\n"
                    + "password = " + MariaDb.PASSWORD + "\n");

            String c1;
            String c2;
            // First start: Flyway creates the schema, Setup creates the users, the scan registers team/proj.
            try (CairnProcess cairn = CairnProcess.start(tmp.resolve("run1"), ENV, "--port", "0", "--host",
                    "127.0.0.1", "--config", ini.toString())) {
                try {
                    String anon = cairn.baseUrl() + "team/proj.git";
                    String admin = anon.replace("http://", "http://admin:" + ADMIN_PASSWORD + "@");

                    Path work = tmp.resolve("work");
                    git.run(tmp, "clone", "-q", admin, work.toString()).expectOk();
                    git.commit(work, "first commit");
                    c1 = git.head(work);
                    git.commit(work, "second commit");
                    c2 = git.head(work);
                    git.run(work, "push", "-q", "origin", "HEAD:refs/heads/main").expectOk();

                    Path copy = tmp.resolve("copy");
                    git.run(tmp, "clone", "-q", admin, copy.toString()).expectOk();
                    assertEquals(c2, git.head(copy), "second clone's HEAD");
                    String log = git.run(copy, "log", "--format=%H").expectOk().out();
                    assertEquals(List.of(c2, c1), lines(log), "history of the second clone");

                    // Pushes without (or with wrong) credentials are refused and change nothing.
                    git.commit(copy, "unauthorised commit");
                    Git.Result anonPush = git.run(copy, "push", anon, "HEAD:refs/heads/main");
                    assertNotEquals(0, anonPush.exit(), "anonymous push must fail:\n" + anonPush.out());
                    Git.Result badPush = git.run(copy, "push",
                            anon.replace("http://", "http://admin:wrong-password@"), "HEAD:refs/heads/main");
                    assertNotEquals(0, badPush.exit(), "push with a wrong password must fail:\n" + badPush.out());
                    assertEquals(c2, remoteMain(git, tmp, admin), "remote main after refused pushes");
                } finally {
                    dump("first start", cairn);
                }
            }

            // Second start on the same database: nothing migrated again, nothing created twice.
            try (CairnProcess cairn = CairnProcess.start(tmp.resolve("run2"), ENV, "--port", "0", "--host",
                    "127.0.0.1", "--config", ini.toString())) {
                try {
                    String admin = (cairn.baseUrl() + "team/proj.git").replace("http://",
                            "http://admin:" + ADMIN_PASSWORD + "@");
                    assertEquals(c2, remoteMain(git, tmp, admin), "remote main after restart");
                    // git sends credentials only after a 401, and anonymous may read team/proj, so its pulls are
                    // journaled as "default"; a pre-emptive Authorization header makes this one count as admin's.
                    Path again = tmp.resolve("again");
                    String basic = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD)
                            .getBytes(StandardCharsets.UTF_8));
                    git.run(tmp, "-c", "http.extraHeader=Authorization: Basic " + basic, "clone", "-q",
                            cairn.baseUrl() + "team/proj.git", again.toString()).expectOk();
                    assertEquals(c2, git.head(again));
                    String out = cairn.output();
                    assertFalse(out.contains("created user 'admin'"), "admin created again:\n" + out);
                    assertFalse(out.contains("created the default"), "default user created again:\n" + out);
                    assertFalse(out.contains("registered repository"), "repository registered again:\n" + out);
                } finally {
                    dump("second start", cairn);
                }
            }

            try (Connection c = db.connect()) {
                assertTrue(one(c, "SELECT VERSION()").contains("MariaDB"), "server is MariaDB");

                List<List<String>> history = rows(c, "SELECT version, CASE WHEN success THEN 'ok' ELSE 'failed' END "
                        + "FROM flyway_schema_history "
                        + "WHERE version IS NOT NULL ORDER BY installed_rank");
                // every migration file of the build, applied once and successfully, in order
                List<List<String>> expected = new java.util.ArrayList<>();
                try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                            .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted()
                            .forEach(v -> expected.add(List.of(Integer.toString(v), "ok")));
                }
                assertEquals(expected, history, "flyway_schema_history (version, success)");

                List<String> tables = column(c, "SELECT table_name FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE()");
                for (String t : List.of("users", "repositories", "repo_groups", "user_logs", "permissions")) {
                    assertTrue(tables.contains(t), "table " + t + " in " + tables);
                }

                assertEquals("1", one(c, "SELECT COUNT(*) FROM users WHERE username = 'admin'"), "admin users");
                assertEquals("1", one(c, "SELECT COUNT(*) FROM users WHERE username = 'default'"), "default users");
                assertEquals("2", one(c, "SELECT COUNT(*) FROM users"), "users");
                assertEquals("1", one(c, "SELECT COUNT(*) FROM users WHERE username = 'admin' AND admin"), "admin flag");

                assertEquals(List.of(List.of("team/proj", "team")), rows(c, "SELECT r.repo_name, g.group_name "
                        + "FROM repositories r LEFT JOIN repo_groups g ON g.group_id = r.group_id"),
                        "repositories with their groups");
                assertEquals(List.of("team"), column(c, "SELECT group_name FROM repo_groups"), "repo groups");

                List<List<String>> journal = rows(c, "SELECT action, username, repository_name FROM user_logs "
                        + "ORDER BY user_log_id");
                assertTrue(journal.contains(List.of("pull", "admin", "team/proj")), "a pull by admin in " + journal);
                List<String> pushes = new ArrayList<>();
                for (List<String> row : journal) {
                    if (row.get(0).startsWith("push:")) {
                        pushes.add(row.get(0));
                        assertEquals(List.of("admin", "team/proj"), row.subList(1, 3), "push row " + row);
                    }
                }
                assertEquals(1, pushes.size(), "exactly one (accepted) push journaled: " + journal);
                String push = pushes.get(0);
                assertTrue(push.contains(c1) && push.contains(c2), "push row " + push + " names " + c1 + " and " + c2);
            } catch (SQLException e) {
                throw new AssertionError("JDBC check failed: " + e + "\nMariaDB log:\n" + db.errorLog(), e);
            }
        }
    }

    /**
     * The administration pages' service calls and their SQL on MariaDB: users, a user group with members, nested
     * repository groups, grants with apply-to-children, the default level with "overwrite existing", the journal
     * search with every filter, the permission listings, and a delete refused while the user owns things.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void adminServicesRunOnMariaDb() throws Exception {
        try (MariaDb db = MariaDb.start()) {
            Path ini = tmp.resolve("services.ini");
            Files.writeString(ini, "[cairn]\n"
                    + "data_dir = " + tmp.resolve("services-data") + "\n"
                    + "admin_password = " + ADMIN_PASSWORD + "\n"
                    + "\n[database]\n"
                    + "url = " + db.jdbcUrl() + "\n"
                    + "user = " + MariaDb.USER + "\n"
                    + "password = " + MariaDb.PASSWORD + "\n");
            try (Services s = Services.open(Settings.of(ini, Map.of()))) {
                s.setUp();
                User def = s.users.defaultUser();
                User ann = s.users.create("ann", "ann-pw-123", "ann@example.com", false, null);
                User bob = s.users.create("bob", "bob-pw-123", "bob@example.com", false, null);
                assertEquals("ann", s.users.byUsername("ann").orElseThrow().username());
                assertTrue(s.users.allButDefault().stream().anyMatch(u -> u.username().equals("bob")));

                UserGroup devs = s.userGroups.create("devs", "the developers", ann, true);
                assertTrue(s.userGroups.addMember(devs, bob));
                assertFalse(s.userGroups.addMember(devs, bob), "already a member");
                assertEquals(List.of("bob"), s.userGroups.members(devs).stream().map(User::username).toList());
                assertEquals(1, s.userGroups.membersByGroup().get(devs.id()).size());
                assertEquals(devs.id(), s.userGroups.byName("devs").orElseThrow().id());
                assertEquals(Level.ADMIN, s.permissions.of(ann, def).userGroup(devs.id()), "the owner");
                assertTrue(s.userGroups.readable(s.permissions.of(bob, def)).stream()
                        .anyMatch(g -> g.id() == devs.id()), "usergroup.read by default");

                RepoGroup outer = s.groups.create("outer", "", ann, null, false);
                RepoGroup inner = s.groups.create("inner", "inside", ann, outer, true);
                assertEquals("outer/inner", inner.name());
                assertEquals(List.of(inner.id()), s.groups.all().stream().filter(g -> g.parentId() != null)
                        .map(RepoGroup::id).toList());
                Repo app = s.repos.create(ann, new RepoService.NewRepo("outer/inner/app", ann, "the app", false,
                        null, "rev:tip", false, false, false), "10.0.0.1");
                Repo secret = s.repos.create(ann, new RepoService.NewRepo("outer/secret", ann, "", true, null,
                        "rev:tip", false, false, false), "10.0.0.1");
                assertEquals(List.of("outer/inner/app"), s.groups.repositoryNames(inner));
                assertEquals(List.of("outer/secret"), s.groups.repositoryNamesByGroup().get(outer.id()));

                // grants with apply-to-children, to a user and to a user group
                s.groups.setPermission(outer, false, bob.id(), Level.WRITE, Recursion.ALL);
                Perms bobs = s.permissions.of(bob, def);
                assertEquals(Level.WRITE, bobs.group(outer.id()));
                assertEquals(Level.WRITE, bobs.group(inner.id()));
                assertEquals(Level.WRITE, bobs.repo(app.id()));
                assertEquals(Level.WRITE, bobs.repo(secret.id()), "a user's grant reaches private repositories");
                s.groups.setPermission(outer, true, devs.id(), Level.ADMIN, Recursion.GROUPS);
                bobs = s.permissions.of(bob, def);
                assertEquals(Level.ADMIN, bobs.group(inner.id()), "through the user group");
                assertEquals(Level.WRITE, bobs.repo(app.id()), "groups only: repositories untouched");
                assertEquals(List.of("devs"), s.groups.userGroupMembers(inner).stream().map(Member::name).toList());
                assertTrue(s.groups.userMembers(outer).stream().anyMatch(m -> m.name().equals("bob")
                        && m.permissionName().equals("group.write")), s.groups.userMembers(outer).toString());
                assertEquals(List.of("default", "bob"), s.permissions.userMembers(Kind.REPOSITORY, app.id()).stream()
                        .map(Member::name).filter(n -> !n.equals("ann")).toList(), "grant order kept");
                s.groups.setPermission(outer, false, bob.id(), null, Recursion.ALL);
                bobs = s.permissions.of(bob, def);
                assertEquals(Level.READ, bobs.repo(app.id()), "revoked: back to the default level");
                assertEquals(Level.NONE, bobs.repo(secret.id()));
                assertTrue(s.permissions.summary(bob, def, false).toString().contains("outer/inner"));

                // default level with "overwrite existing" (private repositories left alone)
                s.permissions.setGlobal(def, "repository.none");
                s.permissions.overwriteLevel(Kind.REPOSITORY, def, Level.NONE);
                assertEquals(Level.NONE, s.permissions.of(bob, def).repo(app.id()));
                assertTrue(s.permissions.globalOf(def).contains("repository.none"), s.permissions.globalOf(def)
                        .toString());
                s.permissions.setOwnGlobal(true, devs.id(), "hg.create", "hg.create.repository");
                assertEquals(List.of("hg.create.repository"), s.permissions.globalOfUserGroup(devs.id()));

                // the journal search, every filter
                s.journal.record(bob, app, "pull", "10.0.0.2");
                s.journal.record(ann, app, "push:" + "a".repeat(40), "10.0.0.1");
                s.journal.record(ann, secret, "pushXlike", "10.0.0.1");
                Instant now = Instant.now();
                assertEquals(List.of("pull"), actions(s.journal.search("bob", null, null, null, null, 50)));
                assertEquals(List.of("push:" + "a".repeat(40), "pull", "user_created_repo"),
                        actions(s.journal.search(null, "outer/inner/app", null, null, null, 50)));
                assertEquals(List.of("push:" + "a".repeat(40)),
                        actions(s.journal.search("ann", "outer/inner/app", "push", null, null, 50)));
                assertEquals(List.of("user_created_repo", "user_created_repo"),
                        actions(s.journal.search(null, null, "user_created", now.minusSeconds(3600),
                                now.plusSeconds(3600), 50)));
                assertEquals(List.of(), actions(s.journal.search(null, null, "push_", null, null, 50)),
                        "'_' is no wildcard");
                assertEquals(List.of(), actions(s.journal.search(null, null, null, null,
                        Instant.parse("2000-01-01T00:00:00Z"), 50)));
                assertEquals(List.of(), actions(s.journal.search(null, null, null, now.plusSeconds(3600), null, 50)));
                assertEquals(2, s.journal.search(null, null, null, null, null, 2).size(), "limit");

                // deleting a user who still owns things is refused; then it works, the journal keeps the name
                UserService.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(
                        UserService.Refused.class, () -> s.users.delete(ann));
                assertEquals(UserService.Reason.STILL_OWNS, refused.reason);
                assertTrue(refused.names.containsAll(List.of("outer/inner/app", "outer", "devs")),
                        refused.names.toString());
                assertTrue(s.users.byUsername("ann").isPresent());
                s.users.delete(bob);
                assertTrue(s.users.byUsername("bob").isEmpty());
                assertTrue(s.userGroups.members(devs).isEmpty(), "memberships go with the user");
                assertEquals(List.of("pull"), actions(s.journal.search("bob", null, null, null, null, 50)));

                // the settings page's table, and the system page's database line
                assertTrue(s.site.save(Map.of(cairn.config.SiteSettings.Field.TITLE, "On MariaDB")).isEmpty());
                assertTrue(s.site.save(Map.of(cairn.config.SiteSettings.Field.TITLE, "Again")).isEmpty());
                assertEquals("Again", s.site.title());
                s.site.reset(cairn.config.SiteSettings.Field.TITLE);
                assertEquals("Cairn", s.site.title());
                assertTrue(s.databaseInfo().get("product").contains("MariaDB"), s.databaseInfo().toString());
                assertFalse(s.databaseInfo().get("url").contains(MariaDb.PASSWORD), s.databaseInfo().toString());
            }
        }
    }

    private static List<String> actions(List<JournalEntry> entries) {
        return entries.stream().map(JournalEntry::action).toList();
    }

    private static String remoteMain(Git git, Path dir, String url) throws Exception {
        String out = git.run(dir, "ls-remote", url, "refs/heads/main")
                .expectOk().out().trim();
        return out.isEmpty() ? "" : out.split("\\s+")[0];
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                out.add(l.trim());
            }
        }
        return out;
    }

    private static void dump(String what, CairnProcess cairn) {
        System.out.println("---- Cairn output, " + what + " ----\n" + cairn.output());
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        for (List<String> row : rows(c, sql)) {
            out.add(row.get(0));
        }
        return out;
    }

    private static String one(Connection c, String sql) throws SQLException {
        List<String> col = column(c, sql);
        assertEquals(1, col.size(), "one row from " + sql);
        return col.get(0);
    }
}
