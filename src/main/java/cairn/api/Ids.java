package cairn.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Kallithea's rule for object ids in arguments: an integer, or a string of digits, is a primary key; anything else is
 * a name (a full path for repositories and groups).
 */
public final class Ids {
    private Ids() {
    }

    /** The primary key the argument names, or null when it is a name. */
    public static Long key(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        String s = v.asText();
        if (!s.isEmpty() && s.length() <= 18 && s.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(s);
        }
        return null;
    }

    /** The argument as the caller wrote it, for messages such as {@code repository `x` does not exist}. */
    public static String text(JsonNode v) {
        return v == null || v.isNull() ? "None" : v.isValueNode() ? v.asText() : v.toString();
    }
}
