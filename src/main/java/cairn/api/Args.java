package cairn.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A call's arguments. As in Kallithea 0.7 an explicit JSON {@code null} means "not given", so {@link #given} is the one
 * test every optional argument goes through.
 */
public final class Args {
    private final ObjectNode node;

    Args(JsonNode node) {
        this.node = node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    public boolean given(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    public JsonNode raw(String name) {
        return node.get(name);
    }

    /** The argument as text (numbers and booleans as their JSON text), or {@code fallback} when not given. */
    public String string(String name, String fallback) {
        return given(name) ? text(node.get(name)) : fallback;
    }

    public String string(String name) {
        return string(name, null);
    }

    /** Booleans as JSON booleans, or the strings/numbers scripts send ("true", 1, …). */
    public boolean bool(String name, boolean fallback) throws ApiError {
        if (!given(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String s = text(v).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw new ApiError("Invalid boolean value for `" + name + "`: " + s);
        };
    }

    public Long integer(String name, Long fallback) throws ApiError {
        if (!given(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        try {
            return Long.parseLong(text(v).trim());
        } catch (NumberFormatException e) {
            throw new ApiError("Invalid integer value for `" + name + "`: " + text(v));
        }
    }

    /** Names the caller sent, in order (null-valued ones included). */
    List<String> names() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    boolean has(String name) {
        return node.has(name);
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
