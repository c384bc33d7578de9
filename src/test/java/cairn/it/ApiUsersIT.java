package cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.auth.Level.Kind;
import cairn.auth.Level;
import cairn.auth.User;
import cairn.auth.UserGroup;
import cairn.testing.ApiClient;
import cairn.testing.ApiTest;
import cairn.vcs.Repo;

/** Users and user groups over the JSON-RPC API: shapes, Kallithea's messages, admin / regular / no access. */
class ApiUsersIT extends ApiTest {
    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        createSiteWithUsers();
        return site.war();
    }

    // ---- helpers

    private static String q(String s) {
        return ApiClient.JSON.getNodeFactory().textNode(s).toString();
    }

    private static User fresh(String name, String password) {
        return site.user(name, password);
    }

    private static UserGroup group(String name, User owner) {
        return site.services.userGroups.create(name, "about " + name, owner, true);
    }

    /** Runs SQL against the site's database (for rows no service writes yet, such as extra e-mail addresses). */
    private static void sql(String statement, Object... params) throws Exception {
        Matcher m = Pattern.compile("(?m)^url = (.*)$").matcher(Files.readString(site.ini));
        assertTrue(m.find());
        try (Connection c = DriverManager.getConnection(m.group(1).trim(), "", "");
                PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    private static void assertUserShape(JsonNode u, User expected) {
        assertEquals(List.of("user_id", "username", "firstname", "lastname", "email", "emails", "active", "admin"),
                fieldNames(u).subList(0, 8));
        assertEquals(expected.id(), u.get("user_id").asLong());
        assertEquals(expected.username(), u.get("username").asText());
        assertEquals(expected.email(), u.get("email").isNull() ? null : u.get("email").asText());
        assertEquals(expected.active(), u.get("active").asBoolean());
        assertEquals(expected.admin(), u.get("admin").asBoolean());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ---- get_user

    @Test
    void getUserWithoutIdIsTheCallerWithPermissions() throws Exception {
        JsonNode me = admin.result("get_user", "{}");
        assertUserShape(me, site.admin);
        assertTrue(me.get("admin").asBoolean());
        JsonNode perms = me.get("permissions");
        assertEquals(List.of("global", "repositories", "repositories_groups", "user_groups"), fieldNames(perms));
        assertTrue(perms.get("global").isArray());
        assertTrue(perms.get("global").toString().contains("\"hg.admin\""), perms.toString());
        assertEquals(me, admin.result("get_user", "{\"userid\": null}"), "explicit null is not given");
        JsonNode mine = user.result("get_user", "{}");
        assertUserShape(mine, regular);
        assertEquals("[\"regular@example.com\"]", mine.get("emails").toString());
        assertFalse(mine.get("permissions").get("global").toString().contains("hg.admin"));
        assertTrue(mine.get("permissions").get("global").toString().contains("\"hg.create.repository\""));
        assertEquals(mine, user.result("get_user", "{\"userid\": " + regular.id() + "}"), "own numeric id");
        assertEquals(mine, user.result("get_user", "{\"userid\": null}"));
        assertEquals(mine, user.call("get_user", null).get("result"), "args: null");
    }

    @Test
    void getUserByIdNameAndErrors() throws Exception {
        assertUserShape(admin.result("get_user", "{\"userid\": " + other.id() + "}"), other);
        assertUserShape(admin.result("get_user", "{\"userid\": \"" + other.id() + "\"}"), other);
        assertUserShape(admin.result("get_user", "{\"userid\": \"other\"}"), other);
        assertEquals("user `trololo` does not exist", admin.error("get_user", "{\"userid\": \"trololo\"}"));
        assertEquals("user `999999` does not exist", admin.error("get_user", "{\"userid\": 999999}"));
        // a regular user may only name itself, and only by its numeric id
        assertEquals("userid is not the same as your user", user.error("get_user", "{\"userid\": \"regular\"}"));
        assertEquals("userid is not the same as your user",
                user.error("get_user", "{\"userid\": \"" + regular.id() + "\"}"));
        assertEquals("userid is not the same as your user", user.error("get_user", "{\"userid\": " + other.id() + "}"));
        assertEquals("userid is not the same as your user", user.error("get_user", "{\"userid\": \"trololo\"}"));
        assertEquals("Unknown `x` arg in JSON DATA", user.error("get_user", "{\"x\": 1}"));
    }

    @Test
    void getUserPermissionMapFollowsGrantsAndMemberships() throws Exception {
        User p = fresh("perm-user", "pw-perm");
        ApiClient client = admin.as(p.apiKey());
        Repo pub = site.repo("perm/pub", site.admin, false);
        Repo priv = site.repo("perm-priv", site.admin, true);
        JsonNode perms = client.result("get_user", "{}").get("permissions");
        assertEquals("repository.read", perms.get("repositories").get("perm/pub").asText());
        assertEquals("group.read", perms.get("repositories_groups").get("perm").asText());
        assertFalse(perms.get("repositories").has("perm-priv"), "never reveals a private repository");
        JsonNode seenByAdmin = admin.result("get_user", "{\"userid\": \"perm-user\"}").get("permissions");
        assertEquals("repository.none", seenByAdmin.get("repositories").get("perm-priv").asText());
        site.grant(priv, p, Level.WRITE);
        assertEquals("repository.write", client.result("get_user", "{}").get("permissions").get("repositories")
                .get("perm-priv").asText());
        // through a user group: membership changes made over the API are seen at once
        UserGroup g = group("perm-writers", site.admin);
        site.services.permissions.grantUserGroup(Kind.REPOSITORY, pub.id(), g.id(), Level.ADMIN);
        assertEquals("repository.read", client.result("get_user", "{}").get("permissions").get("repositories")
                .get("perm/pub").asText());
        admin.result("add_user_to_user_group", "{\"usergroupid\": \"perm-writers\", \"userid\": \"perm-user\"}");
        JsonNode after = client.result("get_user", "{}").get("permissions");
        assertEquals("repository.admin", after.get("repositories").get("perm/pub").asText());
        assertEquals("usergroup.read", after.get("user_groups").get("perm-writers").asText());
        assertEquals("usergroup.admin", admin.result("get_user", "{}").get("permissions").get("user_groups")
                .get("perm-writers").asText());
        // an inactive group gives its members nothing; active again, it does
        admin.result("update_user_group", "{\"usergroupid\": \"perm-writers\", \"active\": false}");
        assertEquals("repository.read", client.result("get_user", "{}").get("permissions").get("repositories")
                .get("perm/pub").asText());
        admin.result("update_user_group", "{\"usergroupid\": \"perm-writers\", \"active\": \"true\"}");
        assertEquals("repository.admin", client.result("get_user", "{}").get("permissions").get("repositories")
                .get("perm/pub").asText());
        admin.result("remove_user_from_user_group", "{\"usergroupid\": " + g.id() + ", \"userid\": " + p.id() + "}");
        assertEquals("repository.read", client.result("get_user", "{}").get("permissions").get("repositories")
                .get("perm/pub").asText());
    }

    // ---- get_users

    @Test
    void getUsersIsAdminOnlyOrderedAndWithoutDefault() throws Exception {
        JsonNode all = admin.result("get_users", "{}");
        List<String> names = names(all, "username");
        assertFalse(names.contains("default"));
        assertTrue(names.containsAll(List.of("admin", "other", "regular")), names.toString());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        for (JsonNode u : all) {
            if (u.get("username").asText().equals("other")) {
                assertUserShape(u, other);
                assertEquals(8, fieldNames(u).size(), "no permissions, no secrets");
            }
        }
        assertEquals(all, admin.call("get_users", null).get("result"), "args: null");
        assertEquals("Internal server error", user.error("get_users", "{}"));
    }

    // ---- create_user

    @Test
    void createUserWithAndWithoutPassword() throws Exception {
        JsonNode r = admin.result("create_user", "{\"username\": \"created1\", \"email\": \"Created1@Example.com\", "
                + "\"password\": \"s3cret-pw\", \"firstname\": \"Cre\", \"lastname\": \"Ated\"}");
        assertEquals("created new user `created1`", r.get("msg").asText());
        assertEquals(List.of("msg", "user"), fieldNames(r));
        JsonNode u = r.get("user");
        assertEquals("created1", u.get("username").asText());
        assertEquals("created1@example.com", u.get("email").asText(), "stored lower-cased, as Kallithea");
        assertEquals("[\"created1@example.com\"]", u.get("emails").toString());
        assertEquals("Cre", u.get("firstname").asText());
        assertEquals("Ated", u.get("lastname").asText());
        assertTrue(u.get("active").asBoolean());
        assertFalse(u.get("admin").asBoolean());
        assertTrue(site.services.users.authenticate("created1", "s3cret-pw").isPresent());
        assertEquals(u, ((com.fasterxml.jackson.databind.node.ObjectNode) admin.result("get_user",
                "{\"userid\": \"created1\"}")).without(List.of("permissions")));

        JsonNode noPw = admin.result("create_user", "{\"username\": \"created2\", \"email\": \"c2@example.com\", "
                + "\"password\": null, \"firstname\": null, \"lastname\": null, \"active\": null, \"admin\": null, "
                + "\"extern_type\": null, \"extern_name\": null}").get("user");
        assertEquals("", noPw.get("firstname").asText());
        assertEquals("", noPw.get("lastname").asText());
        assertTrue(noPw.get("active").asBoolean());
        assertFalse(site.services.users.authenticate("created2", "").isPresent());

        JsonNode ext = admin.result("create_user", "{\"username\": \"created3\", \"email\": \"c3@example.com\", "
                + "\"extern_type\": \"ldap\", \"extern_name\": \"uid=c3\", \"active\": false, \"admin\": true}")
                .get("user");
        assertFalse(ext.get("active").asBoolean());
        assertTrue(ext.get("admin").asBoolean());
        User stored = site.services.users.byUsername("created3").orElseThrow();
        assertEquals("ldap", stored.externType());
        assertEquals("uid=c3", stored.externName());
    }

    @Test
    void createUserErrors() throws Exception {
        assertEquals("user `regular` already exist",
                admin.error("create_user", "{\"username\": \"regular\", \"email\": \"new@example.com\"}"));
        assertEquals("user `default` already exist",
                admin.error("create_user", "{\"username\": \"default\", \"email\": \"d@example.com\"}"));
        assertEquals("email `regular@example.com` already exist",
                admin.error("create_user", "{\"username\": \"newname\", \"email\": \"regular@example.com\"}"));
        assertEquals("email `REGULAR@example.com` already exist",
                admin.error("create_user", "{\"username\": \"newname\", \"email\": \"REGULAR@example.com\"}"));
        for (String bad : List.of("", "-lead", ".dot", "has space", "slash/name", "new\u00e9")) {
            assertEquals("failed to create user `" + bad + "`", admin.error("create_user",
                    "{\"username\": " + q(bad) + ", \"email\": \"x-" + bad.hashCode() + "@example.com\"}"), bad);
        }
        assertEquals("failed to create user `okname`",
                admin.error("create_user", "{\"username\": \"okname\", \"email\": \"not-an-address\"}"));
        assertEquals("failed to create user `Regular`",
                admin.error("create_user", "{\"username\": \"Regular\", \"email\": \"cased@example.com\"}"));
        assertEquals("failed to create user `okname`", admin.error("create_user",
                "{\"username\": \"okname\", \"email\": \"ok@example.com\", \"active\": \"maybe\"}"));
        assertEquals("Missing non optional `email` arg in JSON DATA", admin.error("create_user", "{}"));
        assertEquals("Missing non optional `username` arg in JSON DATA",
                admin.error("create_user", "{\"email\": \"a@example.com\"}"));
        assertEquals("Unknown `ldap_dn` arg in JSON DATA", admin.error("create_user",
                "{\"username\": \"x1\", \"email\": \"x1@example.com\", \"ldap_dn\": \"\"}"));
        assertEquals("Internal server error",
                user.error("create_user", "{\"username\": \"sneaky\", \"email\": \"sneaky@example.com\"}"));
        assertTrue(site.services.users.byUsername("sneaky").isEmpty());
        // names Kallithea accepts
        admin.result("create_user", "{\"username\": \"first.last-2_x@corp\", \"email\": \"fl@example.com\"}");
    }

    @Test
    void extraEmailsAreListedAndTaken() throws Exception {
        User u = fresh("mailer", "pw-mail");
        sql("INSERT INTO user_email_map (user_id, email) VALUES (?, ?)", u.id(), "second@example.com");
        sql("INSERT INTO user_email_map (user_id, email) VALUES (?, ?)", u.id(), "third@example.com");
        JsonNode shape = admin.result("get_user", "{\"userid\": \"mailer\"}");
        assertEquals("[\"mailer@example.com\",\"second@example.com\",\"third@example.com\"]",
                shape.get("emails").toString());
        for (JsonNode listed : admin.result("get_users", "{}")) {
            if (listed.get("username").asText().equals("mailer")) {
                assertEquals(shape.get("emails"), listed.get("emails"));
            }
        }
        assertEquals("email `second@example.com` already exist",
                admin.error("create_user", "{\"username\": \"mailer2\", \"email\": \"second@example.com\"}"));
        assertEquals("failed to update user `regular`",
                admin.error("update_user", "{\"userid\": \"regular\", \"email\": \"third@example.com\"}"));
    }

    // ---- update_user

    @Test
    void updateUserFieldByField() throws Exception {
        User u = fresh("upd", "old-pw");
        String id = String.valueOf(u.id());
        JsonNode r = admin.result("update_user", "{\"userid\": \"upd\", \"firstname\": \"Up\"}");
        assertEquals("updated user ID:" + id + " upd", r.get("msg").asText());
        assertEquals("Up", r.get("user").get("firstname").asText());
        r = admin.result("update_user", "{\"userid\": " + id + ", \"lastname\": \"Dated\", \"email\": \"UPD2@x.org\"}");
        assertEquals("Dated", r.get("user").get("lastname").asText());
        assertEquals("upd2@x.org", r.get("user").get("email").asText());
        assertEquals("Up", r.get("user").get("firstname").asText(), "untouched fields stay");
        r = admin.result("update_user", "{\"userid\": \"" + id + "\", \"admin\": true, \"active\": false}");
        assertTrue(r.get("user").get("admin").asBoolean());
        assertFalse(r.get("user").get("active").asBoolean());
        assertEquals("Invalid API key", admin.as(u.apiKey()).error("get_user", "{}"), "inactive users are locked out");
        admin.result("update_user", "{\"userid\": \"upd\", \"admin\": false, \"active\": true}");
        admin.result("update_user", "{\"userid\": \"upd\", \"extern_type\": null, \"extern_name\": \"cn=upd\"}");
        assertEquals("internal", site.services.users.byUsername("upd").orElseThrow().externType());
        assertEquals("cn=upd", site.services.users.byUsername("upd").orElseThrow().externName());
        // password: rehashed; the old one stops working
        admin.result("update_user", "{\"userid\": \"upd\", \"password\": \"new-pw-1\"}");
        assertTrue(site.services.users.authenticate("upd", "new-pw-1").isPresent());
        assertFalse(site.services.users.authenticate("upd", "old-pw").isPresent());
        // no change at all, and every optional argument null
        JsonNode same = admin.result("update_user", "{\"userid\": \"upd\", \"username\": null, \"email\": null, "
                + "\"password\": null, \"firstname\": null, \"lastname\": null, \"active\": null, \"admin\": null, "
                + "\"extern_type\": null, \"extern_name\": null}");
        assertEquals("updated user ID:" + id + " upd", same.get("msg").asText());
        assertEquals("upd2@x.org", same.get("user").get("email").asText());
        // rename: the message carries the new name
        JsonNode renamed = admin.result("update_user", "{\"userid\": " + id + ", \"username\": \"upd-renamed\"}");
        assertEquals("updated user ID:" + id + " upd-renamed", renamed.get("msg").asText());
        assertEquals("user `upd` does not exist", admin.error("get_user", "{\"userid\": \"upd\"}"));
        assertTrue(site.services.users.authenticate("upd-renamed", "new-pw-1").isPresent());
    }

    @Test
    void updateUserErrors() throws Exception {
        assertEquals("editing default user is forbidden",
                admin.error("update_user", "{\"userid\": \"default\", \"firstname\": \"x\"}"));
        assertEquals("editing default user is forbidden", admin.error("update_user", "{\"userid\": \"default\"}"));
        assertEquals("user `nobody` does not exist", admin.error("update_user", "{\"userid\": \"nobody\"}"));
        assertEquals("failed to update user `other`",
                admin.error("update_user", "{\"userid\": \"other\", \"username\": \"regular\"}"));
        assertEquals("failed to update user `" + other.id() + "`",
                admin.error("update_user", "{\"userid\": " + other.id() + ", \"username\": \"bad name\"}"));
        assertEquals("failed to update user `other`",
                admin.error("update_user", "{\"userid\": \"other\", \"username\": \"default\"}"));
        assertEquals("failed to update user `other`",
                admin.error("update_user", "{\"userid\": \"other\", \"email\": \"regular@example.com\"}"));
        assertEquals("Missing non optional `userid` arg in JSON DATA", admin.error("update_user", "{}"));
        assertEquals("Internal server error", user.error("update_user", "{\"userid\": \"regular\", \"admin\": true}"));
        assertFalse(site.services.users.byUsername("regular").orElseThrow().admin());
    }

    // ---- delete_user

    @Test
    void deleteUser() throws Exception {
        User d = fresh("doomed", "pw-d");
        UserGroup g = group("doomed-members", site.admin);
        site.services.userGroups.addMember(g, d);
        JsonNode r = admin.result("delete_user", "{\"userid\": \"doomed\"}");
        assertEquals("{\"msg\":\"deleted user ID:" + d.id() + " doomed\",\"user\":null}", r.toString());
        assertEquals("user `doomed` does not exist", admin.error("get_user", "{\"userid\": \"doomed\"}"));
        assertEquals("[]", admin.result("get_user_group", "{\"usergroupid\": " + g.id() + "}").get("members")
                .toString());
        User d2 = fresh("doomed2", "pw-d");
        admin.result("delete_user", "{\"userid\": \"" + d2.id() + "\"}");
        assertTrue(site.services.users.byId(d2.id()).isEmpty());
        assertEquals("user `doomed` does not exist", admin.error("delete_user", "{\"userid\": \"doomed\"}"));
        assertEquals("Internal server error", user.error("delete_user", "{\"userid\": \"other\"}"));
    }

    @Test
    void deleteUserRefusedForDefaultAndOwners() throws Exception {
        User def = site.defaultUser();
        assertEquals("failed to delete user ID:" + def.id() + " default",
                admin.error("delete_user", "{\"userid\": \"default\"}"));
        User owner = fresh("repo-owner", "pw");
        site.repo("owned-by-owner", owner, false);
        assertEquals("failed to delete user ID:" + owner.id() + " repo-owner",
                admin.error("delete_user", "{\"userid\": " + owner.id() + "}"));
        User groupOwner = fresh("ug-owner", "pw");
        group("owned-ug", groupOwner);
        assertEquals("failed to delete user ID:" + groupOwner.id() + " ug-owner",
                admin.error("delete_user", "{\"userid\": \"ug-owner\"}"));
        User rgOwner = fresh("rg-owner", "pw");
        site.services.repos.ensureGroups("rg-owned", rgOwner);
        assertEquals("failed to delete user ID:" + rgOwner.id() + " rg-owner",
                admin.error("delete_user", "{\"userid\": \"rg-owner\"}"));
        assertTrue(site.services.users.byUsername("rg-owner").isPresent());
    }

    // ---- user groups

    private static void assertGroupShape(JsonNode g, String name, String owner) {
        assertEquals(List.of("users_group_id", "group_name", "group_description", "active", "owner", "members"),
                fieldNames(g));
        assertEquals(name, g.get("group_name").asText());
        assertEquals(owner, g.get("owner").asText());
    }

    @Test
    void createAndGetUserGroup() throws Exception {
        JsonNode r = admin.result("create_user_group", "{\"group_name\": \"devs\", \"description\": \"Developers\"}");
        assertEquals("created new user group `devs`", r.get("msg").asText());
        assertEquals(List.of("msg", "user_group"), fieldNames(r));
        JsonNode g = r.get("user_group");
        assertGroupShape(g, "devs", "admin");
        assertEquals("Developers", g.get("group_description").asText());
        assertTrue(g.get("active").asBoolean());
        assertEquals("[]", g.get("members").toString());
        long id = g.get("users_group_id").asLong();
        assertEquals(g, admin.result("get_user_group", "{\"usergroupid\": " + id + "}"));
        assertEquals(g, admin.result("get_user_group", "{\"usergroupid\": \"" + id + "\"}"));
        assertEquals(g, admin.result("get_user_group", "{\"usergroupid\": \"devs\"}"));
        assertEquals(g, user.result("get_user_group", "{\"usergroupid\": \"devs\"}"), "default usergroup.read");
        JsonNode withOwner = admin.result("create_user_group", "{\"group_name\": \"qa\", \"owner\": \"other\", "
                + "\"active\": false, \"description\": null}").get("user_group");
        assertGroupShape(withOwner, "qa", "other");
        assertFalse(withOwner.get("active").asBoolean());
        assertEquals("", withOwner.get("group_description").asText());
        JsonNode nulls = admin.result("create_user_group", "{\"group_name\": \"nulls\", \"description\": null, "
                + "\"owner\": null, \"active\": null}").get("user_group");
        assertGroupShape(nulls, "nulls", "admin");
        assertTrue(nulls.get("active").asBoolean());
        assertEquals("other", admin.result("create_user_group", "{\"group_name\": \"by-id-owner\", \"owner\": "
                + other.id() + "}").get("user_group").get("owner").asText(), "owner by numeric id");
        assertEquals("user group `devs` already exist", admin.error("create_user_group", "{\"group_name\": \"devs\"}"));
        assertEquals("failed to create group `nobodys`",
                admin.error("create_user_group", "{\"group_name\": \"nobodys\", \"owner\": \"nobody\"}"));
        assertEquals("failed to create group ``", admin.error("create_user_group", "{\"group_name\": \"\"}"));
        assertEquals("failed to create group `DEVS`", admin.error("create_user_group", "{\"group_name\": \"DEVS\"}"));
        assertEquals("failed to create group `-x`", admin.error("create_user_group", "{\"group_name\": \"-x\"}"));
        assertEquals("user group `false-group` does not exist",
                admin.error("get_user_group", "{\"usergroupid\": \"false-group\"}"));
        assertEquals("user group `999999` does not exist",
                admin.error("get_user_group", "{\"usergroupid\": 999999}"));
        assertEquals("Missing non optional `usergroupid` arg in JSON DATA", admin.error("get_user_group", "{}"));
        assertEquals("Missing non optional `group_name` arg in JSON DATA", admin.error("create_user_group", "{}"));
    }

    @Test
    void createUserGroupNeedsTheGlobalPermission() throws Exception {
        User creator = fresh("ug-creator", "pw");
        ApiClient c = admin.as(creator.apiKey());
        assertEquals("Internal server error", c.error("create_user_group", "{\"group_name\": \"by-creator\"}"));
        site.services.permissions.setGlobal(creator, "hg.usergroup.create.true");
        JsonNode g = c.result("create_user_group", "{\"group_name\": \"by-creator\"}").get("user_group");
        assertGroupShape(g, "by-creator", "ug-creator");
        // the owner administers it
        JsonNode upd = c.result("update_user_group", "{\"usergroupid\": \"by-creator\", \"description\": \"mine\"}");
        assertEquals("mine", upd.get("user_group").get("group_description").asText());
        assertTrue(c.result("add_user_to_user_group", "{\"usergroupid\": \"by-creator\", \"userid\": \"other\"}")
                .get("success").asBoolean());
        assertEquals("usergroup.admin", c.result("get_user", "{}").get("permissions").get("user_groups")
                .get("by-creator").asText());
        assertEquals("{\"success\":true,\"msg\":\"removed member `other` from user group `by-creator`\"}",
                c.result("remove_user_from_user_group", "{\"usergroupid\": " + g.get("users_group_id").asLong()
                        + ", \"userid\": \"" + other.id() + "\"}").toString());
        assertEquals("deleted user group ID:" + g.get("users_group_id").asLong() + " by-creator",
                c.result("delete_user_group", "{\"usergroupid\": \"by-creator\"}").get("msg").asText());
    }

    @Test
    void getUserGroupsIsFilteredToRead() throws Exception {
        UserGroup visible = group("list-visible", site.admin);
        UserGroup hidden = group("list-hidden", site.admin);
        site.services.permissions.grantUser(Kind.USERGROUP, hidden.id(), site.defaultUser(), Level.NONE);
        site.services.userGroups.addMember(visible, other);
        List<String> forAdmin = names(admin.result("get_user_groups", "{}"), "group_name");
        assertTrue(forAdmin.containsAll(List.of("list-visible", "list-hidden")), forAdmin.toString());
        JsonNode forUser = user.result("get_user_groups", "{}");
        List<String> userNames = names(forUser, "group_name");
        assertTrue(userNames.contains("list-visible"));
        assertFalse(userNames.contains("list-hidden"));
        for (JsonNode g : forUser) {
            if (g.get("group_name").asText().equals("list-visible")) {
                assertGroupShape(g, "list-visible", "admin");
                assertEquals(1, g.get("members").size());
                assertUserShape(g.get("members").get(0), other);
            }
        }
        assertEquals("user group `list-hidden` does not exist",
                user.error("get_user_group", "{\"usergroupid\": \"list-hidden\"}"));
        assertEquals("user group `" + hidden.id() + "` does not exist",
                user.error("get_user_group", "{\"usergroupid\": " + hidden.id() + "}"));
        // an explicit grant to the user, or to a group the user is in, opens it
        site.services.permissions.grantUser(Kind.USERGROUP, hidden.id(), regular, Level.READ);
        assertEquals("list-hidden", user.result("get_user_group", "{\"usergroupid\": \"list-hidden\"}")
                .get("group_name").asText());
        assertEquals(user.call("get_user_groups", null).get("result"), user.result("get_user_groups", "{}"));
    }

    @Test
    void updateUserGroup() throws Exception {
        UserGroup g = group("upd-group", site.admin);
        JsonNode r = admin.result("update_user_group", "{\"usergroupid\": \"upd-group\", \"group_name\": "
                + "\"upd-group2\", \"description\": \"new\", \"owner\": \"other\", \"active\": false}");
        assertEquals("updated user group ID:" + g.id() + " upd-group2", r.get("msg").asText());
        JsonNode ug = r.get("user_group");
        assertGroupShape(ug, "upd-group2", "other");
        assertEquals("new", ug.get("group_description").asText());
        assertFalse(ug.get("active").asBoolean());
        JsonNode same = admin.result("update_user_group", "{\"usergroupid\": " + g.id() + ", \"group_name\": null, "
                + "\"description\": null, \"owner\": null, \"active\": null}");
        assertEquals(ug, same.get("user_group"));
        group("upd-taken", site.admin);
        assertEquals("failed to update user group `" + g.id() + "`", admin.error("update_user_group",
                "{\"usergroupid\": \"" + g.id() + "\", \"group_name\": \"upd-taken\"}"));
        assertEquals("user `nobody` does not exist",
                admin.error("update_user_group", "{\"usergroupid\": \"upd-group2\", \"owner\": \"nobody\"}"));
        assertEquals("user group `gone` does not exist", admin.error("update_user_group", "{\"usergroupid\": \"gone\"}"));
        // read is not enough to edit
        assertEquals("user group `upd-group2` does not exist",
                user.error("update_user_group", "{\"usergroupid\": \"upd-group2\", \"description\": \"hacked\"}"));
        site.services.permissions.grantUser(Kind.USERGROUP, g.id(), regular, Level.WRITE);
        assertEquals("user group `upd-group2` does not exist",
                user.error("update_user_group", "{\"usergroupid\": \"upd-group2\", \"description\": \"hacked\"}"));
        site.services.permissions.grantUser(Kind.USERGROUP, g.id(), regular, Level.ADMIN);
        assertEquals("ok", user.result("update_user_group", "{\"usergroupid\": \"upd-group2\", \"description\": "
                + "\"ok\"}").get("user_group").get("group_description").asText());
    }

    @Test
    void membership() throws Exception {
        UserGroup g = group("members-g", site.admin);
        JsonNode added = admin.result("add_user_to_user_group",
                "{\"usergroupid\": \"members-g\", \"userid\": \"regular\"}");
        assertEquals("{\"success\":true,\"msg\":\"added member `regular` to user group `members-g`\"}",
                added.toString());
        JsonNode again = admin.result("add_user_to_user_group",
                "{\"usergroupid\": " + g.id() + ", \"userid\": " + regular.id() + "}");
        assertEquals("{\"success\":false,\"msg\":\"User is already in that group\"}", again.toString());
        admin.result("add_user_to_user_group", "{\"usergroupid\": \"" + g.id() + "\", \"userid\": \"other\"}");
        assertEquals(List.of("regular", "other"), names(admin.result("get_user_group",
                "{\"usergroupid\": \"members-g\"}").get("members"), "username"), "in the order added");
        JsonNode removed = admin.result("remove_user_from_user_group",
                "{\"usergroupid\": \"members-g\", \"userid\": \"regular\"}");
        assertEquals("{\"success\":true,\"msg\":\"removed member `regular` from user group `members-g`\"}",
                removed.toString());
        assertEquals("{\"success\":false,\"msg\":\"User wasn't in group\"}", admin.result(
                "remove_user_from_user_group", "{\"usergroupid\": \"members-g\", \"userid\": \"regular\"}")
                .toString());
        assertEquals("user group `false-group` does not exist", admin.error("add_user_to_user_group",
                "{\"usergroupid\": \"false-group\", \"userid\": \"regular\"}"));
        assertEquals("user `nobody` does not exist", admin.error("add_user_to_user_group",
                "{\"usergroupid\": \"false-group\", \"userid\": \"nobody\"}"), "the user is looked up first");
        assertEquals("user group `false-group` does not exist", admin.error("remove_user_from_user_group",
                "{\"usergroupid\": \"false-group\", \"userid\": \"regular\"}"));
        assertEquals("Missing non optional `userid` arg in JSON DATA",
                admin.error("add_user_to_user_group", "{}"));
        assertEquals("Missing non optional `usergroupid` arg in JSON DATA",
                admin.error("remove_user_from_user_group", "{\"userid\": 1}"));
        // a regular user (read only) cannot change members
        assertEquals("user group `members-g` does not exist", user.error("add_user_to_user_group",
                "{\"usergroupid\": \"members-g\", \"userid\": \"regular\"}"));
        assertEquals("user group `members-g` does not exist", user.error("remove_user_from_user_group",
                "{\"usergroupid\": \"members-g\", \"userid\": \"other\"}"));
    }

    @Test
    void deleteUserGroup() throws Exception {
        UserGroup g = group("del-g", site.admin);
        site.services.userGroups.addMember(g, regular);
        assertEquals("user group `del-g` does not exist", user.error("delete_user_group", "{\"usergroupid\": \"del-g\"}"));
        JsonNode r = admin.result("delete_user_group", "{\"usergroupid\": \"del-g\"}");
        assertEquals("{\"msg\":\"deleted user group ID:" + g.id() + " del-g\",\"user_group\":null}", r.toString());
        assertEquals("user group `del-g` does not exist", admin.error("get_user_group", "{\"usergroupid\": \"del-g\"}"));

        UserGroup used = group("del-used", site.admin);
        Repo a = site.repo("del-used-a", site.admin, false);
        Repo b = site.repo("del-used-b", site.admin, false);
        site.services.permissions.grantUserGroup(Kind.REPOSITORY, a.id(), used.id(), Level.READ);
        site.services.permissions.grantUserGroup(Kind.REPOSITORY, b.id(), used.id(), Level.WRITE);
        assertEquals("User Group assigned to del-used-a, del-used-b",
                admin.error("delete_user_group", "{\"usergroupid\": " + used.id() + "}"));
        assertTrue(site.services.userGroups.byId(used.id()).isPresent());
        assertEquals("user group `999999` does not exist",
                admin.error("delete_user_group", "{\"usergroupid\": \"999999\"}"));
    }
}
