package cairn.launcher;

import java.nio.file.Path;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanFilter;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Embedded Tomcat serving the WAR at the root context. Loaded by {@link Main} in a loader that holds Tomcat. */
public final class TomcatBoot {
    private TomcatBoot() {
    }

    /** Starts Tomcat and blocks while it runs; returns false if the webapp failed to start. */
    public static boolean run(Path war, Path work, String host, int port, int ajpPort, String ajpSecret,
            int maxThreads) throws Exception {
        Tomcat tomcat = new Tomcat();
        java.nio.file.Files.createDirectories(work.resolve("tomcat/webapps"));
        tomcat.setBaseDir(work.resolve("tomcat").toString());
        // Without this the webapp loader's parent is the system loader, which holds only the WAR root.
        tomcat.getServer().setParentClassLoader(TomcatBoot.class.getClassLoader());

        Connector http = new Connector("HTTP/1.1");
        http.setPort(port);
        http.setProperty("address", host);
        configureThreads(http, maxThreads);
        tomcat.getService().addConnector(http);
        tomcat.setConnector(http);
        if (ajpPort >= 0) {
            Connector ajp = new Connector("AJP/1.3");
            ajp.setPort(ajpPort);
            ajp.setProperty("address", host);
            if (ajpSecret == null || ajpSecret.isEmpty()) {
                ajp.setProperty("secretRequired", "false");
            } else {
                ajp.setProperty("secret", ajpSecret);
            }
            configureThreads(ajp, maxThreads);
            tomcat.getService().addConnector(ajp);
        }

        tomcat.getHost().setAutoDeploy(false);
        Context ctx = tomcat.addWebapp("", war.toFile().getAbsolutePath());
        StandardJarScanner scanner = new StandardJarScanner();
        StandardJarScanFilter filter = new StandardJarScanFilter();
        filter.setDefaultPluggabilityScan(false);
        filter.setDefaultTldScan(false);
        scanner.setJarScanFilter(filter);
        scanner.setScanManifest(false);
        ctx.setJarScanner(scanner);
        ctx.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                dropJsp(ctx);
            }
        });
        tomcat.start();
        if (ctx.getState() != LifecycleState.STARTED) {
            tomcat.stop();
            tomcat.destroy();
            return false;
        }
        System.out.println("Cairn is running at http://" + host + ":" + http.getLocalPort() + "/"
                + (ajpPort >= 0 ? " (AJP on port " + ajpPort + ")" : ""));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception ignored) {
                // the JVM is going away
            }
        }));
        tomcat.getServer().await();
        return true;
    }

    private static void configureThreads(Connector c, int maxThreads) {
        if (Runtime.version().feature() >= 21) {
            c.setProperty("useVirtualThreads", "true");
        } else {
            c.setProperty("maxThreads", Integer.toString(maxThreads));
        }
    }

    /** Embedded Tomcat registers Jasper's JSP servlet by default; Cairn has no JSPs and ships no Jasper. */
    private static void dropJsp(Context ctx) {
        Container jsp = ctx.findChild("jsp");
        if (jsp instanceof Wrapper) {
            ctx.removeChild(jsp);
        }
        ctx.removeServletMapping("*.jsp");
        ctx.removeServletMapping("*.jspx");
    }

}
