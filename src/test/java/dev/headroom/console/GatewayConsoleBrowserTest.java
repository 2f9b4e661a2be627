package dev.headroom.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 in the console: a member creates their own key on My usage, shown once with the two
 * lines for Claude Code; owners see the gateway's address and the org's upstream.
 */
class GatewayConsoleBrowserTest extends BrowserTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    @Test
    void EX4_aMemberCreatesTheirOwnKeyNextToTheLinesForClaudeCode() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String homer = org.member("STANDARD");
        password(org, owner);
        password(org, homer);
        org.operator.put(
                org.path("/gateway"),
                Map.of("upstreamUrl", "https://api.anthropic.com", "upstreamKey", "sk-secret"));

        Page page = browser.signIn(base(), org.email(homer), PASSWORD);
        page.navigate(base() + "/console/usage");
        // A window that has not started says so, in words that read.
        assertThat(page.locator("[data-window='Session'] .starts"))
                .hasText("starts with your next request");
        assertThat(page.locator("#claude-code-lines"))
                .hasText(
                        "export ANTHROPIC_BASE_URL="
                                + base()
                                + "\nexport ANTHROPIC_API_KEY=<your key>");
        page.locator("#create-my-key").click();
        String lines = page.locator("#claude-code-lines").textContent();
        assertThat(lines)
                .startsWith(
                        "export ANTHROPIC_BASE_URL=" + base() + "\nexport ANTHROPIC_API_KEY=hr_");
        String key = lines.substring(lines.lastIndexOf('=') + 1).trim();
        Browser.screenshot(page, "my-usage-claude-code");
        assertThat(org.as(key).get(org.path("/members/" + homer + "/usage")).status())
                .isEqualTo(200);
        page.reload();
        assertThat(page.locator("#claude-code-lines")).not().containsText(key);

        Page ownerPage = browser.signIn(base(), org.email(owner), PASSWORD);
        ownerPage.navigate(base() + "/console/keys");
        assertThat(ownerPage.locator("#gateway-upstream")).hasText("https://api.anthropic.com");
        assertThat(ownerPage.locator("#gateway-lines"))
                .containsText("export ANTHROPIC_BASE_URL=" + base());
        assertThat(ownerPage.content()).doesNotContain("sk-secret");
        assertThat(ownerPage.locator("tr", new Page.LocatorOptions().setHasText("Claude Code")))
                .containsText("MEMBER");
    }
}
