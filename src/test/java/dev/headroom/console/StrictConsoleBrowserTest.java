package dev.headroom.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 in the console: an owner turns strict limits on with the switch on the usage settings
 * page, and the spend limit's card shows what is held for requests in flight beside the month's
 * spend; an admin sees the switch but cannot turn it.
 */
class StrictConsoleBrowserTest extends BrowserTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    @Test
    void EX1_anOwnerTurnsStrictLimitsOnAndSeesWhatIsHeld() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String admin = org.member("PREMIUM", "ADMIN");
        String homer = org.member("STANDARD");
        password(org, owner);
        password(org, admin);
        org.windows("STANDARD", "session", "PT5H", "0");
        org.put("/extra-usage", Map.of("enabled", true));

        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        page.navigate(base() + "/console/settings/usage");
        Locator strict = strictSwitch(page);
        assertThat(strict).hasAttribute("aria-checked", "false");
        assertThat(page.locator("#org-held")).hasCount(0);
        strict.click();
        assertThat(strictSwitch(page)).hasAttribute("aria-checked", "true");
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("strict").asBoolean())
                .isTrue();

        org.service.post(
                "/api/v1/admissions",
                Map.of(
                        "orgId",
                        org.id,
                        "memberId",
                        homer,
                        "product",
                        "CLAUDE_CODE",
                        "model",
                        "claude-haiku-4-5",
                        "requestId",
                        "console-hold",
                        "estimate",
                        Map.of("input_tokens", 10_000, "max_tokens", 8_000)));
        page.reload();
        assertThat(page.locator("#org-held")).hasText("$0.06");
        Browser.screenshot(page, "usage-settings-strict");

        Page adminPage = browser.signIn(base(), org.email(admin), PASSWORD);
        adminPage.navigate(base() + "/console/settings/usage");
        assertThat(strictSwitch(adminPage)).isDisabled();
        assertThat(adminPage.locator("#org-held")).hasText("$0.06");
    }

    static Locator strictSwitch(Page page) {
        return page.getByRole(
                AriaRole.SWITCH, new Page.GetByRoleOptions().setName("Strict limits"));
    }
}
