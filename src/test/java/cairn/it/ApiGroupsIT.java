package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.auth.Level.Kind;
import cairn.auth.Level;
import cairn.auth.User;
import cairn.testing.ApiTest;
import cairn.testing.TestSite;
import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

/** Repository groups over the JSON-RPC API: shapes, renames and moves on disk, deletes, grants with recursion. */
class ApiGroupsIT extends ApiTest {
    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        createSiteWithUsers();
        return site.war();
    }

    private Path root() {
        return site.dir.resolve("data/repos");
    }

    private JsonNode create(String argsJson) throws Exception {
        return admin.result("create_repo_group", argsJson).get("repo_group");
    }

    private RepoGroup dbGroup(String name) {
        return site.services.groups.byName(name).orElseThrow(() -> new AssertionError("no group " + name));
    }

    private long userGroup(String name) {
        return site.services.users.createUserGroup(name, site.admin, true);
    }

    @Test
    void createGetAndListWithShapes() throws Exception {
        JsonNode res = admin.result("create_repo_group", "{\"group_name\": \"shapes\"}");
        assertEquals("created new repo group `shapes`", res.get("msg").asText());
        JsonNode g = res.get("repo_group");
        long id = g.get("group_id").asLong();
        assertEquals("{\"group_id\":" + id + ",\"group_name\":\"shapes\",\"group_description\":\"shapes\","
                + "\"parent_group\":null,\"repositories\":[],\"owner\":\"admin\"}", g.toString());
        assertTrue(Files.isDirectory(root().resolve("shapes")), "folder made under the repository root");

        JsonNode sub = create("{\"group_name\": \"inner\", \"parent\": \"" + id + "\", \"description\": \"in\", "
                + "\"owner\": \"regular\", \"copy_permissions\": null}");
        assertEquals("shapes/inner", sub.get("group_name").asText());
        assertEquals("shapes", sub.get("parent_group").asText());
        assertEquals("in", sub.get("group_description").asText());
        assertEquals("regular", sub.get("owner").asText());
        assertTrue(Files.isDirectory(root().resolve("shapes/inner")));
        JsonNode byParentName = create("{\"group_name\": \"inner2\", \"parent\": \"shapes\", \"owner\": "
                + regular.id() + ", \"description\": null}");
        assertEquals("shapes/inner2", byParentName.get("group_name").asText());

        site.repo("shapes/app", site.admin, false);
        for (String ref : List.of(Long.toString(id), "\"" + id + "\"", "\"shapes\"")) {
            JsonNode got = admin.result("get_repo_group", "{\"repogroupid\": " + ref + "}");
            assertEquals("[\"shapes/app\"]", got.get("repositories").toString());
            assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"}]",
                    got.get("members").toString());
        }
        JsonNode inner = admin.result("get_repo_group", "{\"repogroupid\": \"shapes/inner\"}");
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"},"
                + "{\"name\":\"regular\",\"type\":\"user\",\"permission\":\"group.admin\"}]",
                inner.get("members").toString(), "a non-admin owner gets group.admin");

        long ug = userGroup("shape-readers");
        site.services.permissions.grantUserGroup(Kind.GROUP, id, ug, Level.WRITE);
        JsonNode copied = create("{\"group_name\": \"copied\", \"parent\": \"shapes\", \"copy_permissions\": true}");
        JsonNode copiedFull = admin.result("get_repo_group", "{\"repogroupid\": " + copied.get("group_id") + "}");
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"},"
                + "{\"name\":\"shape-readers\",\"type\":\"user_group\",\"permission\":\"group.write\"}]",
                copiedFull.get("members").toString());

        JsonNode all = admin.result("get_repo_groups", "{}");
        assertTrue(all.isArray());
        boolean seen = false;
        for (JsonNode e : all) {
            if (e.get("group_name").asText().equals("shapes/inner")) {
                seen = true;
                assertEquals(sub.toString(), e.toString());
            }
        }
        assertTrue(seen);
        assertTrue(admin.call("get_repo_groups", null).get("error").isNull(), "args: null");
    }

    @Test
    void createAndGetErrors() throws Exception {
        create("{\"group_name\": \"dup\"}");
        assertEquals("repo group `dup` already exist", admin.error("create_repo_group", "{\"group_name\": \"dup\"}"));
        assertEquals("repository group `nope` does not exist",
                admin.error("create_repo_group", "{\"group_name\": \"x\", \"parent\": \"nope\"}"));
        assertEquals("user `ghost` does not exist",
                admin.error("create_repo_group", "{\"group_name\": \"x\", \"owner\": \"ghost\"}"));
        for (String bad : List.of("a b", "x/y", "", ".", "..", "-x", "rm__x", "<test>")) {
            assertEquals("failed to create repo group `" + bad + "`",
                    admin.error("create_repo_group", "{\"group_name\": \"" + bad + "\"}"));
        }
        site.repo("taken", site.admin, false);
        assertEquals("failed to create repo group `taken`",
                admin.error("create_repo_group", "{\"group_name\": \"taken\"}"), "a repository has that name");
        Files.createDirectories(root().resolve("stray-folder"));
        assertEquals("failed to create repo group `stray-folder`",
                admin.error("create_repo_group", "{\"group_name\": \"stray-folder\"}"));
        assertTrue(site.services.groups.byName("stray-folder").isEmpty(), "no row without its folder");

        assertEquals("repository group `nope` does not exist",
                admin.error("get_repo_group", "{\"repogroupid\": \"nope\"}"));
        assertEquals("repository group `999999` does not exist",
                admin.error("get_repo_group", "{\"repogroupid\": 999999}"));
        assertEquals("Missing non optional `repogroupid` arg in JSON DATA", admin.error("get_repo_group", "{}"));
        assertEquals("Missing non optional `group_name` arg in JSON DATA", admin.error("create_repo_group", "{}"));
        assertEquals("Unknown `name` arg in JSON DATA",
                admin.error("create_repo_group", "{\"group_name\": \"y\", \"name\": \"y\"}"));

        for (String m : List.of("get_repo_groups", "get_repo_group", "create_repo_group", "update_repo_group",
                "delete_repo_group")) {
            String args = switch (m) {
                case "get_repo_groups" -> "{}";
                case "create_repo_group" -> "{\"group_name\": \"by-user\"}";
                default -> "{\"repogroupid\": \"dup\"}";
            };
            assertEquals("Internal server error", user.error(m, args), m + " is for super-admins only");
        }
        assertTrue(site.services.groups.byName("by-user").isEmpty());
    }

    @Test
    void updateDescriptionOwnerAndNullsLeaveTheRestAlone() throws Exception {
        JsonNode g = create("{\"group_name\": \"upd\", \"description\": \"before\"}");
        long id = g.get("group_id").asLong();
        JsonNode res = admin.result("update_repo_group", "{\"repogroupid\": " + id + ", \"description\": \"after\", "
                + "\"owner\": \"regular\", \"group_name\": null, \"parent\": null}");
        assertEquals("updated repository group ID:" + id + " upd", res.get("msg").asText());
        assertEquals("after", res.get("repo_group").get("group_description").asText());
        assertEquals("regular", res.get("repo_group").get("owner").asText());
        JsonNode same = admin.result("update_repo_group", "{\"repogroupid\": \"upd\"}");
        assertEquals(res.get("repo_group").toString(), same.get("repo_group").toString(), "no change");
        assertEquals("user `ghost` does not exist",
                admin.error("update_repo_group", "{\"repogroupid\": \"upd\", \"owner\": \"ghost\"}"));
        assertEquals("repository group `nope` does not exist",
                admin.error("update_repo_group", "{\"repogroupid\": \"upd\", \"parent\": \"nope\"}"));
        assertEquals("repository group `nope` does not exist",
                admin.error("update_repo_group", "{\"repogroupid\": \"nope\"}"));
    }

    @Test
    void renameAndMoveCarryRepositoriesAndSubGroupsOnDiskAndInTheDatabase() throws Exception {
        create("{\"group_name\": \"team\"}");
        create("{\"group_name\": \"sub\", \"parent\": \"team\"}");
        create("{\"group_name\": \"dest\"}");
        Repo app = site.repo("team/app", site.admin, false);
        Repo lib = site.repo("team/sub/lib", site.admin, false);
        Path work = Files.createTempDirectory(site.dir, "work");
        site.git.run(work, "clone", "-q", url("team/app"), "app").expectOk();
        Path clone = work.resolve("app");
        Files.writeString(clone.resolve("README"), "hello\n");
        site.git.run(clone, "add", "README").expectOk();
        site.git.run(clone, "commit", "-q", "-m", "first").expectOk();
        site.git.run(clone, "push", "-q", "origin", "HEAD:main").expectOk();
        String head = site.git.run(clone, "rev-parse", "HEAD").expectOk().out().trim();

        long id = dbGroup("team").id();
        JsonNode renamed = admin.result("update_repo_group", "{\"repogroupid\": \"team\", \"group_name\": \"crew\"}");
        assertEquals("updated repository group ID:" + id + " crew", renamed.get("msg").asText());
        assertEquals("[\"crew/app\"]", renamed.get("repo_group").get("repositories").toString());
        assertEquals("crew/app", site.services.repos.byId(app.id()).orElseThrow().name());
        assertEquals("crew/sub/lib", site.services.repos.byId(lib.id()).orElseThrow().name());
        assertEquals("crew", site.services.groups.byId(dbGroup("crew/sub").parentId()).orElseThrow().name());
        assertFalse(Files.exists(root().resolve("team")));
        assertTrue(Files.isDirectory(root().resolve("crew/app")));
        assertTrue(Files.isDirectory(root().resolve("crew/sub/lib")));
        site.git.run(work, "clone", "-q", url("crew/app"), "again").expectOk();
        assertEquals(head, site.git.run(work.resolve("again"), "rev-parse", "HEAD").expectOk().out().trim(),
                "the renamed repository serves its content");
        assertFalse(site.git.run(work, "clone", "-q", url("team/app"), "gone").ok(), "old name no longer served");

        JsonNode moved = admin.result("update_repo_group", "{\"repogroupid\": " + id + ", \"parent\": \"dest\"}");
        assertEquals("updated repository group ID:" + id + " dest/crew", moved.get("msg").asText());
        assertEquals("dest", moved.get("repo_group").get("parent_group").asText());
        assertEquals("dest/crew/sub/lib", site.services.repos.byId(lib.id()).orElseThrow().name());
        assertTrue(Files.isDirectory(root().resolve("dest/crew/sub/lib")));
        assertFalse(Files.exists(root().resolve("crew")));
        site.git.run(work, "clone", "-q", url("dest/crew/app"), "third").expectOk();

        JsonNode both = admin.result("update_repo_group", "{\"repogroupid\": \"" + id + "\", \"parent\": -1, "
                + "\"group_name\": \"band\"}");
        assertEquals("updated repository group ID:" + id + " band", both.get("msg").asText());
        assertTrue(both.get("repo_group").get("parent_group").isNull());
        assertEquals("band/app", site.services.repos.byId(app.id()).orElseThrow().name());
        assertTrue(Files.isDirectory(root().resolve("band/sub/lib")));
        assertTrue(Files.isDirectory(root().resolve("dest")), "the former parent stays");

        assertEquals("failed to update repository group `band`", admin.error("update_repo_group",
                "{\"repogroupid\": \"band\", \"parent\": \"band/sub\"}"), "not into itself");
        assertEquals("failed to update repository group `" + id + "`", admin.error("update_repo_group",
                "{\"repogroupid\": " + id + ", \"group_name\": \"a/b\"}"), "a simple name only");
    }

    @Test
    void aFailedRenameLeavesDatabaseAndDiskAsTheyWere() throws Exception {
        create("{\"group_name\": \"keep\", \"description\": \"kept\"}");
        create("{\"group_name\": \"occupied\"}");
        Repo r = site.repo("keep/repo", site.admin, false);
        Files.createDirectories(root().resolve("blocked"));
        assertEquals("failed to update repository group `keep`", admin.error("update_repo_group",
                "{\"repogroupid\": \"keep\", \"group_name\": \"blocked\", \"description\": \"changed\"}"),
                "a folder is in the way on disk");
        assertEquals("failed to update repository group `keep`", admin.error("update_repo_group",
                "{\"repogroupid\": \"keep\", \"group_name\": \"occupied\"}"), "a group has that name");
        site.repo("solo", site.admin, false);
        assertEquals("failed to update repository group `keep`", admin.error("update_repo_group",
                "{\"repogroupid\": \"keep\", \"group_name\": \"solo\"}"), "a repository has that name");
        JsonNode g = admin.result("get_repo_group", "{\"repogroupid\": \"keep\"}");
        assertEquals("kept", g.get("group_description").asText(), "nothing of the failed update was applied");
        assertEquals("keep/repo", site.services.repos.byId(r.id()).orElseThrow().name());
        assertTrue(Files.isDirectory(root().resolve("keep/repo")));
        try (Stream<Path> s = Files.list(root().resolve("blocked"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void deleteRefusesNonEmptyGroupsAndMovesTheFolderAside() throws Exception {
        long id = create("{\"group_name\": \"full\"}").get("group_id").asLong();
        site.repo("full/thing", site.admin, false);
        assertEquals("failed to delete repo group ID:" + id + " full",
                admin.error("delete_repo_group", "{\"repogroupid\": " + id + "}"));
        long parent = create("{\"group_name\": \"outer\"}").get("group_id").asLong();
        long child = create("{\"group_name\": \"leaf\", \"parent\": \"outer\"}").get("group_id").asLong();
        assertEquals("failed to delete repo group ID:" + parent + " outer",
                admin.error("delete_repo_group", "{\"repogroupid\": \"outer\"}"), "it has a sub-group");
        Files.writeString(root().resolve("outer/leaf/note.txt"), "left behind\n");

        JsonNode res = admin.result("delete_repo_group", "{\"repogroupid\": \"" + child + "\"}");
        assertEquals("{\"msg\":\"deleted repo group ID:" + child + " outer/leaf\",\"repo_group\":null}",
                res.toString());
        assertFalse(Files.exists(root().resolve("outer/leaf")));
        Path aside;
        try (Stream<Path> s = Files.list(root())) {
            aside = s.filter(p -> p.getFileName().toString().matches("rm__\\d{8}_\\d{6}_\\d{6}_GROUP_leaf"))
                    .findFirst().orElseThrow(() -> new AssertionError("not moved aside"));
        }
        assertEquals("left behind\n", Files.readString(aside.resolve("note.txt")));
        assertEquals("repository group `outer/leaf` does not exist",
                admin.error("get_repo_group", "{\"repogroupid\": \"outer/leaf\"}"));
        admin.result("delete_repo_group", "{\"repogroupid\": \"outer\"}");
        assertEquals("repository group `" + parent + "` does not exist",
                admin.error("delete_repo_group", "{\"repogroupid\": " + parent + "}"));
        JsonNode rescan = admin.result("rescan_repos", "{}");
        assertEquals("[]", rescan.get("added").toString(), "folders moved aside are not scanned");
    }

    @Test
    void grantAndRevokeUserWithApplyToChildren() throws Exception {
        create("{\"group_name\": \"perm\"}");
        create("{\"group_name\": \"kid\", \"parent\": \"perm\"}");
        Repo top = site.repo("perm/top", site.admin, false);
        Repo deep = site.repo("perm/kid/deep", site.admin, false);
        Repo secret = site.repo("perm/secret", site.admin, true);
        RepoGroup perm = dbGroup("perm");
        RepoGroup kid = dbGroup("perm/kid");

        for (String p : List.of("group.none", "group.read", "group.write", "group.admin")) {
            for (String mode : List.of("none", "all", "repos", "groups")) {
                JsonNode res = admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": \"perm\", "
                        + "\"userid\": \"other\", \"perm\": \"" + p + "\", \"apply_to_children\": \"" + mode + "\"}");
                assertEquals("{\"msg\":\"Granted perm: `" + p + "` (recursive:" + mode + ") for user: `other` in "
                        + "repo group: `perm`\",\"success\":true}", res.toString());
            }
        }
        site.services.permissions.setOnRepoGroupTree(false, other.id(), List.of(perm.id(), kid.id()),
                List.of(top.id(), deep.id(), secret.id()), null);

        admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": " + perm.id() + ", \"userid\": "
                + regular.id() + ", \"perm\": \"group.write\", \"apply_to_children\": null}");
        var p = perms(regular);
        assertEquals(Level.WRITE, p.group(perm.id()));
        assertEquals(Level.READ, p.group(kid.id()), "none: only the group itself");
        assertEquals(Level.READ, p.repo(top.id()));

        admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": \"perm\", \"userid\": \"regular\", "
                + "\"perm\": \"group.write\", \"apply_to_children\": \"repos\"}");
        p = perms(regular);
        assertEquals(Level.WRITE, p.repo(top.id()));
        assertEquals(Level.WRITE, p.repo(deep.id()), "repos of sub-groups too");
        assertEquals(Level.WRITE, p.repo(secret.id()));
        assertEquals(Level.READ, p.group(kid.id()), "repos: sub-groups untouched");
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"}]",
                admin.result("get_repo_group", "{\"repogroupid\": \"perm/kid\"}").get("members").toString());

        admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": \"perm\", \"userid\": \"regular\", "
                + "\"perm\": \"group.admin\", \"apply_to_children\": \"groups\"}");
        p = perms(regular);
        assertEquals(Level.ADMIN, p.group(kid.id()));
        assertEquals(Level.WRITE, p.repo(top.id()), "groups: repositories untouched");

        // the default user on a private repository is left alone by recursion
        admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": \"perm\", \"userid\": \"default\", "
                + "\"perm\": \"group.write\", \"apply_to_children\": \"all\"}");
        p = perms(other);
        assertEquals(Level.WRITE, p.repo(top.id()));
        assertEquals(Level.NONE, p.repo(secret.id()));
        admin.result("grant_user_permission_to_repo_group", "{\"repogroupid\": \"perm\", \"userid\": \"default\", "
                + "\"perm\": \"group.read\", \"apply_to_children\": \"all\"}");

        JsonNode members = admin.result("get_repo_group", "{\"repogroupid\": \"perm\"}").get("members");
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"},"
                + "{\"name\":\"regular\",\"type\":\"user\",\"permission\":\"group.admin\"}]", members.toString());

        JsonNode rev = admin.result("revoke_user_permission_from_repo_group", "{\"repogroupid\": \"perm\", "
                + "\"userid\": \"regular\", \"apply_to_children\": \"all\"}");
        assertEquals("{\"msg\":\"Revoked perm (recursive:all) for user: `regular` in repo group: `perm`\","
                + "\"success\":true}", rev.toString());
        p = perms(regular);
        assertEquals(Level.READ, p.group(perm.id()));
        assertEquals(Level.READ, p.group(kid.id()));
        assertEquals(Level.READ, p.repo(deep.id()));
        assertEquals(Level.NONE, p.repo(secret.id()));
        assertEquals("{\"msg\":\"Revoked perm (recursive:none) for user: `regular` in repo group: `kid`\","
                + "\"success\":true}", admin.result("revoke_user_permission_from_repo_group",
                        "{\"repogroupid\": \"perm/kid\", \"userid\": \"regular\"}").toString(),
                "revoking what is not granted succeeds; the message names the last segment");
    }

    @Test
    void grantAndRevokeUserErrorsAndGroupAdmins() throws Exception {
        create("{\"group_name\": \"guarded\"}");
        create("{\"group_name\": \"mine\", \"parent\": \"guarded\", \"owner\": \"regular\"}");
        assertEquals("permission `haha.no.permission` does not exist", admin.error(
                "grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"regular\", \"perm\": \"haha.no.permission\"}"));
        assertEquals("permission `group.READ` does not exist", admin.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"regular\", \"perm\": \"group.READ\"}"));
        for (String wrongKind : List.of("repository.read", "usergroup.admin", "hg.admin")) {
            assertEquals("permission `" + wrongKind + "` is invalid, should start with group.", admin.error(
                    "grant_user_permission_to_repo_group", "{\"repogroupid\": \"guarded\", \"userid\": \"regular\", "
                            + "\"perm\": \"" + wrongKind + "\"}"));
        }
        assertEquals("user `ghost` does not exist", admin.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"ghost\", \"perm\": \"group.read\"}"));
        assertEquals("user `ghost` does not exist", admin.error("revoke_user_permission_from_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"ghost\"}"));
        assertEquals("repository group `nope` does not exist", admin.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"nope\", \"userid\": \"regular\", \"perm\": \"group.read\"}"));
        assertEquals("Missing non optional `perm` arg in JSON DATA", admin.error(
                "grant_user_permission_to_repo_group", "{\"repogroupid\": \"guarded\", \"userid\": \"regular\"}"));

        // a regular user needs group.admin on the group; without it the group "does not exist"
        assertEquals("repository group `guarded` does not exist", user.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"regular\", \"perm\": \"group.admin\"}"));
        long guardedId = dbGroup("guarded").id();
        assertEquals("repository group `" + guardedId + "` does not exist", user.error(
                "revoke_user_permission_from_repo_group", "{\"repogroupid\": " + guardedId + ", \"userid\": \"other\"}"));
        assertEquals("repository group `guarded` does not exist", user.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"ghost\", \"perm\": \"nonsense\"}"),
                "the permission check comes before the other lookups");
        JsonNode ok = user.result("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded/mine\", \"userid\": \"other\", \"perm\": \"group.write\"}");
        assertEquals("Granted perm: `group.write` (recursive:none) for user: `other` in repo group: `mine`",
                ok.get("msg").asText(), "the owner is a group admin");
        assertEquals(Level.WRITE, perms(other).group(dbGroup("guarded/mine").id()));
        user.result("revoke_user_permission_from_repo_group",
                "{\"repogroupid\": \"guarded/mine\", \"userid\": \"other\"}");
        assertEquals(Level.READ, perms(other).group(dbGroup("guarded/mine").id()));

        site.services.permissions.grantUser(Kind.GROUP, guardedId, regular, Level.WRITE);
        assertEquals("repository group `guarded` does not exist", user.error("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"other\", \"perm\": \"group.read\"}"), "write is not admin");
        site.services.permissions.grantUser(Kind.GROUP, guardedId, regular, Level.ADMIN);
        user.result("grant_user_permission_to_repo_group",
                "{\"repogroupid\": \"guarded\", \"userid\": \"other\", \"perm\": \"group.read\"}");
    }

    @Test
    void grantAndRevokeUserGroup() throws Exception {
        create("{\"group_name\": \"ugperm\"}");
        Repo r = site.repo("ugperm/code", site.admin, false);
        long ug = userGroup("devs");
        site.services.users.addMember(ug, other);
        RepoGroup g = dbGroup("ugperm");

        JsonNode res = admin.result("grant_user_group_permission_to_repo_group", "{\"repogroupid\": \"ugperm\", "
                + "\"usergroupid\": \"devs\", \"perm\": \"group.write\", \"apply_to_children\": \"all\"}");
        assertEquals("{\"msg\":\"Granted perm: `group.write` (recursive:all) for user group: `devs` in repo group: "
                + "`ugperm`\",\"success\":true}", res.toString());
        assertEquals(Level.WRITE, perms(other).group(g.id()));
        assertEquals(Level.WRITE, perms(other).repo(r.id()));
        assertEquals("[{\"name\":\"default\",\"type\":\"user\",\"permission\":\"group.read\"},"
                + "{\"name\":\"devs\",\"type\":\"user_group\",\"permission\":\"group.write\"}]",
                admin.result("get_repo_group", "{\"repogroupid\": " + g.id() + "}").get("members").toString());

        JsonNode rev = admin.result("revoke_user_group_permission_from_repo_group", "{\"repogroupid\": \"" + g.id()
                + "\", \"usergroupid\": " + ug + ", \"apply_to_children\": \"repos\"}");
        assertEquals("{\"msg\":\"Revoked perm (recursive:repos) for user group: `devs` in repo group: `ugperm`\","
                + "\"success\":true}", rev.toString());
        assertEquals(Level.READ, perms(other).group(g.id()));
        assertEquals(Level.READ, perms(other).repo(r.id()));

        assertEquals("user group `nobody` does not exist", admin.error("grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"nobody\", \"perm\": \"group.read\"}"));
        assertEquals("user group `nobody` does not exist", admin.error(
                "revoke_user_group_permission_from_repo_group", "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"nobody\"}"));
        assertEquals("permission `group.x` does not exist", admin.error("grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"devs\", \"perm\": \"group.x\"}"));
        assertEquals("permission `repository.write` is invalid, should start with group.", admin.error(
                "grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"devs\", \"perm\": \"repository.write\"}"));
        assertEquals("repository group `none` does not exist", admin.error(
                "grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"none\", \"usergroupid\": \"devs\", \"perm\": \"group.read\"}"));

        // regular user: group admin needed first, then read on the user group
        assertEquals("repository group `ugperm` does not exist", user.error(
                "grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"devs\", \"perm\": \"group.read\"}"));
        site.services.permissions.grantUser(Kind.GROUP, g.id(), regular, Level.ADMIN);
        assertEquals("user group `devs` does not exist", user.error("grant_user_group_permission_to_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"devs\", \"perm\": \"group.read\"}"));
        assertEquals("user group `" + ug + "` does not exist", user.error(
                "revoke_user_group_permission_from_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": " + ug + "}"));
        site.services.permissions.grantUser(Kind.USERGROUP, ug, regular, Level.READ);
        JsonNode byRegular = user.result("grant_user_group_permission_to_repo_group", "{\"repogroupid\": \"ugperm\", "
                + "\"usergroupid\": \"devs\", \"perm\": \"group.admin\", \"apply_to_children\": null}");
        assertEquals("Granted perm: `group.admin` (recursive:none) for user group: `devs` in repo group: `ugperm`",
                byRegular.get("msg").asText());
        assertEquals(Level.ADMIN, perms(other).group(g.id()));
        user.result("revoke_user_group_permission_from_repo_group",
                "{\"repogroupid\": \"ugperm\", \"usergroupid\": \"devs\"}");
        assertEquals(Level.READ, perms(other).group(g.id()));
    }

    private cairn.auth.Perms perms(User u) {
        User fresh = site.services.users.byId(u.id()).orElseThrow();
        return site.services.permissions.of(fresh, site.defaultUser());
    }

    private String url(String path) {
        String b = base.toString();
        return b.replace("://", "://admin:" + TestSite.ADMIN_PASSWORD + "@") + (b.endsWith("/") ? "" : "/") + path;
    }
}
