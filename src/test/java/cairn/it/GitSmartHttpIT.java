package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import cairn.auth.Level;
import cairn.auth.User;
import cairn.journal.JournalEntry;
import cairn.testing.Git;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.vcs.Repo;

/** The Git smart-HTTP endpoint in the WAR on embedded Tomcat, driven by the real git CLI. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GitSmartHttpIT {
    static TestSite site;
    static User alice;
    static User bob;
    static User carol;
    static Repo pub;
    static Repo priv;
    static Repo victim;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("[cairn]\nvcs_prefix = /_vcs");
        alice = site.user("alice", "alice-pw");
        bob = site.user("bob", "bob-pw");
        carol = site.user("carol", "carol-pw");
        pub = site.repo("team/pub", alice, false);
        priv = site.repo("priv", alice, true);
        victim = site.repo("victim", alice, false);
        site.grant(pub, bob, Level.READ);
        return site.war();
    }

    @AfterAll
    static void tearDown() {
        site.close();
    }

    private String url(String user, String password, String path) {
        String b = base.toString();
        String auth = user == null ? "" : user + ":" + password + "@";
        return b.replace("://", "://" + auth) + (b.endsWith("/") ? "" : "/") + path;
    }

    private Path tmp(String name) throws IOException {
        return Files.createTempDirectory(site.dir, name);
    }

    private Git git() {
        return site.git;
    }

    /** Pushes a work tree with {@code commits} to {@code repoPath} as alice and returns the work tree. */
    private Path seed(String repoPath, String... commits) throws Exception {
        Path work = git().workTree(tmp("seed"), commits);
        git().run(work, "push", "--force", url("alice", "alice-pw", repoPath), "HEAD:refs/heads/main").expectOk();
        return work;
    }

    private String remoteHead(Repo repo, String ref) throws IOException {
        Path dir = site.services.repos.folder(repo);
        try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).build()) {
            ObjectId id = r.resolve(ref);
            return id == null ? null : id.name();
        }
    }

    @Test
    void cloneFetchAndPushOverProtocolV0AndV2() throws Exception {
        Path work = seed("team/pub.git", "one", "two");
        String head = git().head(work);

        Path v0 = tmp("v0");
        git().run(v0, "-c", "protocol.version=0", "clone", "-q", url(null, null, "team/pub.git"), "c").expectOk();
        assertEquals(head, git().head(v0.resolve("c")));

        Path v2 = tmp("v2");
        Git.Result traced = git().run(v2, Map.of("GIT_TRACE_PACKET", "1"), "-c", "protocol.version=2", "clone",
                url("bob", "bob-pw", "team/pub"), "c").expectOk();
        assertTrue(traced.out().contains("version 2"), "server spoke protocol v2");
        assertEquals(head, git().head(v2.resolve("c")));

        git().commit(work, "three");
        git().run(work, "push", url("alice", "alice-pw", "team/pub.git"), "HEAD:refs/heads/main").expectOk();
        git().run(v0.resolve("c"), "-c", "protocol.version=0", "pull", "-q").expectOk();
        git().run(v2.resolve("c"), "fetch", "-q").expectOk();
        assertEquals(git().head(work), git().head(v0.resolve("c")));
        assertEquals(git().head(work),
                git().run(v2.resolve("c"), "rev-parse", "origin/main").expectOk().out().trim());
        assertEquals(git().head(work), remoteHead(pub, "refs/heads/main"));
    }

    @Test
    void shallowAndPartialClones() throws Exception {
        Repo r = site.repo("shallow", alice, false);
        seed("shallow.git", "a", "b", "c", "d");

        Path shallow = tmp("shallow");
        git().run(shallow, "clone", "-q", "--depth", "1", url(null, null, "shallow.git"), "c").expectOk();
        assertEquals("1", git().run(shallow.resolve("c"), "rev-list", "--count", "HEAD").expectOk().out().trim());
        assertTrue(Files.exists(shallow.resolve("c/.git/shallow")));

        Path partial = tmp("partial");
        git().run(partial, "clone", "-q", "--no-checkout", "--filter=blob:none", url(null, null, "shallow.git"), "c")
                .expectOk();
        Path c = partial.resolve("c");
        assertEquals("true", git().run(c, "config", "remote.origin.promisor").expectOk().out().trim());
        String missing = git().run(c, "rev-list", "--objects", "--all", "--missing=print").expectOk().out();
        assertTrue(missing.lines().anyMatch(l -> l.startsWith("?")), "blobs were left out:\n" + missing);
        // the promisor remote hands out missing blobs on demand
        git().run(c, "checkout", "-q", "main").expectOk();
        assertEquals("d\n", Files.readString(c.resolve("d.txt")));
        assertEquals(r.id(), site.services.repos.byName("shallow").orElseThrow().id());
    }

    @Test
    void pushWithoutWriteIsRefusedWith403AndChangesNothing() throws Exception {
        Path work = seed("team/pub.git", "base");
        String before = remoteHead(pub, "refs/heads/main");
        git().commit(work, "not allowed");
        Git.Result push = git().run(work, "push", url("bob", "bob-pw", "team/pub.git"), "HEAD:refs/heads/main");
        assertNotEquals(0, push.exit());
        assertTrue(push.out().contains("403"), push.out());
        assertEquals(before, remoteHead(pub, "refs/heads/main"));

        Git.Result anonymous = git().run(work, "push", url(null, null, "team/pub.git"), "HEAD:refs/heads/main");
        assertNotEquals(0, anonymous.exit());
        assertEquals(before, remoteHead(pub, "refs/heads/main"));
    }

    @Test
    void wrongPasswordIs401() throws Exception {
        Git.Result clone = git().run(tmp("wrong"), "clone", url("alice", "nope", "priv.git"), "c");
        assertNotEquals(0, clone.exit());
        assertTrue(clone.out().contains("Authentication failed"), clone.out());
        HttpResponse<String> r = Http.get(base, "team/pub.git/info/refs?service=git-upload-pack",
                Http.basic("alice", "nope"));
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("Basic realm=\"Cairn Test\""));
    }

    @Test
    void anonymousAccessFollowsTheDefaultUsersPermission() throws Exception {
        seed("victim.git", "v");
        String path = "victim.git/info/refs?service=git-upload-pack";
        assertEquals(200, Http.get(base, path, null).statusCode());
        site.grant(victim, site.defaultUser(), Level.NONE);
        try {
            assertEquals(401, Http.get(base, path, null).statusCode());
            assertNotEquals(0, git().run(tmp("anon"), "clone", url(null, null, "victim.git"), "c").exit());
            // signed-in users still read it through their own rights (alice owns it)
            assertEquals(200, Http.get(base, path, Http.basic("alice", "alice-pw")).statusCode());
        } finally {
            site.grant(victim, site.defaultUser(), Level.READ);
        }
        assertEquals(200, Http.get(base, path, null).statusCode());

        // the default user's active flag is the anonymous-access switch
        site.services.users.setActive(site.defaultUser(), false);
        try {
            assertEquals(401, Http.get(base, path, null).statusCode());
            assertEquals(200, Http.get(base, path, Http.basic("bob", "bob-pw")).statusCode(),
                    "signed-in users keep the default floor");
        } finally {
            site.services.users.setActive(site.defaultUser(), true);
        }
        assertEquals(200, Http.get(base, path, null).statusCode());
    }

    @Test
    void privateRepositoriesLookExactlyLikeMissingOnes() throws Exception {
        String privPath = "priv.git/info/refs?service=git-upload-pack";
        String missingPath = "no-such-repo.git/info/refs?service=git-upload-pack";

        HttpResponse<String> anonPriv = Http.get(base, privPath, null);
        HttpResponse<String> anonMissing = Http.get(base, missingPath, null);
        assertEquals(401, anonPriv.statusCode());
        assertEquals(401, anonMissing.statusCode());
        assertEquals(anonPriv.headers().firstValue("WWW-Authenticate"),
                anonMissing.headers().firstValue("WWW-Authenticate"));
        assertEquals(anonPriv.body(), anonMissing.body());

        String carolAuth = Http.basic("carol", "carol-pw");
        HttpResponse<String> outsiderPriv = Http.get(base, privPath, carolAuth);
        HttpResponse<String> outsiderMissing = Http.get(base, missingPath, carolAuth);
        assertEquals(404, outsiderPriv.statusCode());
        assertEquals(404, outsiderMissing.statusCode());
        assertEquals(outsiderPriv.body(), outsiderMissing.body());

        assertEquals(200, Http.get(base, privPath, Http.basic("alice", "alice-pw")).statusCode());
        // by permanent id as well
        assertEquals(404, Http.get(base, "_" + priv.id() + "/info/refs?service=git-upload-pack", carolAuth)
                .statusCode());
    }

    @Test
    void apiKeyWorksAsPasswordAndAsBearer() throws Exception {
        seed("priv.git", "secret");
        String key = alice.apiKey();
        git().run(tmp("key"), "clone", "-q", url("alice", key, "priv.git"), "c").expectOk();
        git().run(tmp("bearer"), "-c", "http.extraHeader=Authorization: Bearer " + key, "clone", "-q",
                url(null, null, "priv.git"), "c").expectOk();
        assertEquals(200, Http.get(base, "priv.git/info/refs?service=git-upload-pack", "Bearer " + key)
                .statusCode());
        assertEquals(401, Http.get(base, "priv.git/info/refs?service=git-upload-pack", "Bearer " + "0".repeat(40))
                .statusCode());
        // another user's name with alice's key is refused
        assertEquals(401, Http.get(base, "priv.git/info/refs?service=git-upload-pack", Http.basic("bob", key))
                .statusCode());
    }

    @Test
    void pullsAndPushesAreJournaled() throws Exception {
        Repo j = site.repo("journaled", alice, true);
        site.grant(j, bob, Level.READ);
        Path work = git().workTree(tmp("j"), "j1", "j2", "j3");
        git().run(work, "push", url("alice", "alice-pw", "journaled.git"), "HEAD:refs/heads/main").expectOk();
        List<String> pushed = git().run(work, "rev-list", "HEAD").expectOk().out().lines().toList();
        git().run(tmp("jc"), "clone", "-q", url("bob", "bob-pw", "journaled.git"), "c").expectOk();
        git().run(tmp("jc2"), "clone", "-q", url(null, null, "team/pub.git"), "c").expectOk();

        List<JournalEntry> entries = site.services.journal.forRepo(j, 20);
        JournalEntry push = entries.stream().filter(e -> e.action().startsWith("push:")).findFirst().orElseThrow();
        assertEquals("alice", push.username());
        assertEquals("127.0.0.1", push.ip());
        assertEquals(Set.copyOf(pushed), Set.of(push.action().substring(5).split(",")));
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("pull") && "bob".equals(e.username())),
                "bob's clone journaled as a pull");
        assertTrue(site.services.journal.forRepo(pub, 50).stream()
                .anyMatch(e -> e.action().equals("pull") && "default".equals(e.username())),
                "anonymous pull journaled as the default user");
    }

    @Test
    void malformedPackAndCorruptObjectsAreRejectedWithRefsUnchanged() throws Exception {
        Repo r = site.repo("guarded", alice, false);
        Path work = seed("guarded.git", "g1");
        String before = remoteHead(r, "refs/heads/main");

        String cmd = before + " " + "1".repeat(40) + " refs/heads/main\0report-status\n";
        byte[] body = concat(pkt(cmd), "0000".getBytes(StandardCharsets.US_ASCII),
                "PACK\0\0\0\2\0\0\0\1garbage-not-a-pack".getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<byte[]> resp = Http.post(base, "guarded.git/git-receive-pack", Http.basic("alice", "alice-pw"),
                "application/x-git-receive-pack-request", "application/x-git-receive-pack-result", body);
        String answer = new String(resp.body(), StandardCharsets.ISO_8859_1);
        assertFalse(answer.contains("unpack ok"), answer);
        assertEquals(before, remoteHead(r, "refs/heads/main"));

        // a commit whose author line is broken: receive.fsckObjects refuses it
        String tree = git().run(work, "rev-parse", "HEAD^{tree}").expectOk().out().trim();
        Path bad = work.resolve("bad-commit");
        Files.writeString(bad, "tree " + tree + "\nparent " + before
                + "\nauthor broken-no-email 1 +0000\ncommitter A <a@b> 1 +0000\n\nbad\n");
        String badId = git().run(work, "hash-object", "-t", "commit", "--literally", "-w", bad.toString())
                .expectOk().out().trim();
        Git.Result push = git().run(work, "push", url("alice", "alice-pw", "guarded.git"),
                badId + ":refs/heads/main");
        assertNotEquals(0, push.exit(), push.out());
        assertEquals(before, remoteHead(r, "refs/heads/main"));
    }

    @Test
    void aPushIsAppliedWholeOrNotAtAll() throws Exception {
        Repo r = site.repo("atomic", alice, false);
        seed("atomic.git", "a1");
        String main = remoteHead(r, "refs/heads/main");
        // create refs/heads/ok (fine) and update main from a wrong old id (refused): neither may happen
        byte[] commands = concat(
                pkt(ObjectId.zeroId().name() + " " + main + " refs/heads/ok\0report-status\n"),
                pkt("1".repeat(40) + " " + main + " refs/heads/main\n"),
                "0000".getBytes(StandardCharsets.US_ASCII), emptyPack());
        HttpResponse<byte[]> resp = Http.post(base, "atomic.git/git-receive-pack", Http.basic("alice", "alice-pw"),
                "application/x-git-receive-pack-request", "application/x-git-receive-pack-result", commands);
        String answer = new String(resp.body(), StandardCharsets.ISO_8859_1);
        assertTrue(answer.contains("ng refs/heads/ok"), answer);
        assertEquals(null, remoteHead(r, "refs/heads/ok"));
        assertEquals(main, remoteHead(r, "refs/heads/main"));
    }

    @Test
    void traversalNeverReachesOutsideTheRepositoryRoot() throws Exception {
        // a perfectly good repository right beside the repository root
        Path outside = site.dir.resolve("data/outside.git");
        git().run(site.dir, "init", "-q", "--bare", outside.toString()).expectOk();
        String admin = Http.basic("admin", TestSite.ADMIN_PASSWORD);
        String ctx = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        for (String evil : List.of("../outside.git", "..%2foutside.git", "%2e%2e/outside.git", "%2e%2e%2foutside.git",
                "team/../../outside.git", "team/%2e%2e/%2e%2e/outside.git", "_vcs/../../outside.git",
                "team/..%5c..%5coutside.git", "%252e%252e/outside.git", "./../outside.git")) {
            String response = Http.raw(base, ctx + evil + "/info/refs?service=git-upload-pack", admin);
            String status = response.substring(0, response.indexOf('\r'));
            assertFalse(status.contains(" 200"), evil + " answered " + status);
            assertFalse(response.contains("# service=git-upload-pack"), evil + " served a repository");
        }
    }

    @Test
    void permanentIdAndVcsPrefixServeTheSameRepository() throws Exception {
        Repo r = site.repo("team/perm", alice, false);
        Path work = seed("team/perm.git", "p1");
        String head = git().head(work);
        for (String path : List.of("_" + r.id(), "_" + r.id() + ".git", "_vcs/team/perm.git", "_vcs/_" + r.id(),
                "team/perm")) {
            Path d = tmp("perm");
            git().run(d, "clone", "-q", url(null, null, path), "c").expectOk();
            assertEquals(head, git().head(d.resolve("c")), path);
        }
        // pushing through the permanent URL journals under the real name
        git().commit(work, "p2");
        git().run(work, "push", url("alice", "alice-pw", "_vcs/_" + r.id()), "HEAD:refs/heads/main").expectOk();
        assertEquals(git().head(work), remoteHead(r, "refs/heads/main"));
    }

    @Test
    void homePageListsOnlyWhatTheVisitorMayRead() throws Exception {
        HttpResponse<String> anon = Http.get(base, "", null);
        assertEquals(200, anon.statusCode());
        assertTrue(anon.body().contains(">team/<"), "groups on the dashboard");
        assertTrue(Http.get(base, "team", null).body().contains("team/pub"), "group page lists its repositories");
        assertFalse(anon.body().contains(">priv<") || anon.body().contains("/priv"), "private repo hidden");
        HttpResponse<String> owner = Http.get(base, "", Http.basic("alice", "alice-pw"));
        assertTrue(owner.body().contains("alice@"), "clone URL carries the user");
        assertTrue(owner.body().contains("/priv"), owner.body());
        assertEquals(404, Http.get(base, "cairn/launcher/Main.class", null).statusCode());
    }

    private static byte[] pkt(String line) {
        byte[] data = line.getBytes(StandardCharsets.ISO_8859_1);
        return concat(String.format("%04x", data.length + 4).getBytes(StandardCharsets.US_ASCII), data);
    }

    private static byte[] emptyPack() throws Exception {
        byte[] header = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
        return concat(header, MessageDigest.getInstance("SHA-1").digest(header));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
