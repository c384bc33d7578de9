package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import cairn.vcs.RepoNames;

class RepoNamesTest {

    static final String SEG100 = "a".repeat(100);

    static Stream<String> validNames() {
        return Stream.of("a", "A", "7", "repo", "my-repo", "my_repo", "my.repo", "Repo-1_2.3", "a..b", "a-", "a_",
                "a.", "group/repo", "a/b/c/d/e", "g1/sub-group/repo.name", "lock", "a.locks",
                "a.lock.b", SEG100, SEG100 + "/" + SEG100 + "/" + "c".repeat(53) /* exactly 255 */);
    }

    @ParameterizedTest(name = "valid: {0}")
    @MethodSource("validNames")
    void valid(String name) {
        assertTrue(RepoNames.isValid(name));
    }

    static Stream<String> invalidNames() {
        return Stream.of(null, "", " ", "..", ".", "../x", "x/..", "a/../b", "a/./b", "./a", "a//b", "/a", "a/",
                "/", "//", ".hidden", "a/.hidden", "a/.git", "x.git", "g/x.git", "rm__x", "g/rm__x", "_1", "_", "a/_1", "-x", "a/-x", "a\\b", "..\\x",
                "a\\..\\b", "%2e%2e", "%2e%2e/x", "a%2fb", "%2E", "a b", " a", "a ", "a:b", "a;b", "a?b", "a#b",
                "a*b", "a~b", "~a", "a\nb", "a\u0000b", "\u00fcber", "r\u00e9po", "a+b", "a@b", "a$b",
                SEG100 + "a", "ok/" + SEG100 + "a",
                SEG100 + "/" + SEG100 + "/" + "c".repeat(54) /* 256 */, "x.lock", "a/x.lock", "x.lock/a", ".lock",
                "HEAD.lock");
    }

    @ParameterizedTest(name = "invalid: [{0}]")
    @MethodSource("invalidNames")
    void invalid(String name) {
        assertFalse(RepoNames.isValid(name));
    }

    @Test
    void maxLengthIsExactly255() {
        String name255 = SEG100 + "/" + SEG100 + "/" + "c".repeat(53);
        assertEquals(255, name255.length());
        assertTrue(RepoNames.isValid(name255));
        assertFalse(RepoNames.isValid(name255 + "c"));
    }

    @ParameterizedTest(name = "fromUrl({0}) = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            a             | a
            a/b           | a/b
            a/b/          | a/b
            a/b///        | a/b
            a/b.git       | a/b
            a/b.git/      | a/b
            a/b.git//     | a/b
            a.git.git     | a.git
            a/b.gitx      | a/b.gitx
            a/b.GIT       | a/b.GIT
            a.git/b       | a.git/b
            .git          | ''
            ''            | ''
            """)
    void fromUrl(String url, String expected) {
        assertEquals(expected, RepoNames.fromUrl(url));
    }

    @ParameterizedTest(name = "parent({0}) = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            a         |
            a/b       | a
            a/b/c     | a/b
            g/sub/r.x | g/sub
            """)
    void parent(String name, String expected) {
        assertEquals(expected, RepoNames.parent(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b/c", "a/b", "x"})
    void parentOfAValidNameIsValidOrNull(String name) {
        String p = RepoNames.parent(name);
        assertTrue(p == null || RepoNames.isValid(p));
    }
}
