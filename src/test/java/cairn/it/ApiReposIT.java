package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.auth.Level.Kind;
import cairn.auth.Level;
import cairn.testing.ApiTest;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.vcs.Repo;

/** The repository methods of the JSON-RPC API, called over HTTP as Kallithea's scripts call them. */
class ApiReposIT extends ApiTest {
    static Repo upstream;
    static Repo secret;
    static Path work;
    static String head1;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        createSiteWithUsers();
        upstream = site.repo("upstream", site.admin, false);
        secret = site.repo("secret", site.admin, true);
        work = site.git.workTree(site.dir.resolve("work"), "first", "second");
        site.git.run(work, "tag", "v0.2.0").expectOk();
        site.git.run(work, "push", "-q", folder("upstream").toString(), "main", "--tags").expectOk();
        head1 = site.git.head(work);
        site.services.repos.ensureGroups("grp", site.admin);
        return site.war();
    }

    static Path folder(String name) {
        return site.dir.resolve("data/repos").resolve(name);
    }

    String url(String repo) {
        return Http.join(base, repo + ".git");
    }

    static long groupId(String name) {
        return site.services.repos.groupByName(name).orElseThrow().id();
    }

    /** Runs {@code body} while the default user (everyone's floor) lacks hg.create.repository. */
    static void withoutCreate(ThrowingRunnable body) throws Exception {
        site.services.permissions.setGlobal(site.defaultUser(), "hg.create.none");
        try {
            body.run();
        } finally {
            site.services.permissions.setGlobal(site.defaultUser(), "hg.create.repository");
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static List<String> journal(String repo) {
        Repo r = site.services.repos.byName(repo).orElseThrow();
        List<String> actions = new ArrayList<>();
        site.services.journal.forRepo(r, 50).forEach(e -> actions.add(e.action()));
        return actions;
    }

    // ---- get_repo / get_repos -------------------------------------------------------------------------------------

    @Test
    void getRepoShapeMembersAndRevisionNames() throws Exception {
        JsonNode r = admin.result("get_repo", "{\"repoid\": \"upstream\"}");
        assertEquals(upstream.id(), r.get("repo_id").asLong());
        assertEquals("upstream", r.get("repo_name").asText());
        assertEquals("git", r.get("repo_type").asText());
        assertTrue(r.get("clone_uri").isNull());
        assertFalse(r.get("private").asBoolean());
        assertEquals("[\"rev\",\"tip\"]", r.get("landing_rev").toString());
        assertEquals("admin", r.get("owner").asText());
        assertTrue(r.get("fork_of").isNull());
        assertTrue(r.get("created_on").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?"));
        JsonNode cs = r.get("last_changeset");
        assertEquals(head1, cs.get("raw_id").asText());
        assertEquals(head1.substring(0, 12), cs.get("short_id").asText());
        assertEquals(1, cs.get("revision").asInt());
        assertEquals("second", cs.get("message").asText().trim());
        assertEquals("Cairn Test <test@cairn.invalid>", cs.get("author").asText());
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"repository.read\"}]",
                r.get("members").toString());
        assertEquals("[]", r.get("followers").toString());
        assertFalse(r.has("tags"));
        assertFalse(r.has("pull_requests"));
        // by numeric id and digit string, with null-valued options (= not given)
        assertEquals(r, admin.result("get_repo", "{\"repoid\": " + upstream.id() + "}"));
        assertEquals(r, admin.result("get_repo", "{\"repoid\": \"" + upstream.id()
                + "\", \"with_revision_names\": null, \"with_pullrequests\": null}"));
        JsonNode full = admin.result("get_repo",
                "{\"repoid\": \"upstream\", \"with_revision_names\": true, \"with_pullrequests\": true}");
        assertEquals(head1, full.get("tags").get("v0.2.0").asText());
        assertEquals(head1, full.get("branches").get("main").asText());
        assertEquals("{}", full.get("bookmarks").toString());
        assertEquals("[]", full.get("pull_requests").toString());
        // a regular user reads the public repository, the same as the admin sees it
        assertEquals(r, user.result("get_repo", "{\"repoid\": \"upstream\"}"));
    }

    @Test
    void getRepoHidesWhatTheCallerMayNotRead() throws Exception {
        assertEquals("repository `secret` does not exist", user.error("get_repo", "{\"repoid\": \"secret\"}"));
        assertEquals("repository `" + secret.id() + "` does not exist",
                user.error("get_repo", "{\"repoid\": " + secret.id() + "}"));
        assertEquals("repository `no-such-repo` does not exist",
                admin.error("get_repo", "{\"repoid\": \"no-such-repo\"}"));
        assertEquals("Missing non optional `repoid` arg in JSON DATA", admin.error("get_repo", "{}"));
        assertEquals("Unknown `x` arg in JSON DATA", admin.error("get_repo", "{\"repoid\": 1, \"x\": 2}"));
        assertTrue(admin.result("get_repo", "{\"repoid\": \"secret\"}").get("private").asBoolean());
        List<String> mine = names(user.result("get_repos", "{}"));
        assertTrue(mine.contains("upstream"));
        assertFalse(mine.contains("secret"));
        List<String> all = names(admin.result("get_repos", "{}"));
        assertTrue(all.containsAll(List.of("upstream", "secret")), all.toString());
        JsonNode nullArgs = admin.call("get_repos", null);
        assertTrue(nullArgs.get("error").isNull());
        // a grant opens it; the shape is the same for a reader
        Repo shared = site.repo("shared-secret", site.admin, true);
        site.grant(shared, regular, Level.READ);
        assertEquals(admin.result("get_repo", "{\"repoid\": \"shared-secret\"}").toString(),
                user.result("get_repo", "{\"repoid\": \"shared-secret\"}").toString());
        assertTrue(names(user.result("get_repos", "{}")).contains("shared-secret"));
    }

    static List<String> names(JsonNode repos) {
        List<String> out = new ArrayList<>();
        repos.forEach(r -> out.add(r.get("repo_name").asText()));
        return out;
    }

    // ---- create_repo ----------------------------------------------------------------------------------------------

    @Test
    void createRepoWithDefaultsAndWithEveryArgument() throws Exception {
        JsonNode res = admin.result("create_repo", "{\"repo_name\": \"api-new\", \"owner\": null, "
                + "\"description\": null, \"clone_uri\": null, \"private\": null}");
        assertEquals("{\"msg\":\"Created new repository `api-new`\",\"success\":true}", res.toString());
        JsonNode r = admin.result("get_repo", "{\"repoid\": \"api-new\"}");
        assertTrue(r.get("clone_uri").isNull());
        assertEquals("api-new", r.get("description").asText());
        assertFalse(r.get("enable_downloads").asBoolean());
        assertFalse(r.get("enable_statistics").asBoolean());
        assertFalse(r.get("private").asBoolean());
        assertEquals("[\"rev\",\"tip\"]", r.get("landing_rev").toString());
        assertEquals("admin", r.get("owner").asText());
        assertEquals("{\"short_id\":\"000000000000\",\"raw_id\":\"" + "0".repeat(40) + "\",\"revision\":-1,"
                + "\"message\":\"\",\"date\":\"1970-01-01T00:00:00\",\"author\":\"\"}",
                r.get("last_changeset").toString());
        assertEquals("admin", r.get("followers").get(0).get("username").asText(), "the owner follows");
        assertTrue(Files.isDirectory(folder("api-new")));
        assertTrue(journal("api-new").contains("user_created_repo"));

        admin.result("create_repo", "{\"repo_name\": \"api-full\", \"owner\": \"regular\", \"repo_type\": \"git\", "
                + "\"description\": \"d\", \"private\": true, \"landing_rev\": \"branch:master\", "
                + "\"enable_statistics\": true, \"enable_downloads\": true, \"copy_permissions\": false}");
        JsonNode f = admin.result("get_repo", "{\"repoid\": \"api-full\"}");
        assertEquals("regular", f.get("owner").asText());
        assertEquals("d", f.get("description").asText());
        assertTrue(f.get("private").asBoolean());
        assertEquals("[\"branch\",\"master\"]", f.get("landing_rev").toString());
        assertTrue(f.get("enable_statistics").asBoolean());
        assertTrue(f.get("enable_downloads").asBoolean());
        assertTrue(f.get("members").toString().contains("\"name\":\"default\",\"type\":\"user\","
                + "\"permission\":\"repository.none\""), f.toString());
        // the owner reads its private repository
        assertEquals("api-full", user.result("get_repo", "{\"repoid\": \"api-full\"}").get("repo_name").asText());

        // a regular user creates at the top level (default permission) but may not name an owner
        assertEquals("Created new repository `by-regular`",
                user.result("create_repo", "{\"repo_name\": \"by-regular\"}").get("msg").asText());
        assertEquals("regular", admin.result("get_repo", "{\"repoid\": \"by-regular\"}").get("owner").asText());
        assertEquals("Only Kallithea admin can specify `owner` param",
                user.error("create_repo", "{\"repo_name\": \"by-regular2\", \"owner\": \"other\"}"));
    }

    @Test
    void createRepoErrors() throws Exception {
        for (String bad : new String[] {"", ".", "..", ":", "<test>"}) {
            assertEquals("failed to create repository `" + bad + "`",
                    admin.error("create_repo", "{\"repo_name\": \"" + bad + "\"}"));
        }
        assertEquals("repo group `` not found", admin.error("create_repo", "{\"repo_name\": \"/\"}"));
        assertEquals("repo group `my_gr` not found", admin.error("create_repo", "{\"repo_name\": \"my_gr/api-repo\"}"));
        assertEquals("repo group `grp/..` not found", admin.error("create_repo", "{\"repo_name\": \"grp/../x\"}"));
        assertEquals("repo `upstream` already exist", admin.error("create_repo", "{\"repo_name\": \"upstream\"}"));
        assertEquals("user `i-dont-exist` does not exist",
                admin.error("create_repo", "{\"repo_name\": \"x1\", \"owner\": \"i-dont-exist\"}"));
        assertEquals("failed to create repository `x2`",
                admin.error("create_repo", "{\"repo_name\": \"x2\", \"repo_type\": \"hg\"}"));
        assertEquals("Missing non optional `repo_name` arg in JSON DATA", admin.error("create_repo", "{}"));
        assertEquals("Missing non optional `repo_name` arg in JSON DATA",
                admin.call("create_repo", null).get("error").asText());
        assertEquals("Unknown `repo_group` arg in JSON DATA",
                admin.error("create_repo", "{\"repo_name\": \"x3\", \"repo_group\": \"grp\"}"));
        withoutCreate(() -> assertEquals("no permission to create top level repo",
                user.error("create_repo", "{\"repo_name\": \"nope\"}")));
        // inside a group: group write is needed
        assertEquals("no permission to create repo in grp",
                user.error("create_repo", "{\"repo_name\": \"grp/api-repo-repo\"}"));
        site.services.permissions.grantUser(Kind.GROUP, groupId("grp"), regular, Level.WRITE);
        try {
            withoutCreate(() -> assertEquals("Created new repository `grp/api-repo-repo`",
                    user.result("create_repo", "{\"repo_name\": \"grp/api-repo-repo\", \"copy_permissions\": true}")
                            .get("msg").asText()));
        } finally {
            site.services.permissions.revokeUser(Kind.GROUP, groupId("grp"), regular);
        }
        assertTrue(Files.isDirectory(folder("grp/api-repo-repo")));
        // copy_permissions took the group's grants over as repository levels
        String members = admin.result("get_repo", "{\"repoid\": \"grp/api-repo-repo\"}").get("members").toString();
        assertTrue(members.contains("{\"name\":\"default\",\"type\":\"user\",\"permission\":\"repository.read\"}"),
                members);
        assertTrue(members.contains("{\"name\":\"regular\",\"type\":\"user\",\"permission\":\"repository.write\"}"),
                members);
        assertEquals("grp/api-repo-repo",
                admin.result("get_repo", "{\"repoid\": \"grp/api-repo-repo\"}").get("repo_name").asText());
    }

    @Test
    void createRepoImportsFromARemoteAndRefusesLocalOnes() throws Exception {
        String remote = url("upstream");
        admin.result("create_repo", "{\"repo_name\": \"imported\", \"clone_uri\": \"" + remote + "\"}");
        JsonNode r = admin.result("get_repo", "{\"repoid\": \"imported\", \"with_revision_names\": true}");
        assertEquals(head1, r.get("last_changeset").get("raw_id").asText());
        assertEquals(head1, r.get("tags").get("v0.2.0").asText());
        assertEquals(remote, r.get("clone_uri").asText());
        // credentials in the URL: admins see them, others do not
        String withCreds = remote.replace("http://", "http://other:other-pw@");
        admin.result("create_repo", "{\"repo_name\": \"grp/imported-creds\", \"clone_uri\": \"" + withCreds + "\"}");
        site.grant(site.services.repos.byName("grp/imported-creds").orElseThrow(), regular, Level.READ);
        assertEquals(withCreds, admin.result("get_repo", "{\"repoid\": \"grp/imported-creds\"}").get("clone_uri")
                .asText());
        String seen = user.result("get_repo", "{\"repoid\": \"grp/imported-creds\"}").get("clone_uri").asText();
        assertEquals(remote.replace("http://", "http://other@"), seen);
        assertFalse(user.result("get_repos", "{}").toString().contains("other-pw"));
        // refused and failing sources leave neither a row nor a folder
        for (String bad : new String[] {"file://" + folder("upstream"), folder("upstream").toString(),
                "http://127.0.0.1:1/nothing.git", url("no-such-repo"), "ssh://127.0.0.1/x"}) {
            assertEquals("failed to create repository `imp-bad`",
                    admin.error("create_repo", "{\"repo_name\": \"grp/imp-bad\", \"clone_uri\": \"" + bad + "\"}"),
                    bad);
            assertTrue(site.services.repos.byName("grp/imp-bad").isEmpty());
            assertFalse(Files.exists(folder("grp/imp-bad")));
        }
    }

    // ---- update_repo ----------------------------------------------------------------------------------------------

    @Test
    void updateRepoFieldsRenameAndMove() throws Exception {
        Repo repo = site.repo("upd-a", site.admin, false);
        JsonNode res = admin.result("update_repo", "{\"repoid\": \"" + repo.id() + "\", \"description\": \"new\", "
                + "\"private\": true, \"landing_rev\": \"branch:main\", \"enable_downloads\": true, "
                + "\"enable_statistics\": true, \"owner\": \"regular\", \"clone_uri\": null, \"name\": null}");
        assertEquals("updated repo ID:" + repo.id() + " upd-a", res.get("msg").asText());
        JsonNode r = res.get("repository");
        assertEquals("new", r.get("description").asText());
        assertTrue(r.get("private").asBoolean());
        assertEquals("[\"branch\",\"main\"]", r.get("landing_rev").toString());
        assertTrue(r.get("enable_downloads").asBoolean());
        assertTrue(r.get("enable_statistics").asBoolean());
        assertEquals("regular", r.get("owner").asText());
        JsonNode got = admin.result("get_repo", "{\"repoid\": \"upd-a\"}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) got).remove(List.of("members", "followers"));
        assertEquals(r, got);
        assertTrue(journal("upd-a").contains("user_updated_repo"));

        assertEquals("updated repo ID:" + repo.id() + " upd-b",
                admin.result("update_repo", "{\"repoid\": \"upd-a\", \"name\": \"upd-b\"}").get("msg").asText());
        assertFalse(Files.exists(folder("upd-a")));
        assertTrue(Files.isDirectory(folder("upd-b")));
        JsonNode moved = admin.result("update_repo", "{\"repoid\": " + repo.id() + ", \"group\": \"grp\"}");
        assertEquals("updated repo ID:" + repo.id() + " grp/upd-b", moved.get("msg").asText());
        assertTrue(Files.isDirectory(folder("grp/upd-b")));
        assertFalse(Files.exists(folder("upd-b")));
        assertEquals("grp/upd-b", moved.get("repository").get("repo_name").asText());
        // rename inside the group keeps it there
        assertEquals("updated repo ID:" + repo.id() + " grp/upd-c",
                admin.result("update_repo", "{\"repoid\": \"grp/upd-b\", \"name\": \"upd-c\"}").get("msg").asText());
        assertTrue(Files.isDirectory(folder("grp/upd-c")));
        // the repository still serves Git at its new name
        assertEquals(200, Http.get(base, "grp/upd-c.git/info/refs?service=git-upload-pack",
                Http.basic("admin", TestSite.ADMIN_PASSWORD)).statusCode());
    }

    @Test
    void updateRepoErrors() throws Exception {
        Repo repo = site.repo("upd-err", site.admin, false);
        assertEquals("repository group `nogroup` does not exist",
                admin.error("update_repo", "{\"repoid\": \"upd-err\", \"group\": \"nogroup\"}"));
        assertEquals("repository `upd-err` does not exist",
                user.error("update_repo", "{\"repoid\": \"upd-err\", \"description\": \"x\"}"));
        assertEquals("failed to update repo `upd-err`",
                admin.error("update_repo", "{\"repoid\": \"upd-err\", \"clone_uri\": \"file:///etc\"}"));
        assertEquals("failed to update repo `upd-err`", admin.error("update_repo",
                "{\"repoid\": \"upd-err\", \"clone_uri\": \"http://127.0.0.1:1/x.git\"}"));
        assertEquals("failed to update repo `upd-err`",
                admin.error("update_repo", "{\"repoid\": \"upd-err\", \"name\": \"upstream\"}"));
        assertEquals("repository `nope` does not exist", admin.error("update_repo", "{\"repoid\": \"nope\"}"));
        site.grant(repo, regular, Level.ADMIN);
        // a repository admin may edit, but not name an owner, and needs hg.create.repository to rename at top level
        assertEquals("updated repo ID:" + repo.id() + " upd-err",
                user.result("update_repo", "{\"repoid\": \"upd-err\", \"description\": \"by regular\"}")
                        .get("msg").asText());
        assertEquals("Only Kallithea admin can specify `owner` param",
                user.error("update_repo", "{\"repoid\": \"upd-err\", \"owner\": \"regular\"}"));
        withoutCreate(() -> assertEquals("no permission to create (or move) top level repositories",
                user.error("update_repo", "{\"repoid\": \"upd-err\", \"name\": \"upd-err2\"}")));
        assertEquals("no permission to create (or move) repo in grp",
                user.error("update_repo", "{\"repoid\": \"upd-err\", \"group\": \"grp\"}"));
        assertEquals("updated repo ID:" + repo.id() + " upd-err",
                admin.result("update_repo", "{\"repoid\": \"upd-err\", \"clone_uri\": \"" + url("upstream") + "\"}")
                        .get("msg").asText());
    }

    // ---- fork_repo ------------------------------------------------------------------------------------------------

    @Test
    void forkRepo() throws Exception {
        assertEquals("{\"msg\":\"Created fork of `upstream` as `upstream-fork`\",\"success\":true}",
                admin.result("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"upstream-fork\", "
                        + "\"owner\": null, \"description\": null, \"private\": null}").toString());
        JsonNode f = admin.result("get_repo", "{\"repoid\": \"upstream-fork\", \"with_revision_names\": true}");
        assertEquals("upstream", f.get("fork_of").asText());
        assertEquals(head1, f.get("last_changeset").get("raw_id").asText());
        assertEquals(head1, f.get("tags").get("v0.2.0").asText());
        assertTrue(journal("upstream-fork").contains("user_created_fork"));
        assertTrue(journal("upstream").contains("user_forked_repo:upstream-fork"));
        assertEquals("fork `upstream-fork` already exist",
                admin.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"upstream-fork\"}"));
        assertEquals("repo `upstream` already exist",
                admin.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"upstream\"}"));
        assertEquals("user `i-dont-exist` does not exist", admin.error("fork_repo",
                "{\"repoid\": \"upstream\", \"fork_name\": \"f-x\", \"owner\": \"i-dont-exist\"}"));
        assertEquals("repository `secret` does not exist",
                user.error("fork_repo", "{\"repoid\": \"secret\", \"fork_name\": \"f-y\"}"));
        assertEquals("Only Kallithea admin can specify `owner` param",
                user.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"f-y\", \"owner\": \"other\"}"));
        withoutCreate(() -> assertEquals("no permission to create top level repo",
                user.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"f-y\"}")));
        assertEquals("no permission to create repo in grp",
                user.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"grp/f-y\"}"));
        assertEquals("repo group `nogrp` not found",
                user.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \"nogrp/f-y\"}"));
        // a regular user forks what it reads, owning the fork; copy_permissions copies the source's grants
        site.grant(upstream, other, Level.WRITE);
        user.result("fork_repo", "{\"repoid\": " + upstream.id() + ", \"fork_name\": \"f-regular\", "
                + "\"copy_permissions\": true, \"private\": false}");
        JsonNode mine = admin.result("get_repo", "{\"repoid\": \"f-regular\"}");
        assertEquals("regular", mine.get("owner").asText());
        assertTrue(mine.get("members").toString().contains("{\"name\":\"other\",\"type\":\"user\","
                + "\"permission\":\"repository.write\"}"), mine.toString());
        site.services.permissions.revokeUser(Kind.REPOSITORY, upstream.id(), other);
        assertEquals("failed to fork repository `upstream` as `:`",
                admin.error("fork_repo", "{\"repoid\": \"upstream\", \"fork_name\": \":\"}"));
    }

    // ---- delete_repo ----------------------------------------------------------------------------------------------

    @Test
    void deleteRepoMovesTheFolderAside() throws Exception {
        Repo repo = site.repo("grp/del-a", site.admin, false);
        assertEquals("{\"msg\":\"Deleted repository `grp/del-a`\",\"success\":true}",
                admin.result("delete_repo", "{\"repoid\": " + repo.id() + ", \"forks\": null}").toString());
        assertTrue(site.services.repos.byId(repo.id()).isEmpty());
        assertFalse(Files.exists(folder("grp/del-a")));
        try (Stream<Path> s = Files.list(folder("grp"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("rm__\\d{8}_\\d{6}_\\d{6}__del-a")));
        }
        assertEquals("repository `grp/del-a` does not exist",
                admin.error("delete_repo", "{\"repoid\": \"grp/del-a\"}"));
        // a regular user needs admin on the repository; its owner has it
        site.repo("del-b", site.admin, false);
        assertEquals("repository `del-b` does not exist", user.error("delete_repo", "{\"repoid\": \"del-b\"}"));
        site.repo("del-own", regular, false);
        assertEquals("Deleted repository `del-own`", user.result("delete_repo", "{\"repoid\": \"del-own\"}")
                .get("msg").asText());
    }

    @Test
    void deleteRepoWithForks() throws Exception {
        site.repo("del-p", site.admin, false);
        admin.result("fork_repo", "{\"repoid\": \"del-p\", \"fork_name\": \"del-p-fork\"}");
        assertEquals("failed to delete repository `del-p`", admin.error("delete_repo", "{\"repoid\": \"del-p\"}"));
        assertTrue(Files.isDirectory(folder("del-p")), "nothing moved when refused");
        assertEquals("Deleted repository `del-p` Detached 1 forks",
                admin.result("delete_repo", "{\"repoid\": \"del-p\", \"forks\": \"detach\"}").get("msg").asText());
        assertTrue(admin.result("get_repo", "{\"repoid\": \"del-p-fork\"}").get("fork_of").isNull());

        site.repo("del-q", site.admin, false);
        admin.result("fork_repo", "{\"repoid\": \"del-q\", \"fork_name\": \"del-q-fork\"}");
        assertEquals("Deleted repository `del-q` Deleted 1 forks",
                admin.result("delete_repo", "{\"repoid\": \"del-q\", \"forks\": \"delete\"}").get("msg").asText());
        assertTrue(site.services.repos.byName("del-q-fork").isEmpty());
        assertFalse(Files.exists(folder("del-q-fork")));
        assertTrue(journal("del-p-fork").size() > 0);
    }

    // ---- grants ---------------------------------------------------------------------------------------------------

    @Test
    void grantAndRevokeUserPermission() throws Exception {
        Repo repo = site.repo("perm-u", site.admin, true);
        assertEquals("repository `perm-u` does not exist", user.error("get_repo", "{\"repoid\": \"perm-u\"}"));
        assertEquals("{\"msg\":\"Granted perm: `repository.write` for user: `regular` in repo: `perm-u`\","
                + "\"success\":true}", admin.result("grant_user_permission", "{\"repoid\": \"perm-u\", "
                + "\"userid\": \"regular\", \"perm\": \"repository.write\"}").toString());
        JsonNode r = user.result("get_repo", "{\"repoid\": \"perm-u\"}");
        assertTrue(r.get("members").toString().contains(
                "{\"name\":\"regular\",\"type\":\"user\",\"permission\":\"repository.write\"}"));
        assertEquals("Granted perm: `repository.read` for user: `regular` in repo: `perm-u`",
                admin.result("grant_user_permission", "{\"repoid\": " + repo.id() + ", \"userid\": " + regular.id()
                        + ", \"perm\": \"repository.read\"}").get("msg").asText());
        assertEquals("permission `haha.no.permission` does not exist", admin.error("grant_user_permission",
                "{\"repoid\": \"perm-u\", \"userid\": \"regular\", \"perm\": \"haha.no.permission\"}"));
        assertEquals("user `nobody` does not exist", admin.error("grant_user_permission",
                "{\"repoid\": \"perm-u\", \"userid\": \"nobody\", \"perm\": \"repository.read\"}"));
        assertEquals("repository `nope` does not exist", admin.error("grant_user_permission",
                "{\"repoid\": \"nope\", \"userid\": \"regular\", \"perm\": \"repository.read\"}"));
        assertEquals("Missing non optional `perm` arg in JSON DATA", admin.error("grant_user_permission", "{}"));
        assertEquals("Internal server error", user.error("grant_user_permission",
                "{\"repoid\": \"perm-u\", \"userid\": \"regular\", \"perm\": \"repository.admin\"}"));
        assertEquals("{\"msg\":\"Revoked perm for user: `regular` in repo: `perm-u`\",\"success\":true}",
                admin.result("revoke_user_permission", "{\"repoid\": \"perm-u\", \"userid\": \"regular\"}")
                        .toString());
        assertEquals("repository `perm-u` does not exist", user.error("get_repo", "{\"repoid\": \"perm-u\"}"));
        assertEquals("Internal server error",
                user.error("revoke_user_permission", "{\"repoid\": \"perm-u\", \"userid\": \"regular\"}"));
    }

    @Test
    void grantAndRevokeUserGroupPermission() throws Exception {
        Repo repo = site.repo("perm-g", site.admin, true);
        long ug = site.services.users.createUserGroup("devs", site.admin, true);
        site.services.users.addMember(ug, other);
        assertEquals("{\"msg\":\"Granted perm: `repository.read` for user group: `devs` in repo: `perm-g`\","
                + "\"success\":true}", admin.result("grant_user_group_permission", "{\"repoid\": \"perm-g\", "
                + "\"usergroupid\": \"devs\", \"perm\": \"repository.read\"}").toString());
        JsonNode members = admin.result("get_repo", "{\"repoid\": " + repo.id() + "}").get("members");
        assertEquals("{\"name\":\"devs\",\"type\":\"user_group\",\"permission\":\"repository.read\"}",
                members.get(members.size() - 1).toString(), "user groups after users");
        assertEquals("perm-g", admin.as(other.apiKey()).result("get_repo", "{\"repoid\": \"perm-g\"}")
                .get("repo_name").asText(), "members of the group read it");
        assertEquals("user group `nope` does not exist", admin.error("grant_user_group_permission",
                "{\"repoid\": \"perm-g\", \"usergroupid\": \"nope\", \"perm\": \"repository.read\"}"));
        assertEquals("permission `repository.nah` does not exist", admin.error("grant_user_group_permission",
                "{\"repoid\": \"perm-g\", \"usergroupid\": \"devs\", \"perm\": \"repository.nah\"}"));
        // a regular user: needs admin on the repository, then read on the user group
        assertEquals("repository `perm-g` does not exist", user.error("grant_user_group_permission",
                "{\"repoid\": \"perm-g\", \"usergroupid\": \"devs\", \"perm\": \"repository.write\"}"));
        site.grant(repo, regular, Level.ADMIN);
        assertEquals("user group `" + ug + "` does not exist", user.error("grant_user_group_permission",
                "{\"repoid\": \"perm-g\", \"usergroupid\": " + ug + ", \"perm\": \"repository.write\"}"));
        site.services.permissions.grantUser(Kind.USERGROUP, ug, regular, Level.READ);
        assertEquals("Granted perm: `repository.write` for user group: `devs` in repo: `perm-g`",
                user.result("grant_user_group_permission", "{\"repoid\": \"perm-g\", \"usergroupid\": \"" + ug
                        + "\", \"perm\": \"repository.write\"}").get("msg").asText());
        assertEquals("{\"msg\":\"Revoked perm for user group: `devs` in repo: `perm-g`\",\"success\":true}",
                user.result("revoke_user_group_permission", "{\"repoid\": \"perm-g\", \"usergroupid\": \"devs\"}")
                        .toString());
        assertFalse(admin.result("get_repo", "{\"repoid\": \"perm-g\"}").get("members").toString()
                .contains("user_group"));
        assertEquals("repository `perm-g` does not exist", admin.as(other.apiKey()).error(
                "revoke_user_group_permission", "{\"repoid\": \"perm-g\", \"usergroupid\": \"devs\"}"));
    }

    // ---- pull / invalidate_cache ----------------------------------------------------------------------------------

    @Test
    void pullFromCloneUriArgumentAndForkParent() throws Exception {
        Path w = site.git.workTree(site.dir.resolve("work-pull"), "p1");
        site.repo("pull-src", site.admin, false);
        site.git.run(w, "push", "-q", folder("pull-src").toString(), "main").expectOk();
        admin.result("create_repo", "{\"repo_name\": \"pull-imp\", \"clone_uri\": \"" + url("pull-src") + "\"}");
        admin.result("fork_repo", "{\"repoid\": \"pull-src\", \"fork_name\": \"pull-fork\"}");
        Repo plain = site.repo("pull-plain", site.admin, false);
        site.git.commit(w, "p2");
        site.git.run(w, "push", "-q", folder("pull-src").toString(), "main").expectOk();
        String head = site.git.head(w);
        assertEquals("{\"msg\":\"Pulled from `pull-imp`\",\"repository\":\"pull-imp\"}",
                admin.result("pull", "{\"repoid\": \"pull-imp\", \"clone_uri\": null}").toString());
        assertEquals(head, tip("pull-imp"));
        assertEquals("Pulled from `pull-fork`", admin.result("pull", "{\"repoid\": \"pull-fork\"}").get("msg")
                .asText());
        assertEquals(head, tip("pull-fork"));
        assertEquals("Unable to pull changes from `pull-plain`", admin.error("pull", "{\"repoid\": \"pull-plain\"}"));
        assertEquals("Unable to pull changes from `pull-plain`", admin.error("pull",
                "{\"repoid\": \"pull-plain\", \"clone_uri\": \"file://" + folder("pull-src") + "\"}"));
        assertEquals("Unable to pull changes from `pull-plain`", admin.error("pull",
                "{\"repoid\": \"pull-plain\", \"clone_uri\": \"http://127.0.0.1:1/x.git\"}"));
        assertEquals("Pulled from `pull-plain`", admin.result("pull", "{\"repoid\": " + plain.id()
                + ", \"clone_uri\": \"" + url("pull-src") + "\"}").get("msg").asText());
        assertEquals(head, tip("pull-plain"));
        assertTrue(journal("pull-plain").contains("pull"));
        assertEquals("Internal server error", user.error("pull", "{\"repoid\": \"pull-imp\"}"));
        assertEquals("repository `nope` does not exist", admin.error("pull", "{\"repoid\": \"nope\"}"));
    }

    String tip(String repo) throws Exception {
        return admin.result("get_repo", "{\"repoid\": \"" + repo + "\"}").get("last_changeset").get("raw_id").asText();
    }

    @Test
    void invalidateCache() throws Exception {
        Repo repo = site.repo("inv", site.admin, false);
        assertEquals("0".repeat(40), tip("inv"));
        Path w = site.git.workTree(site.dir.resolve("work-inv"), "i1");
        // written straight to disk, behind Cairn's back: the cached tip is stale until invalidated
        site.git.run(w, "push", "-q", folder("inv").toString(), "main").expectOk();
        assertEquals("0".repeat(40), tip("inv"));
        assertEquals("{\"msg\":\"Cache for repository `inv` was invalidated\",\"repository\":\"inv\"}",
                admin.result("invalidate_cache", "{\"repoid\": \"inv\"}").toString());
        assertEquals(site.git.head(w), tip("inv"));
        assertEquals("repository `inv` does not exist", user.error("invalidate_cache", "{\"repoid\": \"inv\"}"));
        site.grant(repo, regular, Level.WRITE);
        assertEquals("Cache for repository `" + repo.id() + "` was invalidated",
                user.result("invalidate_cache", "{\"repoid\": \"" + repo.id() + "\"}").get("msg").asText());
        // a push over HTTP refreshes the tip by itself
        site.git.commit(w, "i2");
        String authed = url("inv").replace("http://", "http://admin:" + TestSite.ADMIN_PASSWORD + "@");
        site.git.run(w, "push", "-q", authed, "main").expectOk();
        assertEquals(site.git.head(w), tip("inv"));
        assertNotNull(admin.result("get_repo", "{\"repoid\": \"inv\"}"));
    }
}
