package cairn.vcs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * One kind of repository served over HTTP (Git now; Mercurial can come beside it). The protocol only recognises its
 * requests and serves them; authentication, permissions and the journal are the {@link VcsFilter}'s, the same for
 * every kind.
 */
public interface VcsProtocol {

    /** The repository type stored in the database, e.g. {@code git}. */
    String type();

    /** Recognises a request by its path (below any VCS prefix) and headers; empty when it is not this protocol's. */
    Optional<VcsCall> recognise(String path, HttpServletRequest request);

    /** Whether {@code folder} holds a repository of this kind. */
    boolean isRepository(Path folder);

    /** Serves an authorised request. Pushes report the commits they brought in to {@code events}. */
    void serve(VcsCall call, VcsSession session, Events events, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException;

    /** What a protocol reports back for the journal. */
    interface Events {
        void pulled(VcsSession session);

        void pushed(VcsSession session, List<String> commitIds);
    }
}
