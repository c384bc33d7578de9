package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cairn.Services;

/** test, get_ip/show_ip, get_server_info, rescan_repos. */
public final class ServerMethods {
    private final Services services;

    public ServerMethods(Services services) {
        this.services = services;
    }

    public void register(ApiRegistry r) {
        r.admin("test", call -> call.args().raw("args"), required("args"));
        r.admin("get_ip", this::getIp, optional("userid"));
        r.admin("show_ip", this::getIp, optional("userid"));
        r.admin("get_server_info", call -> serverInfo());
        r.admin("rescan_repos", this::rescan, optional("remove_obsolete"));
    }

    private Object getIp(ApiCall call) throws ApiError {
        if (call.args().given("userid")) {
            Long key = Ids.key(call.args().raw("userid"));
            String name = Ids.text(call.args().raw("userid"));
            if ((key != null ? services.users.byId(key) : services.users.byUsername(name)).isEmpty()) {
                throw new ApiError("user `" + name + "` does not exist");
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_ip_addr", call.request().getLocalAddr());
        // per-user IP whitelists are not kept: every address is allowed
        m.put("user_ips", List.of());
        return m;
    }

    private Object serverInfo() {
        List<List<String>> modules = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {org.eclipse.jgit.lib.Repository.class,
                org.eclipse.jgit.http.server.GitServlet.class, com.fasterxml.jackson.databind.ObjectMapper.class,
                org.jdbi.v3.core.Jdbi.class, org.flywaydb.core.Flyway.class, org.h2.Driver.class,
                freemarker.template.Configuration.class, org.ehcache.Cache.class,
                com.zaxxer.hikari.HikariDataSource.class, at.favre.lib.crypto.bcrypt.BCrypt.class,
                org.apache.commons.configuration2.INIConfiguration.class}) {
            Package p = c.getPackage();
            String version = p.getImplementationVersion();
            String title = p.getImplementationTitle();
            modules.add(List.of(title != null ? title : p.getName(), version != null ? version : "unknown"));
        }
        modules.sort(Comparator.comparing(l -> l.get(0).toLowerCase(java.util.Locale.ROOT)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modules", modules);
        m.put("py_version", "Java " + Runtime.version());
        m.put("platform", System.getProperty("os.name") + "-" + System.getProperty("os.version") + "-"
                + System.getProperty("os.arch"));
        m.put("kallithea_version", cairnVersion());
        String jgit = org.eclipse.jgit.lib.Repository.class.getPackage().getImplementationVersion();
        m.put("git_version", "JGit " + (jgit != null ? jgit : "unknown"));
        m.put("git_path", "(in-process JGit)");
        return m;
    }

    static String cairnVersion() {
        String v = ServerMethods.class.getPackage().getImplementationVersion();
        return "Cairn " + (v != null ? v : "development");
    }

    private Object rescan(ApiCall call) throws ApiError {
        boolean removeObsolete = call.args().bool("remove_obsolete", false);
        try {
            var outcome = services.repos.rescan(call.user(), removeObsolete);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("added", outcome.added());
            m.put("removed", outcome.removed());
            return m;
        } catch (RuntimeException e) {
            throw new ApiError("Error occurred during rescan repositories action");
        }
    }
}
