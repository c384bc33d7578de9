package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import jakarta.servlet.http.HttpServletRequest;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.User;
import cairn.gist.Gist;
import cairn.gist.GistService;
import cairn.gist.GistService.GistException;

/** get_gist, get_gists, create_gist, delete_gist. The rules live in {@link GistService}. */
public final class GistMethods {
    private static final Logger LOG = Logger.getLogger(GistMethods.class.getName());

    private final Services services;
    private final GistService gists;

    public GistMethods(Services services) {
        this.services = services;
        this.gists = services.gists;
    }

    public void register(ApiRegistry r) {
        r.add("get_gist", this::getGist, required("gistid"));
        r.add("get_gists", this::getGists, optional("userid"));
        r.add("create_gist", this::create, required("files"), optional("owner"), optional("gist_type"),
                optional("lifetime"), optional("description"));
        r.add("delete_gist", this::delete, required("gistid"));
    }

    /** gist: gist_id, type, access_id, description, url, expires (epoch seconds as a float, -1.0), created_on. */
    static Map<String, Object> shape(Gist g, HttpServletRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gist_id", g.id());
        m.put("type", g.type());
        m.put("access_id", g.accessId());
        m.put("description", g.description());
        m.put("url", GistService.url(base(req), g));
        m.put("expires", seconds(g.expires()));
        m.put("created_on", g.createdOn());
        return m;
    }

    /** Epoch seconds as Python prints a float: 1763906282.123 or -1.0, never in exponent form. */
    static java.math.BigDecimal seconds(double value) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(value);
        return d.scale() < 1 ? d.setScale(1) : d;
    }

    /** scheme://host:port/context, as the request reached Cairn. */
    static String base(HttpServletRequest req) {
        String host = req.getServerName();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return req.getScheme() + "://" + host + ":" + req.getServerPort() + req.getContextPath();
    }

    private Object getGist(ApiCall call) throws ApiError {
        Gist g = visibleGist(call);
        return shape(g, call.request());
    }

    private Object getGists(ApiCall call) throws ApiError {
        Args a = call.args();
        User owner = call.user();
        if (a.given("userid")) {
            JsonNode id = a.raw("userid");
            // as Kallithea: only the caller's own numeric id passes for a non-admin (not its name, not "12")
            if (!call.isAdmin() && !(id.isIntegralNumber() && id.longValue() == call.user().id())) {
                throw new ApiError("userid is not the same as your user");
            }
            Long key = Ids.key(id);
            owner = (key != null ? services.users.byId(key) : services.users.byUsername(Ids.text(id)))
                    .orElseThrow(() -> new ApiError("user `" + Ids.text(id) + "` does not exist"));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Gist g : gists.unexpiredOf(owner)) {
            out.add(shape(g, call.request()));
        }
        return out;
    }

    private Object create(ApiCall call) throws ApiError {
        Args a = call.args();
        User owner = call.user();
        if (a.given("owner")) {
            JsonNode id = a.raw("owner");
            Long key = Ids.key(id);
            User named = (key != null ? services.users.byId(key) : services.users.byUsername(Ids.text(id)))
                    .orElse(null);
            if (named == null) {
                LOG.info("create_gist: no user " + Ids.text(id));
                throw new ApiError("failed to create gist");
            }
            if (named.id() != call.user().id() && !call.isAdmin()) {
                throw new ApiError("Only Kallithea admin can specify `owner` param");
            }
            owner = named;
        }
        Map<String, String> files = files(a.raw("files"));
        if (files == null) {
            throw new ApiError("failed to create gist");
        }
        long lifetime;
        try {
            lifetime = a.integer("lifetime", -1L);
        } catch (ApiError e) {
            lifetime = -1; // Kallithea's safe_int: anything not a number means forever
        }
        try {
            Gist g = gists.create(owner, files, a.string("gist_type", Gist.PUBLIC), lifetime,
                    a.string("description", ""));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("msg", "created new gist");
            m.put("gist", shape(g, call.request()));
            return m;
        } catch (GistException e) {
            LOG.info("create_gist: " + e.getMessage());
            throw new ApiError("failed to create gist");
        }
    }

    /** {"name": {"content": "…", "lexer": …}, …} as name → content, or null when it has another form. */
    private static Map<String, String> files(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode content = e.getValue() == null ? null : e.getValue().get("content");
            if (content == null || !content.isTextual()) {
                return null;
            }
            out.put(e.getKey(), content.textValue());
        }
        return out;
    }

    private Object delete(ApiCall call) throws ApiError {
        Gist g = visibleGist(call);
        try {
            gists.delete(g);
        } catch (GistException e) {
            LOG.warning("delete_gist: " + e.getMessage());
            throw new ApiError("failed to delete gist ID:" + g.accessId());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg", "deleted gist ID:" + g.accessId());
        m.put("gist", null);
        return m;
    }

    /** The gist named by {@code gistid} (numeric id or access id), if the caller is an admin or its owner. */
    private Gist visibleGist(ApiCall call) throws ApiError {
        JsonNode id = call.args().raw("gistid");
        Long key = Ids.key(id);
        Gist g = (key != null ? gists.byId(key) : gists.byAccessId(Ids.text(id))).orElse(null);
        if (g == null || (!call.isAdmin() && g.ownerId() != call.user().id())) {
            throw new ApiError("gist `" + Ids.text(id) + "` does not exist");
        }
        return g;
    }
}
