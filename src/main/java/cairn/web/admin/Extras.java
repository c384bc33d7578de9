package cairn.web.admin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.User;
import cairn.auth.UserService;
import cairn.auth.UserService.Refused;
import cairn.db.UserDao.ExtraApiKey;

/**
 * A user's extra e-mail addresses and extra API keys, on the admin's user page and on My account: {@code emails}
 * (POST adds), {@code emails/delete}, {@code api_keys} (POST adds), {@code api_keys/delete}.
 */
final class Extras {
    /** Lifetimes offered for a new API key; "" = until removed. */
    static final Map<String, String> LIFETIMES = new LinkedHashMap<>();

    static {
        LIFETIMES.put("", "until removed");
        LIFETIMES.put("1", "1 day");
        LIFETIMES.put("7", "1 week");
        LIFETIMES.put("30", "1 month");
        LIFETIMES.put("365", "1 year");
    }

    /** What happened: a message for the next page, or the field and refusal to show on this one. */
    record Outcome(String flash, String field, String error) {
    }

    private Extras() {
    }

    /** Whether {@code tail} names one of the extras' actions. */
    static boolean handles(List<String> tail) {
        return !tail.isEmpty() && (tail.get(0).equals("emails") || tail.get(0).equals("api_keys"))
                && (tail.size() == 1 || tail.size() == 2 && tail.get(1).equals("delete"));
    }

    static Outcome apply(HttpServletRequest req, UserService users, User user, List<String> tail) {
        boolean delete = tail.size() == 2;
        if (tail.get(0).equals("emails")) {
            String email = AdminPages.param(req, delete ? "email" : "extra_email");
            if (delete) {
                return users.removeExtraEmail(user, email) ? new Outcome("Removed " + email, null, null)
                        : new Outcome("No such address", null, null);
            }
            try {
                users.addExtraEmail(user, email);
                return new Outcome("Added " + email.toLowerCase(java.util.Locale.ROOT), null, null);
            } catch (Refused e) {
                return new Outcome(null, "extra_email", e.reason == UserService.Reason.EMAIL_TAKEN
                        ? "This e-mail address is already used" : "Not an e-mail address");
            }
        }
        if (delete) {
            return users.removeApiKey(user, AdminPages.param(req, "api_key"))
                    ? new Outcome("Removed the API key", null, null) : new Outcome("No such API key", null, null);
        }
        String lifetime = AdminPages.param(req, "lifetime");
        if (!LIFETIMES.containsKey(lifetime)) {
            return new Outcome(null, "lifetime", "Choose one of the lifetimes offered");
        }
        users.addApiKey(user, AdminPages.param(req, "description"),
                lifetime.isEmpty() ? null : Duration.ofDays(Long.parseLong(lifetime)));
        return new Outcome("Made a new API key", null, null);
    }

    /** The model pieces the extras template needs. */
    static void model(Map<String, Object> m, UserService users, User user) {
        m.put("extraEmails", users.extraEmails(user));
        List<Map<String, Object>> keys = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        for (ExtraApiKey k : users.extraApiKeys(user)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("key", k.apiKey());
            r.put("description", k.description() == null ? "" : k.description());
            r.put("expires", k.expires() < 0 ? "never"
                    : cairn.api.Json.time(Instant.ofEpochSecond(k.expires())).replace('T', ' '));
            r.put("expired", k.expires() >= 0 && k.expires() <= now);
            keys.add(r);
        }
        m.put("extraApiKeys", keys);
        m.put("lifetimes", LIFETIMES);
    }

    /** Applies the action and answers: a redirect to {@code back} with a message, or false to re-show with an error. */
    static Outcome handle(HttpServletRequest req, HttpServletResponse resp, AdminPages pages, User user,
            List<String> tail, String back) throws IOException {
        Outcome o = apply(req, pages.services.users, user, tail);
        if (o.flash() != null) {
            pages.done(req, resp, back, o.flash());
        }
        return o;
    }
}
