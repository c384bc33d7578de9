package cairn.vcs.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;

import cairn.metrics.GitMetrics;
import cairn.metrics.GitMetrics.Kind;
import cairn.metrics.GitMetrics.Refusal;
import cairn.vcs.RepoStore;
import cairn.vcs.VcsCall;
import cairn.vcs.VcsCall.Action;
import cairn.vcs.VcsProtocol;
import cairn.vcs.VcsSession;

/**
 * Git's smart HTTP protocol at Kallithea's URLs ({@code /<repo>/info/refs}, {@code /git-upload-pack},
 * {@code /git-receive-pack}), served by JGit's GitServlet. Dumb HTTP is not offered.
 */
public final class GitProtocol implements VcsProtocol {
    /** Name under which {@link CairnGitServlet} is registered; it has no URL mapping of its own. */
    public static final String SERVLET_NAME = "cairn-git";
    static final String SESSION_ATTRIBUTE = GitProtocol.class.getName() + ".session";
    static final String EVENTS_ATTRIBUTE = GitProtocol.class.getName() + ".events";

    /** Request bodies up to this size are keyed for sharing; bigger ones (long negotiations) never are. */
    private static final int SHARE_LIMIT = 256 * 1024;

    // Tomcat's sendfile request attributes (NIO connector, useSendfile, on by default)
    private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

    private static final Pattern PATH = Pattern.compile("^/(.+?)/*/(info/refs|git-upload-pack|git-receive-pack)$");

    private final ServletContext context;
    private final GitServing serving;

    public GitProtocol(ServletContext context) {
        this(context, null);
    }

    /** With {@code serving} (may be null): pack generation is admission-controlled, counted and timed. */
    public GitProtocol(ServletContext context, GitServing serving) {
        this.context = context;
        this.serving = serving;
    }

    @Override
    public String type() {
        return "git";
    }

