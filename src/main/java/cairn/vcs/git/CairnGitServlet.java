package cairn.vcs.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.TransferConfig;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

import cairn.vcs.RepoStore;
import cairn.vcs.VcsProtocol;
import cairn.vcs.VcsSession;

/**
 * JGit's GitServlet, configured like JGit's own server: repositories come from the already authorised
 * {@link VcsSession} (never from the raw URL), uploads allow partial clone, and pushes are checked object by object,
 * applied all-or-nothing and journaled.
 */
public final class CairnGitServlet extends GitServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(CairnGitServlet.class.getName());

    public CairnGitServlet(boolean allowFilter, boolean fsckObjects) {
        this(allowFilter, fsckObjects, null);
    }

    /** With {@code serving} (may be null), pushes schedule background repacks and packs sent are counted. */
    public CairnGitServlet(boolean allowFilter, boolean fsckObjects, GitServing serving) {
        setRepositoryResolver((req, name) -> open(session(req)));
        setUploadPackFactory((req, db) -> {
            UploadPack up = uploadPack(db, allowFilter, req.getHeader("Git-Protocol"));
            if (serving != null) {
                // a client that said it has nothing is cloning; one with haves is fetching
                up.setPostUploadHook(stats -> serving.metrics().packServed(stats.getHaves() == 0));
            }
            return up;
        });
        setReceivePackFactory((req, db) -> {
            VcsSession session = session(req);
            // Cairn's BitmapKeeper owns repacking (debounced, one at a time, with bitmaps); JGit's own auto-gc after
            // every push would rescan the pack folder each time and, past 50 packs, repack a second time. Set in
            // memory only (never saved), again at every push in case the repository's config file was reloaded.
            db.getConfig().setBoolean("receive", null, "autogc", false);
            ReceivePack rp = new ReceivePack(db);
            rp.setCheckReceivedObjects(fsckObjects);
            rp.setRefLogIdent(new PersonIdent(session.user().username(),
                    session.user().email() == null ? "" : session.user().email()));
            rp.setPreReceiveHook((pack, commands) -> allOrNothing(db, pack.getAllCommands()));
            VcsProtocol.Events events = (VcsProtocol.Events) req.getAttribute(GitProtocol.EVENTS_ATTRIBUTE);
            rp.setPostReceiveHook((pack, commands) -> {
                events.pushed(session, newCommits(db, commands));
                adoptHead(db, commands);
                if (serving != null) {
                    serving.pushed(session.folder());
                }
            });
            return rp;
        });
    }

    /**
     * An upload-pack as this servlet runs it, for a request with this {@code Git-Protocol} header (may be null); also
     * used to prepare answers ({@link PackPreparer}), which must be what a request would have got.
     */
    static UploadPack uploadPack(Repository db, boolean allowFilter, String gitProtocol) {
        UploadPack up = new UploadPack(db);
        Config cfg = new Config(db.getConfig());
        cfg.setBoolean("uploadpack", null, "allowfilter", allowFilter);
        up.setTransferConfig(new TransferConfig(cfg));
        if (gitProtocol != null) {
            // how a client asks for protocol v2 over HTTP, e.g. "version=2"
            up.setExtraParameters(List.of(gitProtocol.split(":")));
        }
        return up;
    }

    private static VcsSession session(HttpServletRequest req) throws ServiceNotAuthorizedException {
        Object s = req.getAttribute(GitProtocol.SESSION_ATTRIBUTE);
        if (!(s instanceof VcsSession session)) {
            // Only reachable through GitProtocol.serve, after the VcsFilter has authorised the request.
            throw new ServiceNotAuthorizedException();
        }
        return session;
    }

    private static Repository open(VcsSession session) throws RepositoryNotFoundException {
        try {
            return RepoStore.openCached(session.folder());
        } catch (IOException e) {
            throw new RepositoryNotFoundException(session.repo().name(), e);
        }
    }

    /**
     * If any ref update of a push is refused, none is applied: a push is never half-applied. JGit checks the old ids
     * only while applying, ref by ref, so they are checked here first.
     */
    private static void allOrNothing(Repository db, Collection<ReceiveCommand> commands) {
        for (ReceiveCommand c : commands) {
            if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED && !oldIdMatches(db, c)) {
                c.setResult(ReceiveCommand.Result.LOCK_FAILURE, "the ref is no longer at the old id sent");
            }
        }
        boolean refused = commands.stream().anyMatch(c -> c.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED);
        if (refused) {
            for (ReceiveCommand c : commands) {
                if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                    c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "another ref of this push was refused");
                }
            }
        }
    }

    private static boolean oldIdMatches(Repository db, ReceiveCommand c) {
        try {
            Ref ref = db.getRefDatabase().exactRef(c.getRefName());
            ObjectId current = ref == null || ref.getObjectId() == null ? ObjectId.zeroId() : ref.getObjectId();
            return current.equals(c.getOldId());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A repository whose HEAD names no existing branch (a new one, or one created by another tool with another
     * default branch) adopts the first branch pushed to it, so clones check something out.
     */
    private static void adoptHead(Repository db, Collection<ReceiveCommand> commands) {
        try {
            Ref head = db.exactRef("HEAD");
            if (head != null && head.getObjectId() != null) {
                return;
            }
            for (ReceiveCommand c : commands) {
                if (c.getResult() == ReceiveCommand.Result.OK && c.getRefName().startsWith("refs/heads/")
                        && !c.getNewId().equals(ObjectId.zeroId())) {
                    db.updateRef("HEAD").link(c.getRefName());
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not point HEAD at a pushed branch", e);
        }
    }

    /** The commits a push made reachable that no ref reached before, newest first. */
    static List<String> newCommits(Repository db, Collection<ReceiveCommand> commands) {
        List<String> ids = new ArrayList<>();
        Map<String, ObjectId> before = new HashMap<>();
        try (RevWalk walk = new RevWalk(db)) {
            for (Ref ref : db.getRefDatabase().getRefs()) {
                if (!ref.isSymbolic() && ref.getObjectId() != null) {
                    before.put(ref.getName(), ref.getObjectId());
                }
            }
            boolean any = false;
            for (ReceiveCommand c : commands) {
                if (c.getResult() != ReceiveCommand.Result.OK) {
                    continue;
                }
                before.remove(c.getRefName());
                if (!c.getOldId().equals(ObjectId.zeroId())) {
                    before.put(c.getRefName() + "\0old", c.getOldId());
                }
                if (!c.getNewId().equals(ObjectId.zeroId())) {
                    RevObject o = walk.peel(walk.parseAny(c.getNewId()));
                    if (o instanceof RevCommit commit) {
                        walk.markStart(commit);
                        any = true;
                    }
                }
            }
            if (!any) {
                return ids;
            }
            for (ObjectId old : before.values()) {
                RevObject o = walk.peel(walk.parseAny(old));
                if (o instanceof RevCommit commit) {
                    walk.markUninteresting(commit);
                }
            }
            for (RevCommit c : walk) {
                ids.add(c.name());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not list the commits of a push", e);
        }
        return ids;
    }
}
