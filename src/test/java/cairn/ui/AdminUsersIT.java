package cairn.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import cairn.auth.User;
import cairn.testing.Http;
import cairn.testing.TestSite;
import cairn.testing.UiTest;

/** Users administration and "my account" in headless Chromium, checked against the services underneath. */
class AdminUsersIT extends UiTest {
    static User owner;

    @Deployment(testable = false)
    static WebArchive deploy() throws Exception {
        site = TestSite.create("");
        owner = site.user("owner", "owner-pw");
        site.repo("owned", owner, false);
        site.user("dora", "dora-pw1");
        return site.war();
    }

    private static void setChecked(String id, boolean on) {
        WebElement e = browser.driver.findElement(By.id(id));
        if (e.isSelected() != on) {
            e.click();
        }
    }

    @Test
    void createFilterEditDeactivateAndDeleteUsers() throws Exception {
        signIn("admin", TestSite.ADMIN_PASSWORD);
        WebDriver d = browser.driver;
        submit("admin-link");
        awaitText(By.cssSelector("h1"), "Admin journal");
        d.get(url("_admin/users"));
        submit("new-user");

        // invalid: every message next to its field, and nothing created
        type("username", "bad name!");
        type("password", "carol-pw1");
        type("password_confirmation", "other");
        type("email", "not-an-address");
        submit("save-user");
        awaitText(By.id("error-username"), "Letters, digits");
        assertTrue(text("error-password_confirmation").contains("differ"));
        assertEquals("bad name!", d.findElement(By.id("username")).getAttribute("value"), "values kept");
        assertTrue(site.services.users.byUsername("bad name!").isEmpty());

        type("username", "carol");
        type("password", "carol-pw1");
        type("password_confirmation", "carol-pw1");
        type("firstname", "Carol");
        type("email", "owner@example.com");
        submit("save-user");
        awaitText(By.id("error-email"), "already used");
        assertTrue(site.services.users.byUsername("carol").isEmpty(), "nothing half-made");
        type("password", "carol-pw1");
        type("password_confirmation", "carol-pw1");
        type("email", "carol@example.com");
        submit("save-user");
        awaitText(By.id("flash"), "Created user carol");
        browser.screenshot("admin-01-users");
        User carol = site.services.users.byUsername("carol").orElseThrow();
        assertTrue(carol.active() && !carol.admin());
        assertTrue(site.services.users.authenticate("carol", "carol-pw1").isPresent());

        type("user-filter", "CARO");
        submit("apply-filter");
        awaitText(By.id("users"), "carol");
        List<String> shown = d.findElements(By.cssSelector("#users tbody tr")).stream()
                .map(e -> e.getAttribute("data-name")).toList();
        assertEquals(List.of("carol"), shown);

        // edit: names, e-mail, admin; then deactivate
        d.get(url("_admin/users/" + site.services.users.byUsername("carol").orElseThrow().id()));
        type("lastname", "Smith");
        setChecked("admin", true);
        submit("save-user");
        awaitText(By.id("flash"), "Saved user carol");
        carol = site.services.users.byUsername("carol").orElseThrow();
        assertEquals("Smith", carol.lastname());
        assertTrue(carol.admin());
        setChecked("active", false);
        submit("save-user");
        awaitText(By.id("flash"), "Saved user carol");
        assertFalse(site.services.users.byUsername("carol").orElseThrow().active());
        assertTrue(site.services.users.authenticate("carol", "carol-pw1").isEmpty(), "deactivated: no sign-in");

        // API key reset
        String oldKey = text("api-key");
        submit("reset-api-key");
        awaitText(By.id("flash"), "new API key");
        String newKey = text("api-key");
        assertNotEquals(oldKey, newKey);
        assertEquals(newKey, site.services.users.byUsername("carol").orElseThrow().apiKey());

        // per-user global permissions, on top of the defaults
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("global-create_user_group")))
                .selectByValue("hg.usergroup.create.true");
        submit("save-globals");
        awaitText(By.id("flash"), "Saved the global permissions of carol");
        assertTrue(site.services.permissions.globalOf(site.services.users.byUsername("carol").orElseThrow())
                .contains("hg.usergroup.create.true"));
        assertEquals("hg.usergroup.create.true", new org.openqa.selenium.support.ui.Select(
                d.findElement(By.id("global-create_user_group"))).getFirstSelectedOption().getAttribute("value"));

        // delete: refused while the user owns things, with the service's message
        d.get(url("_admin/users/" + owner.id()));
        submit("delete-user");
        awaitText(By.id("error-delete"), "still owns");
        assertTrue(text("error-delete").contains("owned"), text("error-delete"));
        assertTrue(site.services.users.byUsername("owner").isPresent());
        browser.screenshot("admin-02-delete-refused");

        d.get(url("_admin/users/" + carol.id()));
        submit("delete-user");
        awaitText(By.id("flash"), "Deleted user carol");
        assertTrue(site.services.users.byUsername("carol").isEmpty());
    }

    @Test
    void myAccountProfilePasswordAndApiKey() throws Exception {
        signIn("dora", "dora-pw1");
        WebDriver d = browser.driver;
        assertTrue(d.findElements(By.id("admin-link")).isEmpty(), "no admin link for regular users");
        submit("my-account");
        awaitText(By.cssSelector("h1"), "My account");

        type("email", "owner@example.com");
        submit("save-profile");
        awaitText(By.id("error-email"), "already used");
        type("email", "dora.new@example.com");
        type("firstname", "Dora");
        submit("save-profile");
        awaitText(By.id("flash"), "Saved your profile");
        User dora = site.services.users.byUsername("dora").orElseThrow();
        assertEquals("dora.new@example.com", dora.email());
        assertEquals("Dora", dora.firstname());

        String oldKey = text("api-key");
        assertEquals(dora.apiKey(), oldKey);
        submit("reset-api-key");
        awaitText(By.id("flash"), "API key was reset");
        assertNotEquals(oldKey, text("api-key"));
        assertTrue(site.services.users.byApiKey(oldKey).isEmpty(), "the old key stops working");

        submit("tab-password");
        type("current_password", "wrong");
        type("new_password", "dora-pw2");
        type("new_password_confirmation", "dora-pw2");
        submit("change-password");
        awaitText(By.id("error-current_password"), "not your current password");
        assertTrue(site.services.users.authenticate("dora", "dora-pw1").isPresent(), "unchanged");
        type("current_password", "dora-pw1");
        type("new_password", "dora-pw2");
        type("new_password_confirmation", "dora-pw2");
        submit("change-password");
        awaitText(By.id("flash"), "password was changed");
        User changed = site.services.users.byUsername("dora").orElseThrow();
        assertTrue(site.services.users.passwordMatches(changed, "dora-pw2"));
        assertFalse(site.services.users.passwordMatches(changed, "dora-pw1"));
        browser.screenshot("admin-03-my-account");

        // extra e-mail addresses and API keys
        d.get(url("_admin/my_account"));
        type("extra_email", "owner@example.com");
        submit("add-email");
        awaitText(By.id("error-extra_email"), "already used");
        type("extra_email", "Dora.Alt@example.com");
        submit("add-email");
        awaitText(By.id("flash"), "Added dora.alt@example.com");
        assertEquals(List.of("dora.alt@example.com"), site.services.users.extraEmails(dora));
        submit("remove-email-0");
        awaitText(By.id("flash"), "Removed dora.alt@example.com");
        assertTrue(site.services.users.extraEmails(dora).isEmpty());
        type("description", "ci runner");
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("lifetime"))).selectByValue("7");
        submit("add-api-key");
        awaitText(By.id("flash"), "Made a new API key");
        String extraKey = d.findElement(By.cssSelector("#extra-api-keys tr[data-key]")).getAttribute("data-key");
        assertTrue(text("extra-api-keys").contains("ci runner"));
        assertEquals(200, Http.get(base, "_admin/my_account", "Bearer " + extraKey).statusCode(), "the key works");
        submit("remove-key-0");
        awaitText(By.id("flash"), "Removed the API key");
        assertEquals(403, Http.get(base, "_admin/my_account", "Bearer " + extraKey).statusCode(), "and stops");

        submit("tab-perms");
        awaitText(By.id("global-perms"), "hg.create.repository");
        assertTrue(text("repo-perms").contains("owned"), "public repository readable");

        d.get(url("_admin/users"));
        assertTrue(d.getPageSource().contains("403"), "regular users get 403");
    }
}
