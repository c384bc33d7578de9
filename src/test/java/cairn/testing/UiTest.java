package cairn.testing;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A web UI test in headless Chromium ({@link Browser}, started once per class and closed before the site), with the
 * steps every page test takes: sign in, type, submit and wait for the next page, wait for a text.
 */
public abstract class UiTest extends SiteTest {
    protected static Browser browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    /** The address of {@code path} on the deployed site. */
    protected String url(String path) {
        return Http.join(base, path);
    }

    /** The Git smart-HTTP address of {@code repo} with the credentials in it, for the git CLI. */
    protected String remote(String user, String password, String repo) {
        return base.toString().replace("://", "://" + user + ":" + password + "@") + repo + ".git";
    }

    /** Signs in as {@code user} (signing out whoever is signed in first). */
    protected void signIn(String user, String password) {
        WebDriver d = browser.driver;
        d.manage().deleteAllCookies();
        d.get(url("_admin/login"));
        type("username", user);
        type("password", password);
        submit("sign-in");
        awaitText(By.className("user"), "Signed in as " + user);
    }

    /** Opens the home page, and signs in as {@code user} unless that user is signed in already. */
    protected void ensureSignedIn(String user, String password) {
        WebDriver d = browser.driver;
        d.get(url(""));
        if (d.findElements(By.className("user")).stream()
                .anyMatch(e -> e.getText().contains("Signed in as " + user))) {
            return;
        }
        signIn(user, password);
    }

    /** {@link #ensureSignedIn} as the site's admin. */
    protected void signInAsAdmin() {
        ensureSignedIn("admin", TestSite.ADMIN_PASSWORD);
    }

    /** {@link Browser#submit}: click, and wait until the old page is gone. */
    protected void submit(String id) {
        browser.submit(id);
    }

    /** {@link Browser#awaitText(By, String)}; a class whose pages take longer overrides it. */
    protected void awaitText(By by, String text) {
        browser.awaitText(by, text);
    }

    protected void type(String id, String text) {
        browser.type(id, text);
    }

    protected String text(String id) {
        return browser.text(id);
    }
}
