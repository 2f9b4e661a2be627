package dev.headroom.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A console test in Debian's Chromium: one browser per test class, console accounts, locators. */
abstract class BrowserTest extends IntegrationTest {
    static final String PASSWORD = "correct-horse-battery";

    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    String base() {
        return "http://localhost:" + port;
    }

    /** A console account for {@code memberId}, set through the API as the owners do. */
    static void password(OrgFixture org, String memberId) {
        Api.Response set =
                org.owner.put(
                        org.path("/members/" + memberId + "/console-password"),
                        Map.of("password", PASSWORD));
        assertThat(set.status()).as(set.toString()).isEqualTo(204);
    }

    static Locator button(Page page, String name) {
        return page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    static Locator link(Page page, String name) {
        return page.getByRole(
                AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
    }
}
