package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cairn.testing.CairnProcess;
import cairn.testing.Git;
import cairn.testing.Http;

/** {@code java -jar target/cairn.war} as a sysadmin runs it: start, clone, push, and clear start-up errors. */
class ExecutableWarIT {
    private static final String KEY = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    @Test
    void startsOnEmbeddedDefaultsAndServesGit() throws Exception {
        Path data = tmp.resolve("data");
        Git git = new Git(tmp.resolve("home"));
        // a repository placed on disk before the first start is registered by the scan
        git.run(tmp, "init", "-q", "--bare", data.resolve("repos/tools/scanned.git").toString()).expectOk();
        Map<String, String> env = Map.of("CAIRN_ADMIN_PASSWORD", "pw-from-env", "CAIRN_ADMIN_API_KEY", KEY);
        try (CairnProcess cairn = CairnProcess.start(tmp, env, "--port", "0", "--host", "127.0.0.1",
                "--data", data.toString())) {
            URL base = new URL(cairn.baseUrl());
            String repo = cairn.baseUrl() + "tools/scanned.git";
            String admin = repo.replace("://", "://admin:pw-from-env@");
            String byKey = repo.replace("://", "://admin:" + KEY + "@");

            Path work = git.workTree(tmp.resolve("work"), "first", "second");
            git.run(work, "push", admin, "HEAD:refs/heads/main").expectOk();
            git.commit(work, "third");
            git.run(work, "push", byKey, "HEAD:refs/heads/main").expectOk();
            git.run(tmp, "clone", "-q", repo, "clone").expectOk();
            assertEquals(git.head(work), git.head(tmp.resolve("clone")));

            HttpResponse<String> home = Http.get(base, "", null);
            assertEquals(200, home.statusCode());
            assertTrue(home.body().contains(">tools/<"), "the scanned folder is a group");
            assertTrue(Http.get(base, "tools", null).body().contains("tools/scanned"));
            HttpResponse<String> css = Http.get(base, "static/cairn.css", null);
            assertEquals(200, css.statusCode());
            assertTrue(css.headers().firstValue("Cache-Control").orElse("").contains("max-age=31536000"));
            assertEquals(404, Http.get(base, "cairn/launcher/Main.class", null).statusCode());
            assertEquals(404, Http.get(base, "WEB-INF/web.xml", null).statusCode());
        }
        assertTrue(Files.isDirectory(data.resolve("db")), "H2 database under DATA/db");
    }

    @Test
    void generatesAnAdminPasswordOnceAndLogsIt() throws Exception {
        Path data = tmp.resolve("data");
        String password;
        try (CairnProcess cairn = CairnProcess.start(tmp, Map.of(), "--port", "0", "--data", data.toString())) {
            Matcher m = Pattern.compile("random password '([^']+)'").matcher(cairn.output());
            assertTrue(m.find(), cairn.output());
            password = m.group(1);
            URL base = new URL(cairn.baseUrl());
            HttpResponse<String> ok = Http.get(base, "", Http.basic("admin", password));
            assertTrue(ok.body().contains("Signed in as admin"), ok.body());
        }
        try (CairnProcess again = CairnProcess.start(tmp, Map.of(), "--port", "0", "--data", data.toString())) {
            assertFalse(again.output().contains("random password"), "only the first start shows it");
            HttpResponse<String> ok = Http.get(new URL(again.baseUrl()), "", Http.basic("admin", password));
            assertTrue(ok.body().contains("Signed in as admin"));
        }
    }

    @Test
    void aBadValueStopsStartUpWithOneLineNamingKeyAndFile() throws Exception {
        assertRefused("[cairn]\nauth_cache_seconds = soon\n", "[cairn] auth_cache_seconds", "'soon' is not a whole number");
        assertRefused("[git]\nallow_filter = maybe\n", "[git] allow_filter", "is not true or false");
        assertRefused("[database]\nurl = jdbc:mysql://127.0.0.1:1/cairn?connectTimeout=2000\n", "[database] url",
                "cannot connect to the database");
        assertRefused("[database]\nurl = jdbc:postgresql://127.0.0.1/x\n", "[database] url", "are supported");
        Path blocker = tmp.resolve("a-file");
        Files.writeString(blocker, "not a folder");
        assertRefused("[cairn]\nrepos_dir = " + blocker.resolve("repos") + "\n", "[cairn] repos_dir",
                "cannot create folder");
        assertRefused("[server]\nport = eighty\n", "[server] port", "'eighty' is not a whole number");
    }

    @Test
    void unknownKeysAreNamedInAWarning() throws Exception {
        Path ini = tmp.resolve("cairn.ini");
        Files.writeString(ini, "[cairn]\ndata_dir = data\ncolour_scheme = teal\n");
        try (CairnProcess cairn = CairnProcess.start(tmp, Map.of(), "--port", "0", "--config", ini.toString())) {
            assertTrue(cairn.output().contains("unknown key 'cairn.colour_scheme'"), cairn.output());
            assertTrue(cairn.output().contains(ini.toString()));
        }
        assertTrue(Files.isDirectory(tmp.resolve("data/repos")), "relative data_dir counts from the ini's folder");
    }

    private void assertRefused(String iniText, String key, String why) throws Exception {
        Path ini = Files.createTempFile(tmp, "bad", ".ini");
        // INI sections may repeat; the data folder keeps the failing start inside the test's temp folder
        Files.writeString(ini, "[cairn]\ndata_dir = " + tmp.resolve("bad-data") + "\n" + iniText);
        Git.Result r = CairnProcess.runToEnd(tmp, Map.of(), "--port", "0", "--config", ini.toString());
        assertNotEquals(0, r.exit(), r.out());
        String line = r.out().lines().filter(l -> l.startsWith("Cairn cannot start:")).findFirst()
                .orElseThrow(() -> new AssertionError("no start-up error line in:\n" + r.out()));
        assertTrue(line.contains(key), line);
        assertTrue(line.contains(ini.toString()), line);
        assertTrue(line.contains(why), line);
        assertFalse(r.out().contains("Cairn is running"), r.out());
    }
}
