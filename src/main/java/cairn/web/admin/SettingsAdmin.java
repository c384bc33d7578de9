package cairn.web.admin;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import cairn.config.Settings;
import cairn.config.SiteSettings;
import cairn.config.SiteSettings.Field;
import cairn.vcs.RepoService;
import cairn.web.Visitor;

/**
 * {@code /_admin/settings}: title, realm and clone URL template (saved values win over the ini; each can go back to
 * the ini's), "remap and rescan" ({@code /mapping}, the API's {@code rescan_repos}), and {@code /system}, a read-only
 * page about the software and machine Cairn runs on.
 */
final class SettingsAdmin {
    private final AdminPages pages;
    private final SiteSettings site;

    SettingsAdmin(AdminPages pages) {
        this.pages = pages;
        this.site = pages.services.site;
    }

    boolean serve(HttpServletRequest req, HttpServletResponse resp, Visitor v, List<String> tail, boolean post)
            throws IOException {
        String tab = tail.isEmpty() ? "" : tail.get(0);
        if (tail.size() > 1) {
            return false;
        }
        switch (tab) {
            case "" -> {
                if (post) {
                    save(req, resp, v);
                } else {
                    show(req, resp, v, current(), Map.of(), null);
                }
            }
            case "mapping" -> {
                if (!post) {
                    AdminPages.redirect(req, resp, "/_admin/settings");
                    return true;
                }
                boolean removeObsolete = AdminPages.checked(req, "remove_obsolete");
                RepoService.Rescan outcome = pages.services.repos.rescan(v.user(), removeObsolete);
                show(req, resp, v, current(), Map.of(), outcome);
            }
            case "system" -> {
                if (post) {
                    return false;
                }
                system(req, resp, v);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private Map<String, String> current() {
        Map<String, String> form = new LinkedHashMap<>();
        for (Field f : Field.values()) {
            form.put(f.dbName, site.effective(f));
        }
        return form;
    }

    private void show(HttpServletRequest req, HttpServletResponse resp, Visitor v, Map<String, String> form,
            Map<String, String> errors, RepoService.Rescan rescan) throws IOException {
        Map<String, Object> m = pages.model(req, v, "Settings", "settings");
        m.put("form", form);
        Map<String, String> defaults = new LinkedHashMap<>();
        Map<String, Boolean> overridden = new LinkedHashMap<>();
        for (Field f : Field.values()) {
            defaults.put(f.dbName, site.iniDefault(f));
            overridden.put(f.dbName, site.overridden(f));
        }
        m.put("defaults", defaults);
        m.put("overridden", overridden);
        m.put("placeholders", SiteSettings.PLACEHOLDERS);
        m.put("rescanned", rescan != null);
        m.put("added", rescan == null ? List.of() : rescan.added());
        m.put("removed", rescan == null ? List.of() : rescan.removed());
        AdminPages.errors(m).putAll(errors);
        pages.render(resp, "settings.ftlh", m);
    }

    private void save(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        String reset = AdminPages.param(req, "reset");
        if (!reset.isEmpty()) {
            Field f = Field.of(reset);
            if (f == null) {
                show(req, resp, v, current(), Map.of("", "No such setting: " + reset), null);
                return;
            }
            site.reset(f);
            pages.done(req, resp, "/_admin/settings", "The " + label(f) + " is the ini's again");
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        Map<Field, String> values = new LinkedHashMap<>();
        for (Field f : Field.values()) {
            String value = AdminPages.param(req, f.dbName);
            form.put(f.dbName, value);
            values.put(f, value);
        }
        Map<Field, String> problems = site.save(values);
        if (!problems.isEmpty()) {
            Map<String, String> errors = new LinkedHashMap<>();
            problems.forEach((f, p) -> errors.put(f.dbName, p));
            show(req, resp, v, form, errors, null);
            return;
        }
        pages.done(req, resp, "/_admin/settings", "Saved the settings");
    }

    private static String label(Field f) {
        return switch (f) {
            case TITLE -> "title";
            case REALM -> "realm";
            case CLONE_URI_TMPL -> "clone URL template";
        };
    }

    /** One line of the system page: a stable id (for scripts and tests), a label and the value. */
    public record Row(String id, String label, String value) {
    }

    private void system(HttpServletRequest req, HttpServletResponse resp, Visitor v) throws IOException {
        Settings settings = pages.services.settings;
        List<Row> rows = new ArrayList<>();
        String cairn = cairn.Services.class.getPackage().getImplementationVersion();
        if (cairn == null) {
            cairn = pomVersion(req.getServletContext().getResourceAsStream(
                    "/META-INF/maven/org.cairn/cairn/pom.properties"));
        }
        rows.add(new Row("cairn", "Cairn", cairn == null ? "development" : cairn));
        rows.add(new Row("java", "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                + ")"));
        rows.add(new Row("vm", "Java VM", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version")));
        String jgit = org.eclipse.jgit.lib.Repository.class.getPackage().getImplementationVersion();
        if (jgit == null) {
            // a web application's class loader may not define packages from the jars' manifests
            jgit = pomVersion(org.eclipse.jgit.lib.Repository.class.getResourceAsStream(
                    "/META-INF/maven/org.eclipse.jgit/org.eclipse.jgit/pom.properties"));
        }
        rows.add(new Row("jgit", "JGit", jgit == null ? "unknown" : jgit));
        rows.add(new Row("container", "Servlet container", req.getServletContext().getServerInfo() + " (Servlet "
                + req.getServletContext().getMajorVersion() + "." + req.getServletContext().getMinorVersion() + ")"));
        Map<String, String> db = pages.services.databaseInfo();
        rows.add(new Row("database", "Database", db.getOrDefault("product", "")));
        rows.add(new Row("jdbc-driver", "JDBC driver", db.getOrDefault("driver", "")));
        rows.add(new Row("jdbc-url", "JDBC URL", db.getOrDefault("url", "")));
        rows.add(new Row("ini", "Configuration file",
                settings.file() == null ? "(none: built-in defaults)" : settings.file().toString()));
        rows.add(new Row("data", "Data folder", settings.dataDir().toString()));
        rows.add(new Row("repos", "Repository root", settings.reposDir().toString()));
        rows.add(new Row("os", "Operating system", System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + "), "
                + Runtime.getRuntime().availableProcessors() + " processors"));
        Runtime rt = Runtime.getRuntime();
        rows.add(new Row("heap", "Heap used / max", mib(rt.totalMemory() - rt.freeMemory()) + " / "
                + (rt.maxMemory() == Long.MAX_VALUE ? "no limit" : mib(rt.maxMemory()))));
        rows.add(new Row("uptime", "JVM uptime",
                duration(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()))));
        rows.add(new Row("repo-count", "Repositories", Integer.toString(pages.services.repos.all().size())));
        rows.add(new Row("user-count", "Users", Integer.toString(pages.services.users.allButDefault().size())));
        Map<String, Object> m = pages.model(req, v, "System", "settings");
        m.put("rows", rows);
        pages.render(resp, "system.ftlh", m);
    }

    /** The version a Maven pom.properties names, or null. */
    static String pomVersion(java.io.InputStream in) {
        if (in == null) {
            return null;
        }
        try (in) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    static String duration(Duration d) {
        long days = d.toDays();
        return (days > 0 ? days + " d " : "") + "%d h %02d min %02d s".formatted(d.toHoursPart(), d.toMinutesPart(),
                d.toSecondsPart());
    }
}
