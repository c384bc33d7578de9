package cairn.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.auth.Authenticator;
import cairn.auth.Authenticator.Result;

/**
 * {@code /_admin/metrics}: the Git metrics as Prometheus text, for super-admins (HTTP Basic or Bearer API key) and for
 * the addresses listed in {@code [cairn] metrics_allow} (a scraper), nobody else.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient GitMetrics metrics;
    private final transient Authenticator authenticator;
    private final Set<String> allowed;
    private final transient java.util.function.Supplier<String> realm;

    public MetricsServlet(GitMetrics metrics, Authenticator authenticator, String allow, String realm) {
        this(metrics, authenticator, allow, () -> realm);
    }

    /** {@code realm} is read at every challenge: an administrator may change it while Cairn runs. */
    public MetricsServlet(GitMetrics metrics, Authenticator authenticator, String allow,
            java.util.function.Supplier<String> realm) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.allowed = Arrays.stream(allow == null ? new String[0] : allow.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.realm = realm;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!allowed.contains(req.getRemoteAddr())) {
            Result who = authenticator.identify(req);
            if (!(who instanceof Result.Known known)) {
                resp.setHeader("WWW-Authenticate", "Basic realm=\"" + realm.get().replace("\"", "") + "\"");
                resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Authentication required");
                return;
            }
            if (!known.user().admin()) {
                resp.sendError(HttpServletResponse.SC_FORBIDDEN, "Metrics are for administrators");
                return;
            }
        }
        byte[] body = metrics.prometheus().getBytes(StandardCharsets.UTF_8);
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
