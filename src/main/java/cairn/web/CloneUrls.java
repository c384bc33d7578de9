package cairn.web;

import jakarta.servlet.http.HttpServletRequest;

import cairn.auth.User;
import cairn.vcs.Repo;

/**
 * Clone URLs from Kallithea's template, e.g. {@code {scheme}://{user}@{netloc}/{repo}}. {@code {netloc}} is the host
 * with the context path (as Kallithea includes a proxy prefix); for anonymous visitors {@code {user}@} is dropped.
 */
public final class CloneUrls {
    private final java.util.function.Supplier<String> template;

    public CloneUrls(String template) {
        this(() -> template);
    }

    /** Reads the template at every use: an administrator may change it while Cairn runs. */
    public CloneUrls(java.util.function.Supplier<String> template) {
        this.template = template;
    }

    public String byName(HttpServletRequest req, User user, Repo repo) {
        return fill(req, user, repo.name(), repo.id());
    }

    public String byId(HttpServletRequest req, User user, Repo repo) {
        return fill(req, user, "_" + repo.id(), repo.id());
    }

    private String fill(HttpServletRequest req, User user, String repoPath, long id) {
        String host = req.getServerName();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        boolean defaultPort = (req.getScheme().equals("http") && req.getServerPort() == 80)
                || (req.getScheme().equals("https") && req.getServerPort() == 443);
        String netloc = host + (defaultPort ? "" : ":" + req.getServerPort()) + req.getContextPath();
        return cairn.config.SiteSettings.fill(template.get(), req.getScheme(),
                user == null || user.isDefault() ? null : user.username(), netloc, req.getContextPath(), repoPath, id);
    }
}
