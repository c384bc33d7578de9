package cairn.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cairn.auth.User;

/** The JSON objects Kallithea's API returns, key for key, for the shapes several method groups share. */
public final class Shapes {
    private Shapes() {
    }

    /** user: user_id, username, firstname, lastname, email, emails (primary first), active, admin. */
    public static Map<String, Object> user(User u, List<String> extraEmails) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", u.id());
        m.put("username", u.username());
        m.put("firstname", u.firstname() == null ? "" : u.firstname());
        m.put("lastname", u.lastname() == null ? "" : u.lastname());
        m.put("email", u.email());
        List<String> emails = new ArrayList<>();
        if (u.email() != null) {
            emails.add(u.email());
        }
        emails.addAll(extraEmails);
        m.put("emails", emails);
        m.put("active", u.active());
        m.put("admin", u.admin());
        return m;
    }
}
