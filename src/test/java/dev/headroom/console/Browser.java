package dev.headroom.console;

import com.microsoft.playwright.Browser.NewContextOptions;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, driven by Playwright for Java. Playwright's own browser download cannot reach
 * this network, so the test uses {@code /usr/bin/chromium}, which {@code .ci/run} installs.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM =
            Path.of(System.getenv().getOrDefault("HEADROOM_CHROMIUM", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    Browser() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(
                    CHROMIUM
                            + " is missing: install Debian's chromium (.ci/run does) or set HEADROOM_CHROMIUM.");
        }
        playwright =
                Playwright.create(
                        new Playwright.CreateOptions()
                                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser =
                playwright
                        .chromium()
                        .launch(
                                new BrowserType.LaunchOptions()
                                        .setExecutablePath(CHROMIUM)
                                        .setHeadless(true)
                                        .setArgs(
                                                List.of(
                                                        "--no-sandbox",
                                                        "--disable-gpu",
                                                        "--disable-dev-shm-usage",
                                                        "--disable-background-networking",
                                                        "--disable-component-update",
                                                        "--disable-sync",
                                                        "--no-first-run")));
    }

    /** A fresh session (its own cookies), signed in as {@code email}. */
    Page signIn(String baseUrl, String email, String password) {
        Page page = newPage(baseUrl);
        page.navigate(baseUrl + "/login");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(
                        com.microsoft.playwright.options.AriaRole.BUTTON,
                        new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        return page;
    }

    Page newPage(String baseUrl) {
        return browser.newContext(
                        new NewContextOptions().setBaseURL(baseUrl).setViewportSize(1280, 900))
                .newPage();
    }

    static void screenshot(Page page, String name) {
        page.screenshot(
                new Page.ScreenshotOptions()
                        .setPath(SCREENSHOTS.resolve(name + ".png"))
                        .setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
