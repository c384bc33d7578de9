package cairn.vcs;

import java.util.regex.Pattern;

/**
 * The rule for repository and group names: slash-separated segments of letters, digits, '.', '_' and '-', none empty,
 * none starting with '.', '_' or '-' (/_<id> is the permanent URL form) or "rm__" (folders moved aside), none
 * ending with ".git" (URLs may add it) or ".lock", nothing that could leave the root.
 */
public final class RepoNames {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_LENGTH = 255;

    private RepoNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.endsWith(".lock") || segment.endsWith(".git")
                    || segment.startsWith("rm__")) {
                return false;
            }
        }
        return true;
    }

    /** A name as a URL may spell it: without a trailing slash or {@code .git}. */
    public static String fromUrl(String name) {
        String n = name;
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.endsWith(".git") ? n.substring(0, n.length() - 4) : n;
    }

    public static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }
}
