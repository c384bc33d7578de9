package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.auth.User;
import cairn.testing.ApiClient;
import cairn.testing.ApiTest;

/** Gists over the JSON-RPC API: stored as bare Git repositories under DATA/gists, public and private ids, expiry. */
class ApiGistsIT extends ApiTest {
    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        createSiteWithUsers();
        return site.war();
    }

    private String gistUrl(String accessId) {
        String b = base.toString();
        return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/_admin/gists/" + accessId;
    }

    private Path folder(String accessId) {
        return site.dir.resolve("data/gists").resolve(accessId);
    }

    private String git(Path gitDir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--git-dir=" + gitDir));
        all.addAll(List.of(args));
        return site.git.run(site.dir, all.toArray(new String[0])).expectOk().out();
    }

    @Test
    void createAPublicGistAndReadItBack() throws Exception {
        double before = Instant.now().toEpochMilli() / 1000.0;
        JsonNode res = admin.result("create_gist", "{\"files\": {\"foobar\": {\"content\": \"foo\"}}, "
                + "\"lifetime\": 10, \"description\": \"new-gist\", \"gist_type\": \"public\"}");
        assertEquals("created new gist", res.get("msg").asText());
        JsonNode g = res.get("gist");
        long id = g.get("gist_id").asLong();
        assertEquals("[\"gist_id\",\"type\",\"access_id\",\"description\",\"url\",\"expires\",\"created_on\"]",
                ApiClient.JSON.valueToTree(fieldNames(g)).toString());
        assertEquals("public", g.get("type").asText());
        assertEquals(Long.toString(id), g.get("access_id").asText(), "public gists go by their numeric id");
        assertEquals("new-gist", g.get("description").asText());
        assertEquals(gistUrl(Long.toString(id)), g.get("url").asText());
        double expires = g.get("expires").asDouble();
        assertTrue(expires >= before + 600 - 1 && expires <= Instant.now().toEpochMilli() / 1000.0 + 600 + 1,
                g.toString());
        assertTrue(g.get("expires").isFloatingPointNumber());
        assertTrue(g.get("created_on").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?"));

        Path dir = folder(Long.toString(id));
        assertTrue(Files.isDirectory(dir), "stored under DATA/gists, not in the repository root");
        assertFalse(Files.exists(site.dir.resolve("data/repos").resolve(Long.toString(id))));
        assertEquals("foo", git(dir, "show", "HEAD:foobar"));
        assertEquals("added file: foobar\n", git(dir, "log", "--format=%s%n%b", "-1").replace("\n\n", "\n"));
        assertEquals("admin\n", git(dir, "log", "--format=%an", "-1"));
        assertEquals("1\n", git(dir, "rev-list", "--count", "HEAD"));

        for (String ref : List.of(Long.toString(id), "\"" + id + "\"")) {
            assertEquals(g.toString(), admin.result("get_gist", "{\"gistid\": " + ref + "}").toString());
        }
        JsonNode forever = admin.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\", \"lexer\": null}}, "
                + "\"lifetime\": null, \"description\": null, \"gist_type\": null, \"owner\": null}").get("gist");
        assertEquals("-1.0", forever.get("expires").toString());
        assertEquals("", forever.get("description").asText());
        assertEquals("public", forever.get("type").asText());
        assertEquals("-1.0", admin.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\"}}, "
                + "\"lifetime\": \"soon\"}").get("gist").get("expires").toString(), "not a number: forever");
    }

    @Test
    void privateGistsGetAnUnguessableAccessIdAndStayWithTheirOwner() throws Exception {
        JsonNode g = user.result("create_gist", "{\"files\": {\"b.txt\": {\"content\": \"bee\\n\"}, "
                + "\"a.py\": {\"content\": \"print(1)\\n\"}}, \"gist_type\": \"private\", \"description\": \"mine\"}")
                .get("gist");
        String access = g.get("access_id").asText();
        assertTrue(access.matches("[2-9A-HJ-NP-Za-hj-np-z]{20}"), access);
        assertEquals("private", g.get("type").asText());
        assertEquals(gistUrl(access), g.get("url").asText());
        Path dir = folder(access);
        assertEquals("bee\n", git(dir, "show", "HEAD:b.txt"));
        assertEquals("print(1)\n", git(dir, "show", "HEAD:a.py"));
        assertEquals("added files: b.txt, a.py\n", git(dir, "log", "--format=%s", "-1"));
        assertEquals("regular\n", git(dir, "log", "--format=%an", "-1"));

        assertEquals(g.toString(), user.result("get_gist", "{\"gistid\": \"" + access + "\"}").toString());
        assertEquals(g.toString(), user.result("get_gist", "{\"gistid\": " + g.get("gist_id") + "}").toString());
        assertEquals(g.toString(), admin.result("get_gist", "{\"gistid\": \"" + access + "\"}").toString(),
                "admins see every gist");
        ApiClient stranger = admin.as(other.apiKey());
        assertEquals("gist `" + access + "` does not exist",
                stranger.error("get_gist", "{\"gistid\": \"" + access + "\"}"));
        assertEquals("gist `" + access + "` does not exist",
                stranger.error("delete_gist", "{\"gistid\": \"" + access + "\"}"));
        assertEquals("gist `12345` does not exist", admin.error("get_gist", "{\"gistid\": 12345}"));
        assertEquals("gist `nope` does not exist", admin.error("get_gist", "{\"gistid\": \"nope\"}"));
        assertEquals("Missing non optional `gistid` arg in JSON DATA", admin.error("get_gist", "{}"));
    }

    @Test
    void listsAreNewestFirstWithoutExpiredGistsAndOnlyTheCallersForNonAdmins() throws Exception {
        ApiClient third = admin.as(site.user("lister", "lister-pw").apiKey());
        User lister = site.services.users.byUsername("lister").orElseThrow();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(0, third.result("create_gist", "{\"files\": {\"f\": {\"content\": \"" + i + "\"}}}")
                    .get("gist").get("access_id").asText());
        }
        third.result("create_gist", "{\"files\": {\"f\": {\"content\": \"old\"}}, \"lifetime\": -5}");
        assertEquals(made, accessIds(third.result("get_gists", "{}")), "newest first, the expired one left out");
        assertEquals(made, accessIds(third.call("get_gists", null).get("result")));
        assertEquals(made, accessIds(third.result("get_gists", "{\"userid\": null}")));
        assertEquals(made, accessIds(third.result("get_gists", "{\"userid\": " + lister.id() + "}")));
        assertEquals(made, accessIds(admin.result("get_gists", "{\"userid\": \"lister\"}")));
        assertEquals(made, accessIds(admin.result("get_gists", "{\"userid\": \"" + lister.id() + "\"}")));
        assertEquals("userid is not the same as your user",
                third.error("get_gists", "{\"userid\": \"lister\"}"), "not even its own name");
        assertEquals("userid is not the same as your user",
                third.error("get_gists", "{\"userid\": " + regular.id() + "}"));
        assertEquals("user `ghost` does not exist", admin.error("get_gists", "{\"userid\": \"ghost\"}"));
        for (JsonNode g : admin.result("get_gists", "{}")) {
            assertFalse(made.contains(g.get("access_id").asText()), "an admin's own list holds its own gists");
        }
        assertEquals("Unknown `user` arg in JSON DATA", third.error("get_gists", "{\"user\": 1}"));
    }

    @Test
    void createRefusesBadInput() throws Exception {
        for (String files : List.of("\"text\"", "[]", "{\"a\": \"no object\"}", "{\"a\": {\"lexer\": \"x\"}}",
                "{\"a\": {\"content\": 5}}", "{}", "{\"dir/a\": {\"content\": \"x\"}}", "{\"..\": {\"content\": "
                        + "\"x\"}}", "{\".git\": {\"content\": \"x\"}}", "{\"\": {\"content\": \"x\"}}")) {
            assertEquals("failed to create gist", admin.error("create_gist", "{\"files\": " + files + "}"), files);
        }
        assertEquals("failed to create gist", admin.error("create_gist",
                "{\"files\": {\"a\": {\"content\": \"x\"}}, \"gist_type\": \"secret\"}"));
        assertEquals("failed to create gist", admin.error("create_gist",
                "{\"files\": {\"a\": {\"content\": \"x\"}}, \"owner\": \"ghost\"}"));
        assertEquals("Only Kallithea admin can specify `owner` param", user.error("create_gist",
                "{\"files\": {\"a\": {\"content\": \"x\"}}, \"owner\": \"other\"}"));
        JsonNode own = user.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\"}}, \"owner\": \"regular\"}");
        assertEquals(regular.id(), site.services.gists.byId(own.get("gist").get("gist_id").asLong()).orElseThrow()
                .ownerId());
        JsonNode forOther = admin.result("create_gist",
                "{\"files\": {\"a\": {\"content\": \"x\"}}, \"owner\": " + other.id() + "}");
        assertEquals(other.id(), site.services.gists.byId(forOther.get("gist").get("gist_id").asLong())
                .orElseThrow().ownerId());
        assertEquals("Missing non optional `files` arg in JSON DATA", admin.error("create_gist", "{}"));
        try (var s = Files.list(site.dir.resolve("data/gists"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "nothing half-made left");
        }
    }

    @Test
    void deleteByOwnerOrAdmin() throws Exception {
        JsonNode g = user.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\"}}, \"gist_type\": "
                + "\"private\"}").get("gist");
        String access = g.get("access_id").asText();
        assertTrue(Files.isDirectory(folder(access)));
        assertEquals("{\"msg\":\"deleted gist ID:" + access + "\",\"gist\":null}",
                user.result("delete_gist", "{\"gistid\": \"" + access + "\"}").toString());
        assertFalse(Files.exists(folder(access)));
        assertEquals("gist `" + access + "` does not exist", user.error("get_gist", "{\"gistid\": \"" + access + "\"}"));
        assertEquals("gist `" + access + "` does not exist",
                user.error("delete_gist", "{\"gistid\": \"" + access + "\"}"));

        JsonNode pub = user.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\"}}}").get("gist");
        long id = pub.get("gist_id").asLong();
        assertEquals("{\"msg\":\"deleted gist ID:" + id + "\",\"gist\":null}",
                admin.result("delete_gist", "{\"gistid\": \"" + id + "\"}").toString(), "an admin deletes anyone's");
        assertFalse(Files.exists(folder(Long.toString(id))));
        JsonNode adminsOwn = admin.result("create_gist", "{\"files\": {\"a\": {\"content\": \"x\"}}}").get("gist");
        assertEquals("gist `" + adminsOwn.get("gist_id") + "` does not exist",
                user.error("delete_gist", "{\"gistid\": " + adminsOwn.get("gist_id") + "}"));
        assertTrue(Files.isDirectory(folder(adminsOwn.get("access_id").asText())));
    }

    private static List<String> accessIds(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode g : list) {
            out.add(g.get("access_id").asText());
        }
        return out;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
