package cairn.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Kallithea's permission computation as pure functions, so that the API, the UI and the Git endpoint share one rule
 * and it can be tested table by table.
 */
public final class PermissionRules {
    private PermissionRules() {
    }

    /**
     * The effective level: super-admins get admin; otherwise the {@code default} user's level is the floor (none on a
     * private object), owners get admin, and user-group and explicit user grants raise it; the highest weight wins.
     */
    public static Level effective(boolean superAdmin, ObjectFacts f) {
        if (superAdmin) {
            return Level.ADMIN;
        }
        Level level = f.isPrivate() || f.defaultLevel() == null ? Level.NONE : f.defaultLevel();
        if (f.isOwner()) {
            return Level.ADMIN;
        }
        for (Level g : f.groupLevels()) {
            level = Level.max(level, g);
        }
        return Level.max(level, f.userLevel());
    }

    private static final Map<String, Integer> GLOBAL_WEIGHTS = Map.ofEntries(
            Map.entry("none", 0), Map.entry("read", 1), Map.entry("write", 3), Map.entry("admin", 4),
            Map.entry("false", 0), Map.entry("true", 1), Map.entry("repository", 1),
            Map.entry("manual_activate", 1), Map.entry("auto_activate", 2), Map.entry("manual", 0),
            Map.entry("auto", 1));

    /**
     * Global permissions: the union of the {@code default} user's, the user's active groups' and the user's own, keeping
     * per kind (the name up to its last dot) the highest weight. A super-admin also gets {@code hg.admin}.
     */
    public static Set<String> global(boolean superAdmin, Collection<String> defaults, Collection<String> fromGroups,
            Collection<String> own) {
        Map<String, String> byKind = new HashMap<>();
        for (Collection<String> source : java.util.List.of(defaults, fromGroups, own)) {
            for (String perm : source) {
                if (perm.equals("hg.admin")) {
                    byKind.put(perm, perm);
                    continue;
                }
                int dot = perm.lastIndexOf('.');
                String kind = perm.substring(0, dot);
                String current = byKind.get(kind);
                if (current == null || weight(perm) > weight(current)) {
                    byKind.put(kind, perm);
                }
            }
        }
        if (superAdmin) {
            byKind.put("hg.admin", "hg.admin");
        }
        return Set.copyOf(byKind.values());
    }

    private static int weight(String perm) {
        return GLOBAL_WEIGHTS.getOrDefault(perm.substring(perm.lastIndexOf('.') + 1), 0);
    }
}
