package cairn.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;

/**
 * Kallithea's JSON-RPC endpoint, {@code /_admin/api}: always HTTP 200 with {@code {"id", "result", "error"}}, checks in
 * Kallithea's order with its exact error strings, any Content-Type.
 */
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ApiServlet.class.getName());
    /** Larger bodies are refused unread: nothing legitimate (even a big gist) comes near it. */
    static final long MAX_BODY = 16L * 1024 * 1024;
    private static final List<String> KEYS = List.of("api_key", "id", "method", "args");

    private final transient ApiRegistry registry;
    private final transient UserService users;
    private final transient PermissionService permissions;

    public ApiServlet(ApiRegistry registry, UserService users, PermissionService permissions) {
        this.registry = registry;
        this.users = users;
        this.permissions = permissions;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode id = NullNode.instance;
        Object result = null;
        String error;
        try {
            Reply reply = handle(req);
            id = reply.id;
            result = reply.result;
            error = null;
        } catch (Refusal r) {
            id = r.id;
            error = r.getMessage();
        }
        write(resp, id, result, error);
    }

    private record Reply(JsonNode id, Object result) {
    }

    /** An error answer, with the id as far as it was known. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient JsonNode id;

        Refusal(JsonNode id, String message) {
            super(message, null, false, false);
            this.id = id;
        }
    }

    private Reply handle(HttpServletRequest req) throws IOException, Refusal {
        long length = req.getContentLengthLong();
        if (length < 0) {
            throw new Refusal(NullNode.instance, "No Content-Length in request");
        }
        if (length == 0) {
            throw new Refusal(NullNode.instance, "Content-Length is 0");
        }
        if (length > MAX_BODY) {
            throw new Refusal(NullNode.instance, "Content-Length " + length + " exceeds the limit of " + MAX_BODY
                    + " bytes");
        }
        byte[] body = req.getInputStream().readNBytes((int) length);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refusal(NullNode.instance, "JSON parse error ERR:" + e.getOriginalMessage() + " RAW:"
                    + pythonRepr(body));
        }
        JsonNode id = NullNode.instance;
        for (String key : KEYS) {
            if (root == null || !root.isObject() || !root.has(key)) {
                throw new Refusal(id, "Incorrect JSON query missing '" + key + "'");
            }
            if (key.equals("id")) {
                id = root.get("id");
            }
        }
        User user = users.byApiKey(root.get("api_key").asText("")).orElse(null);
        if (user == null || !root.get("api_key").isTextual()) {
            throw new Refusal(id, "Invalid API key");
        }
        String name = root.get("method").asText("");
        if (name.startsWith("_")) {
            throw new Refusal(id, "Method not allowed");
        }
        Optional<ApiMethod> found = registry.find(name);
        if (found.isEmpty()) {
            throw new Refusal(id, "No such method: " + name);
        }
        ApiMethod method = found.get();
        Args args = new Args(root.get("args"));
        checkArgs(id, method, args);
        if (method.adminOnly() && !user.admin()) {
            // Kallithea's admin-only decorator raises inside the dispatcher, which answers this generic line;
            // scripts written for Kallithea see the same.
            LOG.info("API " + name + " refused for " + user.username() + ": admin only");
            throw new Refusal(id, "Internal server error");
        }
        ApiCall call = new ApiCall(user, permissions.of(user, users.defaultUser()), args, req);
        try {
            return new Reply(id, method.body().call(call));
        } catch (ApiError e) {
            throw new Refusal(id, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "API " + name + " failed", e);
            throw new Refusal(id, "Internal server error");
        }
    }

    private static void checkArgs(JsonNode id, ApiMethod method, Args args) throws Refusal {
        List<Param> params = method.params();
        for (int i = params.size() - 1; i >= 0; i--) {
            Param p = params.get(i);
            if (p.required() && !args.has(p.name())) {
                throw new Refusal(id, "Missing non optional `" + p.name() + "` arg in JSON DATA");
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String given : args.names()) {
            if (params.stream().noneMatch(p -> p.name().equals(given))) {
                unknown.add("`" + given + "`");
            }
        }
        if (!unknown.isEmpty()) {
            throw new Refusal(id, "Unknown " + String.join(", ", unknown) + " arg in JSON DATA");
        }
    }

    private static void write(HttpServletResponse resp, JsonNode id, Object result, String error) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("result", result);
        envelope.put("error", error);
        byte[] out;
        try {
            out = Json.MAPPER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "API result not encodable", e);
            envelope.put("result", null);
            envelope.put("error", "Error encoding response");
            out = Json.MAPPER.writeValueAsBytes(envelope);
        }
        resp.setStatus(200);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setContentLength(out.length);
        try (OutputStream os = resp.getOutputStream()) {
            os.write(out);
        }
    }

    /** Python's repr() of a bytes value, as Kallithea shows the raw body: b'…'. */
    static String pythonRepr(byte[] body) {
        StringBuilder sb = new StringBuilder("b'");
        int shown = (int) Math.min(body.length, 1000);
        for (int i = 0; i < shown; i++) {
            int b = body[i] & 0xff;
            switch (b) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        sb.append((char) b);
                    } else {
                        sb.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        return sb.append(body.length > shown ? "…'" : "'").toString();
    }

}
