package cairn;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Logger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import cairn.api.Api;
import cairn.api.ApiServlet;
import cairn.config.ConfigException;
import cairn.config.ConfigLocator;
import cairn.config.Keys;
import cairn.config.Settings;
import cairn.metrics.MetricsServlet;
import cairn.vcs.VcsFilter;
import cairn.vcs.git.CairnGitServlet;
import cairn.vcs.git.GitProtocol;
import cairn.vcs.git.GitServing;
import cairn.web.CloneUrls;
import cairn.web.UiServlet;
import cairn.web.Views;
import cairn.web.WebAuth;

/** Start-up: reads the configuration, builds the services and mounts the surfaces over them. */
public final class Cairn implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(Cairn.class.getName());

    private Services services;
    private GitServing gitServing;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            start(event.getServletContext());
        } catch (ConfigException e) {
            // One clear line for the sysadmin; the container then marks the deployment failed.
            System.err.println("Cairn cannot start: " + e.getMessage());
            contextDestroyed(event);
            throw e;
        } catch (IOException | RuntimeException e) {
            System.err.println("Cairn cannot start: " + e);
            contextDestroyed(event);
            throw new IllegalStateException(e);
        }
    }

    private void start(ServletContext ctx) throws IOException {
        Settings settings = ConfigLocator.load(ctx::getInitParameter);
        LOG.info("configuration: " + (settings.file() == null ? "built-in defaults" : settings.file())
                + "; data in " + settings.dataDir() + "; repositories in " + settings.reposDir());
        services = Services.open(settings);
        services.setUp();
        gitServing = GitServing.start(settings);
        gitServing.metrics().registerJmx(ctx.getContextPath());
        gitServing.scan(services.repos);
        services.fileEdits.onRefsChanged(gitServing::refsChanged);

        ServletRegistration.Dynamic git = ctx.addServlet(GitProtocol.SERVLET_NAME,
                new CairnGitServlet(settings.bool(Keys.GIT_ALLOW_FILTER), settings.bool(Keys.GIT_FSCK),
                        gitServing));
        git.setLoadOnStartup(1);

        GitProtocol gitProtocol = new GitProtocol(ctx, gitServing);
        FilterRegistration.Dynamic vcs = ctx.addFilter("cairn-vcs", new VcsFilter(List.of(gitProtocol),
                settings.string(Keys.VCS_PREFIX), services.authenticator, services.users, services.permissions,
                services.repos, services.journal, services.site::realm));
        vcs.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        WebAuth webAuth = new WebAuth(services.authenticator, services.users, services.permissions);
        ServletRegistration.Dynamic ui = ctx.addServlet("cairn-ui", new UiServlet(new Views(ctx), webAuth,
                services.users, services.repos, services.journal, new CloneUrls(services.site::cloneUriTemplate),
                services.site::title, services.viewCaches).admin(services));
        ui.addMapping("/");
        ui.setLoadOnStartup(2);

        ctx.addServlet("cairn-metrics", new MetricsServlet(gitServing.metrics(), services.authenticator,
                settings.string(Keys.METRICS_ALLOW), services.site::realm)).addMapping("/_admin/metrics");

        ctx.addServlet("cairn-api", new ApiServlet(Api.registry(services), services.users, services.permissions))
                .addMapping("/_admin/api");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (gitServing != null) {
            gitServing.close();
            gitServing = null;
        }
        if (services != null) {
            services.close();
            services = null;
        }
        cairn.db.Database.deregisterDrivers();
    }
}
