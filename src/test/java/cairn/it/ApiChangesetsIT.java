package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.auth.Level;
import cairn.auth.User;
import cairn.testing.ApiClient;
import cairn.testing.ApiTest;
import cairn.testing.Git;
import cairn.testing.TestSite;
import cairn.vcs.Repo;

/** get_changesets, get_changeset and get_repo_nodes over HTTP against a repository pushed with the git CLI. */
class ApiChangesetsIT extends ApiTest {
    static User reader;
    static User outsider;
    static Repo repo;
    static Repo secret;
    static List<String> commits = new ArrayList<>();
    static boolean pushed;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        reader = site.user("reader", "reader-pw");
        outsider = site.user("outsider", "outsider-pw");
        repo = site.repo("hist/project", site.admin, false);
        secret = site.repo("secret", site.admin, true);
        site.grant(secret, reader, Level.READ);
        site.repo("empty", site.admin, false);
        return site.war();
    }

    @BeforeEach
    void setUp() throws Exception {
        if (pushed) {
            return;
        }
        Git git = site.git;
        Path work = git.workTree(site.dir.resolve("work"));
        Files.createDirectories(work.resolve("src/main"));
        Files.writeString(work.resolve("README"), "one\n");
        git.run(work, "add", "-A").expectOk();
        git.run(work, Java.env("2020-01-01T10:00:00"), "commit", "-q", "-m", "first").expectOk();
        Files.writeString(work.resolve("src/main/App.java"), "class App {}\n");
        Files.writeString(work.resolve("README"), "two\n");
        git.run(work, "add", "-A").expectOk();
        git.run(work, Java.env("2021-01-01T10:00:00"), "commit", "-q", "-m", "second").expectOk();
        git.run(work, "rm", "-q", "README").expectOk();
        git.run(work, Java.env("2022-01-01T10:00:00"), "commit", "-q", "-m", "third").expectOk();
        git.run(work, "checkout", "-q", "-b", "side", "HEAD~1").expectOk();
        Files.writeString(work.resolve("side.txt"), "side\n");
        git.run(work, "add", "-A").expectOk();
        git.run(work, Java.env("2023-01-01T10:00:00"), "commit", "-q", "-m", "on side").expectOk();
        String url = base.toString().replace("://", "://admin:" + TestSite.ADMIN_PASSWORD + "@") + "hist/project.git";
        git.run(work, "push", "-q", url, "main", "side").expectOk();
        for (String l : git.run(work, "rev-list", "--reverse", "main").expectOk().out().split("\n")) {
            commits.add(l.trim());
        }
        commits.add(git.run(work, "rev-parse", "side").expectOk().out().trim());
        git.run(work, "push", "-q", url.replace("hist/project", "secret"), "main").expectOk();
        pushed = true;
    }

    /** Fixed author and committer dates. */
    static final class Java {
        static java.util.Map<String, String> env(String date) {
            return java.util.Map.of("GIT_AUTHOR_DATE", date, "GIT_COMMITTER_DATE", date);
        }
    }

    @Test
    void changesetsOldestFirstWithRevisionNumbers() throws Exception {
        JsonNode all = admin.result("get_changesets", "{\"repoid\": \"hist/project\"}");
        assertEquals(4, all.size(), all.toString());
        assertEquals(commits.get(0), all.get(0).get("raw_id").asText());
        assertEquals(0, all.get(0).get("revision").asInt());
        assertEquals("first\n", all.get(0).get("message").asText());
        assertEquals(commits.get(0).substring(0, 12), all.get(0).get("short_id").asText());
        assertEquals("Cairn Test <test@cairn.invalid>", all.get(0).get("author").asText());
        assertTrue(all.get(0).get("date").asText().startsWith("2020-01-01T"), all.get(0).toString());
        assertFalse(all.get(0).has("added"));

        JsonNode range = admin.result("get_changesets",
                "{\"repoid\": " + repo.id() + ", \"start\": 0, \"end\": 1, \"with_file_list\": true}");
        assertEquals(2, range.size());
        assertEquals("[\"src/main/App.java\"]", range.get(1).get("added").toString());
        assertEquals("[\"README\"]", range.get(1).get("changed").toString());

        JsonNode reversed = admin.result("get_changesets", "{\"repoid\": \"hist/project\", \"reverse\": true, "
                + "\"max_revisions\": 2, \"start\": null}");
        assertEquals(2, reversed.size());
        assertEquals(commits.get(0), reversed.get(1).get("raw_id").asText(), "the first two, newest first");

        JsonNode dated = admin.result("get_changesets", "{\"repoid\": \"hist/project\", "
                + "\"start_date\": \"2020-06-01T00:00:00\", \"end_date\": \"2022-06-01T00:00:00\"}");
        assertEquals(2, dated.size(), dated.toString());

        JsonNode side = admin.result("get_changesets", "{\"repoid\": \"hist/project\", \"branch_name\": \"side\"}");
        assertEquals(3, side.size(), "side branches off after the second commit");
        assertEquals(commits.get(3), side.get(2).get("raw_id").asText());
    }

    @Test
    void oneChangesetWithItsFiles() throws Exception {
        JsonNode c = admin.result("get_changeset", "{\"repoid\": \"hist/project\", \"raw_id\": \"" + commits.get(2)
                + "\"}");
        assertEquals(commits.get(2), c.get("raw_id").asText());
        assertEquals("[\"README\"]", c.get("removed").toString());
        assertEquals("{\"name\":\"Cairn Test\",\"email\":\"test@cairn.invalid\"}", c.get("author").toString());
        assertFalse(c.has("reviews"));
        assertEquals("[]", admin.result("get_changeset", "{\"repoid\": \"hist/project\", \"raw_id\": \""
                + commits.get(2) + "\", \"with_reviews\": true}").get("reviews").toString());
        String missing = "7ab37bc680b4aa72c34d07b230c866c28e9fcfff";
        assertEquals("Changeset " + missing + " does not exist",
                admin.error("get_changeset", "{\"repoid\": \"hist/project\", \"raw_id\": \"" + missing + "\"}"));
        assertEquals("Changeset HEAD~1 does not exist",
                admin.error("get_changeset", "{\"repoid\": \"hist/project\", \"raw_id\": \"HEAD~1\"}"));
    }

    @Test
    void nodesRecursivelyFoldersFirst() throws Exception {
        JsonNode all = admin.result("get_repo_nodes", "{\"repoid\": \"hist/project\", \"revision\": \"tip\", "
                + "\"root_path\": \"/\"}");
        assertEquals("[{\"name\":\"src\",\"type\":\"dir\"},{\"name\":\"src/main\",\"type\":\"dir\"},"
                + "{\"name\":\"src/main/App.java\",\"type\":\"file\"}]", all.toString());
        JsonNode files = admin.result("get_repo_nodes", "{\"repoid\": \"hist/project\", \"revision\": \""
                + commits.get(1) + "\", \"root_path\": \"src\", \"ret_type\": \"files\"}");
        assertEquals("[{\"name\":\"src/main/App.java\",\"type\":\"file\"}]", files.toString());
        JsonNode dirs = admin.result("get_repo_nodes", "{\"repoid\": \"hist/project\", \"revision\": \"side\", "
                + "\"root_path\": \"/\", \"ret_type\": \"dirs\"}");
        assertEquals(2, dirs.size());
        assertEquals("ret_type must be one of all,dirs,files", admin.error("get_repo_nodes",
                "{\"repoid\": \"hist/project\", \"revision\": \"tip\", \"root_path\": \"/\", \"ret_type\": \"x\"}"));
        assertEquals("failed to get repo: `hist/project` nodes", admin.error("get_repo_nodes",
                "{\"repoid\": \"hist/project\", \"revision\": \"nope\", \"root_path\": \"/\"}"));
        assertEquals("failed to get repo: `hist/project` nodes", admin.error("get_repo_nodes",
                "{\"repoid\": \"hist/project\", \"revision\": \"tip\", \"root_path\": \"no/such\"}"));
    }

    @Test
    void readRightsDecideAndPrivateRepositoriesDoNotExistForOthers() throws Exception {
        ApiClient asReader = admin.as(reader.apiKey());
        ApiClient asOutsider = admin.as(outsider.apiKey());
        assertEquals(4, asReader.result("get_changesets", "{\"repoid\": \"hist/project\"}").size());
        assertEquals(3, asReader.result("get_changesets", "{\"repoid\": \"secret\"}").size());
        assertEquals("repository `secret` does not exist",
                asOutsider.error("get_changesets", "{\"repoid\": \"secret\"}"));
        assertEquals("repository `" + secret.id() + "` does not exist",
                asOutsider.error("get_changeset", "{\"repoid\": \"" + secret.id() + "\", \"raw_id\": \""
                        + commits.get(0) + "\"}"));
        assertEquals("repository `secret` does not exist", asOutsider.error("get_repo_nodes",
                "{\"repoid\": \"secret\", \"revision\": \"tip\", \"root_path\": \"/\"}"));
        assertEquals("repository `nothing-here` does not exist",
                asReader.error("get_changesets", "{\"repoid\": \"nothing-here\"}"));
        assertEquals("Repository is empty", admin.error("get_changesets", "{\"repoid\": \"empty\"}"));
        assertEquals("Missing non optional `raw_id` arg in JSON DATA",
                admin.error("get_changeset", "{\"repoid\": \"secret\"}"));
    }
}
