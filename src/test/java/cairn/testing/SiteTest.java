package cairn.testing;

import java.net.URL;

import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Arquillian test class against one deployed {@link TestSite}, as a client. The concrete class keeps its own
 * {@code @Deployment(testable = false) static WebArchive deploy()} (Arquillian looks for it there), which sets
 * {@link #site} and returns {@code site.war()}; the site is closed after the class.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class SiteTest {
    protected static TestSite site;

    @ArquillianResource
    protected URL base;

    @AfterAll
    static void closeSite() {
        if (site != null) {
            site.close();
            site = null;
        }
    }
}
