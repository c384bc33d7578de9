package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.testing.ApiClient;
import cairn.testing.ApiTest;
import cairn.testing.TestSite;

/** The JSON-RPC transport: Kallithea's envelope, validation order and exact error strings. */
class ApiEnvelopeIT extends ApiTest {
    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        regular = site.user("regular", "regular-pw");
        return site.war();
    }

    @Test
    void testEchoesItsArgsAndTheIdKeepsItsJsonType() throws Exception {
        JsonNode env = admin.postRaw("{\"id\": \"abc\", \"api_key\": \"" + site.admin.apiKey()
                + "\", \"method\": \"test\", \"args\": {\"args\": \"xyz \\t !~\"}}");
        assertEquals("abc", env.get("id").textValue());
        assertEquals("xyz \t !~", env.get("result").textValue());
        assertTrue(env.get("error").isNull());
        JsonNode numeric = admin.postRaw("{\"id\": 7, \"api_key\": \"" + site.admin.apiKey()
                + "\", \"method\": \"test\", \"args\": {\"args\": [1, {\"a\": null}]}}");
        assertTrue(numeric.get("id").isInt());
        assertEquals("[1,{\"a\":null}]", numeric.get("result").toString());
        assertEquals("[\"id\",\"result\",\"error\"]", ApiClient.JSON.valueToTree(
                iterable(numeric.fieldNames())).toString(), "envelope keys in Kallithea's order");
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> it) {
        java.util.List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void validationOrderAndExactErrors() throws Exception {
        String key = site.admin.apiKey();
        assertEquals("JSON parse error ERR:", admin.postRaw("{not json").get("error").asText().substring(0, 21));
        assertTrue(admin.postRaw("{not json").get("error").asText().endsWith("RAW:b'{not json'"));
        assertEquals("Incorrect JSON query missing 'api_key'", admin.postRaw("{\"id\":1}").get("error").asText());
        assertEquals("Incorrect JSON query missing 'api_key'", admin.postRaw("[1,2]").get("error").asText());
        JsonNode noMethod = admin.postRaw("{\"id\":5,\"api_key\":\"" + key + "\",\"args\":{}}");
        assertEquals("Incorrect JSON query missing 'method'", noMethod.get("error").asText());
        assertEquals(5, noMethod.get("id").asInt(), "id known once read");
        assertEquals("Incorrect JSON query missing 'args'",
                admin.postRaw("{\"id\":1,\"api_key\":\"" + key + "\",\"method\":\"test\"}").get("error").asText());
        assertEquals("Invalid API key", admin.as("x".repeat(40)).error("test", "{\"args\": 1}"));
        assertEquals("Invalid API key", admin.as("short").error("test", "{\"args\": 1}"));
        assertEquals("Method not allowed", admin.error("_private", "{}"));
        assertEquals("No such method: no_such", admin.error("no_such", "{}"));
        assertEquals("Missing non optional `args` arg in JSON DATA", admin.error("test", "{}"));
        assertEquals("Unknown `x`, `y` arg in JSON DATA", admin.error("test", "{\"args\": 1, \"x\": 1, \"y\": 2}"));
    }

    @Test
    void argsNullMeansNoArguments() throws Exception {
        JsonNode env = admin.call("get_server_info", null);
        assertTrue(env.get("error").isNull(), env.toString());
        assertTrue(env.get("result").get("modules").isArray());
        JsonNode missing = admin.call("test", null);
        assertEquals("Missing non optional `args` arg in JSON DATA", missing.get("error").asText());
        JsonNode number = admin.call("get_server_info", ApiClient.JSON.getNodeFactory().numberNode(1));
        assertTrue(number.get("error").isNull(), "args that are not an object count as none");
    }

    @Test
    void adminOnlyMethodsRefuseOthers() throws Exception {
        ApiClient user = admin.as(regular.apiKey());
        assertEquals("Internal server error", user.error("test", "{\"args\": 1}"));
        assertEquals("Internal server error", user.error("get_server_info", "{}"));
        assertEquals("Internal server error", user.error("rescan_repos", "{}"));
    }

    @Test
    void contentLengthIsRequiredAndAnyContentTypeIsAccepted() throws Exception {
        assertTrue(raw("POST /_admin/api HTTP/1.1", "Transfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n")
                .contains("\"error\":\"No Content-Length in request\""));
        assertTrue(raw("POST /_admin/api HTTP/1.1", "Content-Length: 0", "").contains("\"error\":\"Content-Length is 0\""));
        String body = "{\"id\":3,\"api_key\":\"" + site.admin.apiKey() + "\",\"method\":\"test\",\"args\":{\"args\":1}}";
        String answer = raw("POST //_admin/api HTTP/1.1", "Content-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length, body);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.contains("{\"id\":3,\"result\":1,\"error\":null}"), answer);
        String huge = raw("POST /_admin/api HTTP/1.1", "Content-Length: 999999999", "");
        assertTrue(huge.contains("exceeds the limit"), huge);
    }

    @Test
    void getIpAndRescan() throws Exception {
        JsonNode ip = admin.result("get_ip", "{}");
        assertEquals("127.0.0.1", ip.get("server_ip_addr").asText());
        assertEquals(0, ip.get("user_ips").size());
        assertEquals("user `nobody` does not exist", admin.error("show_ip", "{\"userid\": \"nobody\"}"));
        site.git.run(site.dir, "init", "-q", "--bare", site.dir.resolve("data/repos/found/later.git").toString())
                .expectOk();
        JsonNode rescan = admin.result("rescan_repos", "{}");
        assertEquals("[\"found/later\"]", rescan.get("added").toString());
        assertEquals("[]", rescan.get("removed").toString());
        assertEquals("{\"added\":[],\"removed\":[]}", admin.result("rescan_repos", "{\"remove_obsolete\": null}")
                .toString());
    }

    /** A request sent byte for byte, with the context path put in front of the target. */
    private String raw(String requestLine, String headers, String body) throws Exception {
        String ctx = base.getPath().endsWith("/") ? base.getPath().substring(0, base.getPath().length() - 1)
                : base.getPath();
        String[] parts = requestLine.split(" ");
        String target = parts[1].startsWith("//") ? "/" + ctx + parts[1].substring(1) : ctx + parts[1];
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((parts[0] + " " + target + " " + parts[2] + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + headers + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            // read one response (headers, then Content-Length bytes): the server may keep the socket open
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int length = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
                String text = got.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && length < 0) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                            .matcher(text.substring(0, end));
                    length = m.find() ? Integer.parseInt(m.group(1)) : 0;
                }
                if (length >= 0 && got.size() >= end + 4 + length) {
                    break;
                }
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
