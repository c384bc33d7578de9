package cairn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Calls Cairn's JSON-RPC API over HTTP as a script would, and checks the envelope. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final AtomicLong IDS = new AtomicLong(1000);

    private final URL base;
    private final String apiKey;

    public ApiClient(URL base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public ApiClient as(String otherKey) {
        return new ApiClient(base, otherKey);
    }

    /** Args as JSON text, e.g. {@code {"repoid": "x"}}, or as an object node. */
    public static ObjectNode args(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** Posts a raw body to /_admin/api and returns the parsed envelope (HTTP status must be 200). */
    public JsonNode postRaw(String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(Http.join(base, "_admin/api")))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> resp = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode(), resp.body());
        return JSON.readTree(resp.body());
    }

    /** Calls a method and returns the whole envelope after checking the id came back. */
    public JsonNode call(String method, JsonNode args) throws IOException, InterruptedException {
        long id = IDS.incrementAndGet();
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.put("api_key", apiKey);
        body.put("method", method);
        body.set("args", args == null ? NullNode.instance : args);
        JsonNode env = postRaw(JSON.writeValueAsString(body));
        assertEquals(id, env.get("id").asLong(), env.toString());
        return env;
    }

    /** The result of a call that must succeed. */
    public JsonNode result(String method, String argsJson) throws IOException, InterruptedException {
        JsonNode env = call(method, args(argsJson));
        if (!env.get("error").isNull()) {
            throw new AssertionError(method + " " + argsJson + " failed: " + env.get("error").asText());
        }
        return env.get("result");
    }

    /** The error text of a call that must fail (with result null). */
    public String error(String method, String argsJson) throws IOException, InterruptedException {
        JsonNode env = call(method, args(argsJson));
        if (env.get("error").isNull()) {
            throw new AssertionError(method + " " + argsJson + " unexpectedly succeeded: " + env.get("result"));
        }
        assertEquals(NullNode.instance, env.get("result"));
        return env.get("error").asText();
    }
}
