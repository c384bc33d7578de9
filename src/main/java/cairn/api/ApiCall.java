package cairn.api;

import jakarta.servlet.http.HttpServletRequest;

import cairn.auth.Perms;
import cairn.auth.User;

/** One authenticated call: who makes it, their effective permissions, the arguments, and the HTTP request. */
public record ApiCall(User user, Perms perms, Args args, HttpServletRequest request) {

    public boolean isAdmin() {
        return user.admin();
    }
}
