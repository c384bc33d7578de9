package cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium driven by Selenium, with screenshots kept under target/screenshots. */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** How long {@link #submit} and {@link #awaitText(By, String)} wait for the next page. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    public final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium; outside CI a machine without it skips the test, in CI it fails. */
    public static Browser start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        }
        Path profile = Files.createTempDirectory("cairn-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        // elements of the next page may take a moment after a click; absent ones cost this wait
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(3));
        return new Browser(driver, profile);
    }

    /** Saves what the page looks like now as target/screenshots/{name}.png. */
    public void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
    }

    /** Clicks the element {@code id} (a button or link that loads a new page) and waits until the old page is gone. */
    public void submit(String id) {
        WebElement html = driver.findElement(By.tagName("html"));
        driver.findElement(By.id(id)).click();
        new WebDriverWait(driver, WAIT).until(x -> {
            try {
                html.isEnabled();
                return false;
            } catch (WebDriverException gone) {
                return true; // stale, or no longer in the document
            }
        });
    }

    /** Waits up to {@link #WAIT} until an element {@code by} contains {@code text}. */
    public void awaitText(By by, String text) {
        awaitText(by, text, WAIT);
    }

    /**
     * Waits (bounded) until an element {@code by} contains {@code text}: clicks return before the next page. On a
     * timeout the AssertionError names the page and quotes its main part.
     */
    public void awaitText(By by, String text, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout).until(x -> {
                try {
                    return x.findElements(by).stream().anyMatch(e -> e.getText().contains(text));
                } catch (WebDriverException e) {
                    // the old page went away while we looked (stale or detached node): look again
                    return false;
                }
            });
        } catch (TimeoutException e) {
            throw new AssertionError("no \"" + text + "\" in " + by + " on " + driver.getCurrentUrl() + ":\n"
                    + driver.findElements(By.tagName("main")).stream().map(WebElement::getText).findFirst()
                            .orElseGet(() -> driver.findElement(By.tagName("body")).getText()), e);
        }
    }

    /** Replaces the value of the field {@code id} with {@code text}. */
    public void type(String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    /** The visible text of the element {@code id}. */
    public String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    @Override
    public void close() {
        driver.quit();
        try (var s = Files.walk(profile)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}
