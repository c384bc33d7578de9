package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.User;
import cairn.auth.UserService.NewUser;
import cairn.auth.UserService.Reason;
import cairn.auth.UserService.Refused;
import cairn.auth.UserService.UserChanges;

/** get_user, get_users, create_user, update_user, delete_user. */
public final class UserMethods {
    private final Services services;

    public UserMethods(Services services) {
        this.services = services;
    }

    public void register(ApiRegistry r) {
        r.add("get_user", this::getUser, optional("userid"));
        r.admin("get_users", call -> getUsers());
        r.admin("create_user", this::createUser, required("username"), required("email"), optional("password"),
                optional("firstname"), optional("lastname"), optional("active"), optional("admin"),
                optional("extern_type"), optional("extern_name"));
        r.admin("update_user", this::updateUser, required("userid"), optional("username"), optional("email"),
                optional("password"), optional("firstname"), optional("lastname"), optional("active"),
                optional("admin"), optional("extern_type"), optional("extern_name"));
        r.admin("delete_user", this::deleteUser, required("userid"));
    }

    /** The user an id argument names (a key, or a username), or Kallithea's ``user `x` does not exist``. */
    public static User userOrError(Services services, JsonNode raw) throws ApiError {
        Long key = Ids.key(raw);
        String text = Ids.text(raw);
        return (key != null ? services.users.byId(key) : services.users.byUsername(text))
                .orElseThrow(() -> new ApiError("user `" + text + "` does not exist"));
    }

    /** The user shape, with the user's extra e-mail addresses. */
    public static Map<String, Object> shape(Services services, User u) {
        return Shapes.user(u, services.users.extraEmails(u));
    }

    private Object getUser(ApiCall call) throws ApiError {
        boolean given = call.args().given("userid");
        JsonNode raw = call.args().raw("userid");
        // Kallithea compares the argument itself with the caller's numeric id: only that number (or nothing) passes
        if (!call.isAdmin() && given && !(raw.isIntegralNumber() && raw.longValue() == call.user().id())) {
            throw new ApiError("userid is not the same as your user");
        }
        User user = given ? userOrError(services, raw) : services.users.byId(call.user().id()).orElseThrow();
        Map<String, Object> m = shape(services, user);
        m.put("permissions", services.permissions.summary(user, services.users.defaultUser(), call.isAdmin()));
        return m;
    }

    private Object getUsers() {
        Map<Long, List<String>> extra = services.users.extraEmails();
        List<Map<String, Object>> out = new ArrayList<>();
        for (User u : services.users.allButDefault()) {
            out.add(Shapes.user(u, extra.getOrDefault(u.id(), List.of())));
        }
        return out;
    }

    private Object createUser(ApiCall call) throws ApiError {
        Args a = call.args();
        String username = a.string("username");
        String failed = "failed to create user `" + Ids.text(a.raw("username")) + "`";
        NewUser n;
        try {
            n = new NewUser(username, a.string("email"), a.string("password"), a.string("firstname", ""),
                    a.string("lastname", ""), a.bool("active", true), a.bool("admin", false),
                    a.string("extern_type", "internal"), a.string("extern_name", ""));
        } catch (ApiError e) {
            throw new ApiError(failed);
        }
        try {
            User created = services.users.create(n);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "created new user `" + created.username() + "`");
            m.put("user", shape(services, created));
            return m;
        } catch (Refused e) {
            if (e.reason == Reason.NAME_TAKEN) {
                throw new ApiError("user `" + username + "` already exist");
            }
            if (e.reason == Reason.EMAIL_TAKEN) {
                throw new ApiError("email `" + Ids.text(a.raw("email")) + "` already exist");
            }
            throw new ApiError(failed);
        }
    }

    private Object updateUser(ApiCall call) throws ApiError {
        Args a = call.args();
        User user = userOrError(services, a.raw("userid"));
        String failed = "failed to update user `" + Ids.text(a.raw("userid")) + "`";
        UserChanges c;
        try {
            c = new UserChanges(a.string("username"), a.string("email"), a.string("password"),
                    a.string("firstname"), a.string("lastname"), a.given("active") ? a.bool("active", true) : null,
                    a.given("admin") ? a.bool("admin", false) : null, a.string("extern_type"),
                    a.string("extern_name"));
        } catch (ApiError e) {
            throw new ApiError(user.isDefault() ? "editing default user is forbidden" : failed);
        }
        try {
            User updated = services.users.update(user, c);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "updated user ID:" + updated.id() + " " + updated.username());
            m.put("user", shape(services, updated));
            return m;
        } catch (Refused e) {
            throw new ApiError(e.reason == Reason.DEFAULT_USER ? "editing default user is forbidden" : failed);
        }
    }

    private Object deleteUser(ApiCall call) throws ApiError {
        User user = userOrError(services, call.args().raw("userid"));
        try {
            services.users.delete(user);
        } catch (Refused e) {
            throw new ApiError("failed to delete user ID:" + user.id() + " " + user.username());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "deleted user ID:" + user.id() + " " + user.username());
        m.put("user", null);
        return m;
    }
}
