package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import jakarta.servlet.http.HttpServletRequest;

import cairn.vcs.VcsCall;
import cairn.vcs.VcsCall.Action;
import cairn.vcs.git.GitProtocol;

class GitProtocolTest {

    private final GitProtocol git = new GitProtocol(null);

    private static HttpServletRequest request(String method, String service) {
        return FakeRequest.of(method, service == null ? Map.of() : Map.of("service", service));
    }

    /** Empty service cell = no service parameter; empty action cell = the protocol cannot tell (null). */
    @ParameterizedTest(name = "{1} {0}?service={2} -> repo {3}, {4}, {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # path                         | method | service          | repo          | action | rest
              /a/b/info/refs               | GET    | git-upload-pack  | a/b           | PULL   | info/refs
              /a/b/info/refs               | GET    | git-receive-pack | a/b           | PUSH   | info/refs
              /a/b/info/refs               | GET    |                  | a/b           |        | info/refs
              /a/b/info/refs               | GET    | ''               | a/b           |        | info/refs
              /a/b/info/refs               | GET    | git-foo-pack     | a/b           |        | info/refs
              /a/b/info/refs               | GET    | GIT-UPLOAD-PACK  | a/b           |        | info/refs
              /a/b/info/refs               | GET    | null             | a/b           |        | info/refs
              /repo/info/refs              | GET    | git-upload-pack  | repo          | PULL   | info/refs
              /repo.git/info/refs          | GET    | git-upload-pack  | repo.git      | PULL   | info/refs
              /g/sub/repo/info/refs        | GET    | git-receive-pack | g/sub/repo    | PUSH   | info/refs
              /_42/info/refs               | GET    | git-upload-pack  | _42           | PULL   | info/refs
              /a//info/refs                | GET    | git-upload-pack  | a             | PULL   | info/refs
              /a/b/git-upload-pack         | POST   |                  | a/b           | PULL   | git-upload-pack
              /a/b/git-receive-pack        | POST   |                  | a/b           | PUSH   | git-receive-pack
              /a/b.git/git-receive-pack    | POST   |                  | a/b.git       | PUSH   | git-receive-pack
              /a/b/git-upload-pack         | POST   | git-receive-pack | a/b           | PULL   | git-upload-pack
              /a/b/git-receive-pack        | POST   | git-upload-pack  | a/b           | PUSH   | git-receive-pack
              /_7/git-receive-pack         | POST   |                  | _7            | PUSH   | git-receive-pack
              /a/info/refs/info/refs       | GET    | git-upload-pack  | a/info/refs   | PULL   | info/refs
            """)
    void recognises(String path, String method, String service, String repo, Action action, String rest) {
        Optional<VcsCall> call = git.recognise(path, request(method, service));
        assertTrue(call.isPresent(), path);
        VcsCall c = call.get();
        assertSame(git, c.protocol());
        assertEquals(repo, c.repoRef());
        assertEquals(action, c.action());
        assertEquals(rest, c.rest());
    }

    @ParameterizedTest(name = "not git: [{0}]")
    @ValueSource(strings = {"", "/", "/info/refs", "info/refs", "a/b/info/refs", "/git-upload-pack",
            "/git-receive-pack", "/a/b", "/a/b/", "/a/b/info", "/a/b/info/refs/", "/a/b/info/refsx",
            "/a/b/info/refs.txt", "/a/b/HEAD", "/a/b/objects/info/packs", "/a/b/objects/ab/cdef",
            "/a/b/git-upload-archive", "/a/b/git-upload-pack/", "/a/b/git-upload-packs", "/a/b/Info/Refs",
            "/_admin/settings", "/a/b/summary"})
    void otherPathsAreNotRecognised(String path) {
        HttpServletRequest req = request("GET", "git-upload-pack");
        assertEquals(Optional.empty(), git.recognise(path, req));
    }

    @Test
    void typeIsGit() {
        assertEquals("git", git.type());
    }

    @Test
    void isRepositoryOnlyForGitFolders(@TempDir Path tmp) throws Exception {
        Path repo = tmp.resolve("r.git");
        Git.init().setBare(true).setDirectory(repo.toFile()).call().close();
        java.nio.file.Files.createDirectories(tmp.resolve("plain"));
        assertTrue(git.isRepository(repo));
        assertEquals(false, git.isRepository(tmp.resolve("plain")));
        assertEquals(false, git.isRepository(tmp.resolve("missing")));
    }
}
