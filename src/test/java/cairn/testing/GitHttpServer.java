package cairn.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A plain Git smart-HTTP server (JGit's GitServlet in its own embedded Tomcat on 127.0.0.1 and a free port) that
 * serves one bare repository at {@code /NAME.git}, and again at {@code /private/NAME.git} behind HTTP Basic with one
 * user. {@link #hold()} makes the next pack request wait until the returned latch is counted down, so a test can look
 * at an import while it is under way.
 */
public final class GitHttpServer implements AutoCloseable {
    private final Tomcat tomcat;
    private final int port;
    private volatile CountDownLatch gate;
    private final CountDownLatch packAsked = new CountDownLatch(1);

    private GitHttpServer(Path repository, String name, String user, String password, Path work)
            throws LifecycleException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        tomcat = new Tomcat();
        tomcat.setBaseDir(work.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", work.toString());
        GitServlet git = new GitServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp)
                    throws ServletException, IOException {
                String path = req.getPathInfo() == null ? "" : req.getPathInfo();
                if (path.startsWith("/private/") && !expected.equals(req.getHeader("Authorization"))) {
                    resp.setHeader("WWW-Authenticate", "Basic realm=\"test\"");
                    resp.sendError(401);
                    return;
                }
                if (req.getMethod().equals("POST") && path.endsWith("/git-upload-pack")) {
                    packAsked.countDown();
                    CountDownLatch g = gate;
                    if (g != null) {
                        try {
                            if (!g.await(60, TimeUnit.SECONDS)) {
                                resp.sendError(503);
                                return;
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                super.service(req, resp);
            }
        };
        git.setRepositoryResolver((req, repoName) -> {
            String n = repoName.startsWith("private/") ? repoName.substring("private/".length()) : repoName;
            if (!n.equals(name + ".git")) {
                throw new RepositoryNotFoundException(repoName);
            }
            try {
                return new FileRepositoryBuilder().setGitDir(repository.toFile()).setBare().build();
            } catch (IOException e) {
                throw new RepositoryNotFoundException(repoName, e);
            }
        });
        Tomcat.addServlet(ctx, "git", git);
        ctx.addServletMappingDecoded("/*", "git");
        tomcat.start();
        port = connector.getLocalPort();
    }

    /** Serves the bare {@code repository} as {@code /name.git} (and {@code /private/name.git} for user:password). */
    public static GitHttpServer start(Path repository, String name, String user, String password)
            throws IOException, LifecycleException {
        return new GitHttpServer(repository, name, user, password, Files.createTempDirectory("cairn-githttp"));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + "/" + path;
    }

    /** Holds pack requests from now on until the latch returned is counted down. */
    public CountDownLatch hold() {
        CountDownLatch g = new CountDownLatch(1);
        gate = g;
        return g;
    }

    /** Waits until a client has asked for a pack; false after the timeout. */
    public boolean awaitPackRequest(long seconds) throws InterruptedException {
        return packAsked.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            // stopping a test server
        }
    }
}
