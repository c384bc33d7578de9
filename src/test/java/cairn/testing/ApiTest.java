package cairn.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import cairn.auth.User;

/**
 * A JSON-RPC API test: before each test {@link #admin} calls the API with the admin's key and {@link #user} with
 * {@link #regular}'s (when the class made that user, e.g. with {@link #createSiteWithUsers()}).
 */
public abstract class ApiTest extends SiteTest {
    protected static User regular;
    protected static User other;

    protected ApiClient admin;
    protected ApiClient user;

    /** A fresh {@link #site} with two regular users: regular (regular-pw) and other (other-pw). */
    protected static void createSiteWithUsers() throws Exception {
        site = TestSite.create("");
        regular = site.user("regular", "regular-pw");
        other = site.user("other", "other-pw");
    }

    @BeforeEach
    void clients() {
        admin = new ApiClient(base, site.admin.apiKey());
        user = regular == null ? null : admin.as(regular.apiKey());
    }

    @AfterAll
    static void forgetUsers() {
        regular = null;
        other = null;
    }
}
