package cairn.web;

import cairn.auth.Perms;
import cairn.auth.User;

/**
 * Who is looking at a page: a user (the {@code default} user for anonymous visitors) and their permissions. Only a
 * visitor who came with an API key (never sent by a browser on its own) may post forms without the CSRF token.
 */
public record Visitor(User user, Perms perms, boolean anonymous, boolean viaApiKey, String csrfToken) {

    public String name() {
        return anonymous ? "" : user.username();
    }
}
