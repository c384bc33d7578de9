package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import cairn.vcs.RepoStore;
import cairn.vcs.RepoStore.Found;

class RepoStoreTest {

    @TempDir
    Path tmp;

    Path rootDir;
    Path outside;
    RepoStore store;

    @BeforeEach
    void setUp() throws IOException {
        rootDir = tmp.resolve("root");
        outside = Files.createDirectories(tmp.resolve("outside"));
        store = new RepoStore(rootDir);
    }

    private Path root() {
        return store.root();
    }

    private static Path bare(Path dir) throws IOException {
        try {
            Files.createDirectories(dir.getParent());
            Git.init().setBare(true).setDirectory(dir.toFile()).call().close();
            return dir;
        } catch (GitAPIException e) {
            throw new IOException(e);
        }
    }

    @Test
    void constructorCreatesTheRoot() throws IOException {
        Path r = tmp.resolve("new/nested/root");
        RepoStore s = new RepoStore(r);
        assertTrue(Files.isDirectory(r));
        assertEquals(r.toRealPath(), s.root());
    }

    // ---- locate

    @Test
    void locateFindsRootName() throws IOException {
        Path d = bare(root().resolve("g/repo"));
        assertEquals(d.toRealPath(), store.locate("g/repo"));
    }

    @Test
    void locateFindsRootNameDotGit() throws IOException {
        Path d = bare(root().resolve("g/repo.git"));
        assertEquals(d.toRealPath(), store.locate("g/repo"));
    }

    @Test
    void locatePrefersThePlainName() throws IOException {
        Path plain = bare(root().resolve("r"));
        bare(root().resolve("r.git"));
        assertEquals(plain.toRealPath(), store.locate("r"));
    }

    @Test
    void locateMissingIsNull() {
        assertNull(store.locate("nothing"));
        assertNull(store.locate("g/nothing"));
    }

    @Test
    void locateIgnoresPlainFiles() throws IOException {
        Files.writeString(root().resolve("file"), "x");
        Files.writeString(root().resolve("file2.git"), "x");
        assertNull(store.locate("file"));
        assertNull(store.locate("file2"));
    }

    @ParameterizedTest(name = "locate({0}) is null")
    @ValueSource(strings = {"..", "../outside", "../outside/r", "g/../../outside/r", "./g", "/outside",
            "g/./r", "", ".", "..\\outside", "%2e%2e/outside", "g//r"})
    void locateRefusesNamesThatCouldLeaveTheRoot(String name) throws IOException {
        bare(outside.resolve("r"));
        bare(root().resolve("g/r"));
        assertNull(store.locate(name));
    }

    @Test
    void locateNeverFollowsASymlinkOutOfTheRoot() throws IOException {
        Path target = bare(outside.resolve("evil"));
        bare(outside.resolve("grp/r.git"));
        Files.createSymbolicLink(root().resolve("evil"), target);
        Files.createSymbolicLink(root().resolve("evil2.git"), target);
        Files.createSymbolicLink(root().resolve("grp"), outside.resolve("grp"));
        Files.createSymbolicLink(root().resolve("up"), tmp);
        assertAll(
                () -> assertNull(store.locate("evil")),
                () -> assertNull(store.locate("evil2")),
                () -> assertNull(store.locate("grp/r")),
                () -> assertNull(store.locate("up/outside/evil")),
                () -> assertNull(store.locate("up")),
                () -> assertNull(store.locate("up/root")));
    }

    @Test
    void locateAllowsASymlinkThatStaysInsideTheRoot() throws IOException {
        Path real = bare(root().resolve("real/repo"));
        Files.createSymbolicLink(root().resolve("alias"), root().resolve("real"));
        assertEquals(real.toRealPath(), store.locate("alias/repo"));
    }

    @Test
    void locateResultsAreAlwaysInsideTheRoot() throws IOException {
        bare(root().resolve("a/b"));
        bare(root().resolve("c.git"));
        for (String n : List.of("a/b", "c")) {
            Path p = store.locate(n);
            assertNotNull(p, n);
            assertTrue(p.startsWith(root()) && !p.equals(root()), p.toString());
        }
    }

    @Test
    void locateSkipsFoldersThatAreNotRepositories() throws IOException {
        Path repo = bare(root().resolve("a.git"));
        bare(root().resolve("a/b"));
        assertEquals(repo.toRealPath(), store.locate("a"));
    }

    // ---- createGit

