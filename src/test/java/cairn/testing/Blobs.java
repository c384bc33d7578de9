package cairn.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Large repositories for streaming and performance tests, written straight into a bare repository. */
public final class Blobs {
    private Blobs() {
    }

    /**
     * Commits {@code count} incompressible blobs of {@code size} bytes (random from {@code seed}) as main's only
     * commit, HEAD pointing at main; returns the commit id.
     */
    public static String commitRandom(Path folder, int count, int size, long seed) throws IOException {
        try (Repository r = new FileRepositoryBuilder().setGitDir(folder.toFile()).setMustExist(true).build();
                ObjectInserter ins = r.newObjectInserter()) {
            Random random = new Random(seed);
            TreeFormatter tree = new TreeFormatter();
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                tree.append("blob" + i + ".bin", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, data));
            }
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(ins.insert(tree));
            PersonIdent who = new PersonIdent("Perf", "perf@example.com");
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage("random blobs\n");
            ObjectId id = ins.insert(c);
            ins.flush();
            RefUpdate u = r.updateRef("refs/heads/main");
            u.setNewObjectId(id);
            u.forceUpdate();
            r.updateRef("HEAD").link("refs/heads/main");
            return id.name();
        }
    }
}
