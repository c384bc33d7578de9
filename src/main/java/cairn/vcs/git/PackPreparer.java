package cairn.vcs.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jgit.http.server.GitSmartHttpTools;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

import cairn.metrics.GitMetrics;
import cairn.vcs.RepoStore;

/**
 * Prepares again, after a repository's background repack, the kept clone answers a push dropped that were in demand:
 * the same requests rebased on the refs now ({@link PackRecipe}), generated here on the repack's
 * low-priority thread and kept in {@link SharedPacks}, so the first clone after a push is answered from disk like the
 * ones before it. Only answers in demand are prepared: answered to a request from another one's pack within
 * {@link SharedPacks#DEMAND}; preparing clones nobody repeats would spend CPU for nothing.
 */
final class PackPreparer {
    private static final Logger LOG = Logger.getLogger(PackPreparer.class.getName());
    private final SharedPacks shared;
    private final boolean allowFilter;
    private final GitMetrics metrics;

    PackPreparer(SharedPacks shared, boolean allowFilter, GitMetrics metrics) {
        this.shared = shared;
        this.allowFilter = allowFilter;
        this.metrics = metrics;
        shared.collectRecipes();
    }

    /** Prepares the answers remembered for {@code folder}; those kept or being generated already are skipped. */
    void prepare(Path folder) {
        List<SharedPacks.Demand> recipes = shared.takeRecipes(folder);
        if (recipes.isEmpty()) {
            return;
        }
        try (Repository db = RepoStore.openCached(folder)) {
            List<Ref> refs = db.getRefDatabase().getRefs();
            for (SharedPacks.Demand d : recipes) {
                prepare(folder, db, refs, d.recipe(), d.askedNanos());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not prepare the clone answers of " + folder, e);
        }
    }

    private void prepare(Path folder, Repository db, List<Ref> refs, PackRecipe recipe, long askedNanos)
            throws IOException {
        byte[] body = recipe.rebase(refs);
        if (body == null) {
            return; // a ref it named is gone
        }
        String key = SharedPacks.keptKey(
                SharedPacks.key(folder, recipe.gitProtocol(), recipe.acceptEncoding(), body), refs);
        SharedPacks.Generation g = shared.prepare(key, folder);
        if (g == null) {
            return; // somebody asked already
        }
        boolean whole = false;
        try {
            g.recipe(recipe.withBody(body), askedNanos);
            g.started(GitSmartHttpTools.UPLOAD_PACK_RESULT_TYPE);
            UploadPack up = CairnGitServlet.uploadPack(db, allowFilter, recipe.gitProtocol());
            up.setBiDirectionalPipe(false); // as over HTTP: one request, one answer
            up.uploadWithExceptionPropagation(new ByteArrayInputStream(body), new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    g.append(b, off, len);
                }
            }, null);
            whole = true;
            metrics.packPrepared();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not prepare a clone answer for " + folder, e);
        } finally {
            g.end(whole, true);
        }
    }
}