    @Test
    void createGitMakesABareRepository() throws IOException {
        Path dir = store.createGit("grp/sub/new-repo");
        assertEquals(root().resolve("grp/sub/new-repo"), dir);
        assertTrue(RepoStore.isGitRepository(dir));
        try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
            assertTrue(r.isBare());
            assertTrue(r.getConfig().getBoolean("core", "bare", false));
        }
        assertFalse(Files.exists(dir.resolve(".git")));
        assertEquals(dir.toRealPath(), store.locate("grp/sub/new-repo"));
    }

    @Test
    void createGitRefusesAnExistingRepository() throws IOException {
        store.createGit("dup");
        assertThrows(IOException.class, () -> store.createGit("dup"));
    }

    @Test
    void createGitRefusesWhenNameDotGitExists() throws IOException {
        bare(root().resolve("r.git"));
        assertThrows(IOException.class, () -> store.createGit("r"));
        assertFalse(Files.exists(root().resolve("r")));
    }

    @Test
    void createGitRefusesAnExistingFolderOrFile() throws IOException {
        Files.createDirectories(root().resolve("folder"));
        Files.writeString(root().resolve("file"), "x");
        assertThrows(IOException.class, () -> store.createGit("folder"));
        assertThrows(IOException.class, () -> store.createGit("file"));
        assertFalse(RepoStore.isGitRepository(root().resolve("folder")));
        assertEquals("x", Files.readString(root().resolve("file")));
    }

    @ParameterizedTest(name = "createGit({0}) refused")
    @ValueSource(strings = {"..", "../outside/x", "a/../../outside/x", "/abs", "", ".hidden", "a//b", "x.lock"})
    void createGitRefusesInvalidNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> store.createGit(name));
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void createGitDoesNotWriteThroughASymlinkOutOfTheRoot() throws IOException {
        Files.createSymbolicLink(root().resolve("link"), outside);
        assertThrows(IOException.class, () -> store.createGit("link/x"));
        assertFalse(Files.exists(outside.resolve("x")), "a repository was created outside the root");
    }

    // ---- scan

    private Map<String, Path> scanned() {
        List<Found> found = store.scan();
        Set<String> names = new HashSet<>();
        for (Found f : found) {
            assertTrue(names.add(f.name()), "duplicate " + f.name());
        }
        return found.stream().collect(Collectors.toMap(Found::name, Found::dir));
    }

    @Test
    void scanFindsBareRepositoriesAndNamesThemByPath() throws IOException {
        bare(root().resolve("top.git"));
        bare(root().resolve("plain"));
        bare(root().resolve("a/b/c.git"));
        bare(root().resolve("a/d"));
        bare(root().resolve("x/y/z/deep.git"));
        Map<String, Path> found = scanned();
        assertEquals(Set.of("top", "plain", "a/b/c", "a/d", "x/y/z/deep"), found.keySet());
        assertEquals(root().resolve("a/b/c.git"), found.get("a/b/c"));
        assertEquals(root().resolve("plain"), found.get("plain"));
    }

    @Test
    void scanOfAnEmptyRootIsEmpty() throws IOException {
        Files.createDirectories(root().resolve("empty/group"));
        Files.writeString(root().resolve("README"), "not a repo");
        assertEquals(List.of(), store.scan());
    }

    @Test
    void scanSkipsHiddenAndRemovedFolders() throws IOException {
        bare(root().resolve("keep.git"));
        bare(root().resolve(".hidden.git"));
        bare(root().resolve(".cache/inner.git"));
        bare(root().resolve("rm__20240101_120000_000000__old.git"));
        bare(root().resolve("rm__20240101_120000_000000__grp/x.git"));
        bare(root().resolve("g/rm__20240101_120000_000000__y"));
        bare(root().resolve("g/.z.git"));
        bare(root().resolve("g/ok"));
        assertEquals(Set.of("keep", "g/ok"), scanned().keySet());
    }

    @Test
    void scanSkipsFoldersWhoseNamesCairnCannotServe() throws IOException {
        bare(root().resolve("_bad.git"));
        bare(root().resolve("-dash"));
        bare(root().resolve("sp ace"));
        bare(root().resolve("_grp/inner.git"));
        bare(root().resolve("good"));
        assertEquals(Set.of("good"), scanned().keySet());
    }

    @Test
    void scanDoesNotDescendIntoRepositories() throws IOException {
        Path outer = bare(root().resolve("outer.git"));
        bare(outer.resolve("nested.git"));
        bare(outer.resolve("refs/inside"));
        Path plain = bare(root().resolve("plainouter"));
        bare(plain.resolve("sub"));
        assertEquals(Set.of("outer", "plainouter"), scanned().keySet());
    }

    @Test
    void everythingScanFindsCanBeLocated() throws IOException {
        bare(root().resolve("one.git"));
        bare(root().resolve("g/two"));
        bare(root().resolve("g/h/three.git"));
        Map<String, Path> found = scanned();
        assertEquals(3, found.size());
        found.forEach((name, dir) -> {
            try {
                assertEquals(dir.toRealPath(), store.locate(name), name);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @ParameterizedTest(name = "createGit({0}) then scan finds it")
    @ValueSource(strings = {"a", "g/a", "a.b", "a/b/c", "A-1_z"})
    void scanFindsWhatCreateGitMade(String name) throws IOException {
        Path dir = store.createGit(name);
        assertEquals(Map.of(name, dir), scanned());
    }

    @ParameterizedTest(name = "createGit({0}) is refused: scan could not give the name back")
    @ValueSource(strings = {"x.git", "rm__notes", "g/x.git"})
    void namesScanCannotGiveBackAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> store.createGit(name));
    }

    @Test
    void scanDoesNotReportRepositoriesOutsideTheRoot() throws IOException {
        bare(outside.resolve("r.git"));
        Files.createSymbolicLink(root().resolve("link"), outside);
        Files.createSymbolicLink(root().resolve("direct.git"), outside.resolve("r.git"));
        bare(root().resolve("inside"));
        assertEquals(Set.of("inside"), scanned().keySet());
    }
}