    @Override
    public Optional<VcsCall> recognise(String path, HttpServletRequest request) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String rest = m.group(2);
        Action action = switch (rest) {
            case "git-upload-pack" -> Action.PULL;
            case "git-receive-pack" -> Action.PUSH;
            default -> switch (String.valueOf(request.getParameter("service"))) {
                case "git-upload-pack" -> Action.PULL;
                case "git-receive-pack" -> Action.PUSH;
                default -> null;
            };
        };
        return Optional.of(new VcsCall(this, m.group(1), action, rest));
    }

    @Override
    public boolean isRepository(Path folder) {
        return RepoStore.isGitRepository(folder);
    }

    @Override
    public void serve(VcsCall call, VcsSession session, Events events, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        if (call.rest().equals("info/refs") && call.action() == Action.PULL) {
            events.pulled(session);
        }
        request.setAttribute(SESSION_ATTRIBUTE, session);
        request.setAttribute(EVENTS_ATTRIBUTE, events);
        RequestDispatcher git = context.getNamedDispatcher(SERVLET_NAME);
        HttpServletRequest rewritten = new Rewritten(request, "/" + session.repo().name() + "/" + call.rest());
        if (serving == null) {
            git.forward(rewritten, response);
            return;
        }
        GitMetrics metrics = serving.metrics();
        Kind kind = switch (call.rest()) {
            case "git-upload-pack" -> Kind.UPLOAD_PACK;
            case "git-receive-pack" -> Kind.RECEIVE_PACK;
            default -> Kind.INFO_REFS;
        };
        if (call.action() == Action.PULL) {
            serving.read(session.folder());
        }
        long start = System.nanoTime();
        if (kind != Kind.UPLOAD_PACK || !"POST".equals(request.getMethod())) {
            git.forward(rewritten, response);
            metrics.latency(kind, System.nanoTime() - start);
            return;
        }
        SharedPacks shared = serving.shared();
        if (shared != null) {
            byte[] body = request.getInputStream().readNBytes(SHARE_LIMIT + 1);
            rewritten = new Replayed(rewritten, body);
            byte[] plain = body.length <= SHARE_LIMIT
                    ? SharedPacks.decoded(body, request.getHeader("Content-Encoding"), 16 * SHARE_LIMIT) : null;
            if (plain != null) {
                String protocol = request.getHeader("Git-Protocol");
                String accept = request.getHeader("Accept-Encoding");
                // a clone's whole answer may be kept for later identical requests: then the refs are in the key
                boolean keep = shared.keeps() && SharedPacks.sendsNoHaves(plain);
                String key = SharedPacks.key(session.folder(), protocol, accept, plain);
                List<Ref> refs = keep ? refs(session.folder()) : null;
                keep = refs != null;
                if (keep) {
                    key = SharedPacks.keptKey(key, refs);
                }
                SharedPacks.Joined joined = shared.join(key, session.folder());
                SharedPacks.Generation generation = joined.generation();
                if (joined.leader()) {
                    if (keep) {
                        // how to ask again after a push, should this answer be in demand (PackPreparer)
                        generation.recipe(PackRecipe.of(plain, protocol, accept, refs));
                    }
                    boolean whole = false;
                    try {
                        whole = generate(git, rewritten, new SharedResponse(response, generation), start);
                    } finally {
                        generation.end(whole, keep);
                    }
                    return;
                }
                if (follow(generation, request, response, start)) {
                    return;
                }
                // the leader's answer could not be shared: generate our own
            }
        }
        generate(git, rewritten, response, start);
    }

    /** A repository's refs, or null when they cannot be read. */
    private static List<Ref> refs(Path folder) {
        try (Repository db = RepoStore.openCached(folder)) {
            return db.getRefDatabase().getRefs();
        } catch (IOException e) {
            return null;
        }
    }

    /** A follower streams the leader's pack; false when it must generate its own (nothing was sent). */
    private boolean follow(SharedPacks.Generation generation, HttpServletRequest request,
            HttpServletResponse response, long start) throws IOException {
        GitMetrics metrics = serving.metrics();
        boolean served;
        if (Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
            // a whole kept answer: Tomcat sends the file itself (sendfile), no byte passes through the JVM
            served = generation.sendWhole((file, size, type) -> {
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType(type);
                response.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
                response.setContentLengthLong(size);
                request.setAttribute(SENDFILE_FILENAME, file.toRealPath().toString());
                request.setAttribute(SENDFILE_START, 0L);
                request.setAttribute(SENDFILE_END, size);
                metrics.packBytes(size);
            });
            if (served) {
                metrics.packShared();
                metrics.latency(Kind.UPLOAD_PACK, System.nanoTime() - start);
                return true;
            }
        }
        try {
            served = generation.streamTo(type -> {
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType(type);
                response.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
                return new CountingResponse(response, metrics::packBytes).getOutputStream();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming a shared pack", e);
        }
        if (served) {
            metrics.packShared();
            metrics.latency(Kind.UPLOAD_PACK, System.nanoTime() - start);
        }
        return served;
    }

    /** Generates a pack in a slot of the {@link PackGate}; true when it was sent whole. */
    private boolean generate(RequestDispatcher git, HttpServletRequest rewritten, HttpServletResponse response,
            long start) throws IOException, ServletException {
        GitMetrics metrics = serving.metrics();
        // only pack generation waits in line: ref advertisements, pushes, the UI and the API never do
        PackGate gate = serving.gate();
        PackGate.Ticket ticket;
        try {
            ticket = gate.enter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Server is stopping");
            return false;
        }
        try (ticket) {
            if (!ticket.admitted()) {
                metrics.refused(ticket.outcome() == PackGate.Outcome.QUEUE_FULL ? Refusal.QUEUE_FULL
                        : Refusal.TIMEOUT);
                response.setHeader("Retry-After", Long.toString(gate.retryAfterSeconds()));
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "Too many clones and fetches at once; try again in a moment");
                return false;
            }
            metrics.latency(Kind.PACK_QUEUE_WAIT, ticket.waitedNanos());
            git.forward(rewritten, new CountingResponse(response, metrics::packBytes));
            metrics.latency(Kind.UPLOAD_PACK, System.nanoTime() - start);
            return true;
        }
    }

    /** The request with its body read already (to key a shared pack) and given again to JGit. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] head;
        private ServletInputStream in;

        Replayed(HttpServletRequest request, byte[] head) {
            super(request);
            this.head = head;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
                InputStream rest = new SequenceInputStream(new ByteArrayInputStream(head),
                        super.getInputStream());
                in = new ServletInputStream() {
                    private boolean finished;

                    @Override
                    public int read() throws IOException {
                        int b = rest.read();
                        finished = b < 0;
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = rest.read(b, off, len);
                        finished = n < 0;
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return finished;
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        throw new IllegalStateException("blocking reads only");
                    }
                };
            }
            return in;
        }
    }

    /** The request as GitServlet expects it: the path info names the repository by its canonical name. */
    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String pathInfo;

        Rewritten(HttpServletRequest request, String pathInfo) {
            super(request);
            this.pathInfo = pathInfo;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }

        @Override
        public String getServletPath() {
            return "";
        }
    }
}
