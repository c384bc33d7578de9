package cairn.web.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import cairn.auth.PermissionService;

/**
 * The global permissions a user or user group may be given on top of the defaults: create top-level repositories,
 * fork, create user groups. "" in the form means "nothing of its own" (the defaults apply).
 */
final class GlobalPerms {
    /** Form field → permission kind and its values. */
    record Choice(String kind, List<String> values) {
    }

    static final Map<String, Choice> CHOICES = new LinkedHashMap<>();

    static {
        CHOICES.put("create_repo", new Choice("hg.create", List.of("hg.create.none", "hg.create.repository")));
        CHOICES.put("fork", new Choice("hg.fork", List.of("hg.fork.none", "hg.fork.repository")));
        CHOICES.put("create_user_group", new Choice("hg.usergroup.create",
                List.of("hg.usergroup.create.false", "hg.usergroup.create.true")));
    }

    private GlobalPerms() {
    }

    /** The form's values from the grantee's own permission names. */
    static Map<String, String> current(List<String> own) {
        Map<String, String> f = new LinkedHashMap<>();
        for (Map.Entry<String, Choice> c : CHOICES.entrySet()) {
            f.put(c.getKey(), own.stream().filter(c.getValue().values()::contains).findFirst().orElse(""));
        }
        return f;
    }

    /** The model pieces the template's globals form needs. */
    static void model(Map<String, Object> m, List<String> own) {
        m.put("globals", current(own));
        Map<String, List<String>> options = new LinkedHashMap<>();
        CHOICES.forEach((k, c) -> options.put(k, c.values()));
        m.put("globalChoices", options);
    }

    /** Applies the posted form; false (and nothing changed) when a value is not one offered. */
    static boolean save(HttpServletRequest req, PermissionService permissions, boolean userGroup, long granteeId) {
        Map<String, String> posted = new LinkedHashMap<>();
        for (Map.Entry<String, Choice> c : CHOICES.entrySet()) {
            String v = AdminPages.param(req, c.getKey());
            if (!v.isEmpty() && !c.getValue().values().contains(v)) {
                return false;
            }
            posted.put(c.getKey(), v);
        }
        for (Map.Entry<String, String> p : posted.entrySet()) {
            permissions.setOwnGlobal(userGroup, granteeId, CHOICES.get(p.getKey()).kind(),
                    p.getValue().isEmpty() ? null : p.getValue());
        }
        return true;
    }
}
