package cairn.web;

import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

/** The model every page shares: site title, context path, the visitor, the CSRF token, the current path. */
final class Page {
    private Page() {
    }

    static Map<String, Object> model(HttpServletRequest req, Visitor v, String siteTitle, String pageTitle) {
        Map<String, Object> m = new HashMap<>();
        m.put("site", siteTitle);
        m.put("title", pageTitle);
        m.put("base", req.getContextPath());
        m.put("me", v.name());
        m.put("isAdmin", v.perms().isAdmin());
        m.put("csrf", v.csrfToken() == null ? "" : v.csrfToken());
        m.put("csrfField", WebAuth.CSRF_FIELD);
        String here = req.getRequestURI().substring(req.getContextPath().length());
        m.put("here", here.isEmpty() ? "/" : here);
        return m;
    }
}
