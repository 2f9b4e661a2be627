package dev.headroom.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import dev.headroom.support.Api;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The "Members" and "API keys" pages in a real browser (EX-12, EX-13, EX-14): every change made on
 * a page is checked through the API, and a member removed while signed in lands on the sign-in page
 * at their next click.
 */
class TrustConsoleBrowserTest extends BrowserTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    static JsonNode member(OrgFixture org, String email) {
        for (JsonNode item : org.owner.get(org.path("/members?q=" + email)).body().get("items")) {
            if (item.get("email").asString().equals(email)) {
                return item;
            }
        }
        return null;
    }

    static Locator button(Locator scope, String name) {
        return scope.getByRole(
                AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void EX13_EX14_anOwnerAddsChangesAndRemovesMembers() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String primary = org.member("PREMIUM", "PRIMARY_OWNER");
        String owner = org.member("PREMIUM", "OWNER");
        password(org, owner);
        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Members")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Members")))
                .isVisible();
        // The primary owner ranks above this owner: nothing of theirs can be changed here.
        assertThat(page.locator("tr[data-member='" + primary + "'] details")).hasCount(0);

        Locator add = page.locator("section[aria-labelledby='add-title']");
        add.getByLabel("Email").fill("not-an-email@nowhere");
        add.getByLabel("Name").fill("Nobody");
        button(add, "Add member").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("email must be an email address");
        assertThat(member(org, "not-an-email@nowhere")).isNull();
        // An owner grants no role above their own: PRIMARY_OWNER is not offered.
        assertThat(add.getByLabel("Role").locator("option"))
                .hasText(new String[] {"OWNER", "ADMIN", "MEMBER"});

        add = page.locator("section[aria-labelledby='add-title']");
        add.getByLabel("Email").fill("marie@curie.example");
        add.getByLabel("Name").fill("Marie Curie");
        add.getByLabel("Role").selectOption("ADMIN");
        add.getByLabel("Seat").selectOption("PREMIUM");
        button(add, "Add member").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Added Marie Curie as ADMIN.");
        JsonNode marie = member(org, "marie@curie.example");
        assertThat(marie.get("role").asString()).isEqualTo("ADMIN");
        assertThat(marie.get("seatType").asString()).isEqualTo("PREMIUM");
        String marieId = marie.get("id").asString();
        assertThat(page.locator(".seat-counts")).containsText("3 members");

        Locator row = page.locator("tr[data-member='" + marieId + "']");
        page.getByLabel("Change Marie Curie").click();
        row.getByLabel("Role").selectOption("MEMBER");
        row.getByLabel("Seat").selectOption("STANDARD");
        button(row, "Save").click();
        assertThat(page.getByRole(AriaRole.STATUS))
                .containsText("Saved Marie Curie: MEMBER, STANDARD.");
        assertThat(member(org, "marie@curie.example").get("role").asString()).isEqualTo("MEMBER");

        row = page.locator("tr[data-member='" + marieId + "']");
        page.getByLabel("Change Marie Curie").click();
        row.getByLabel("Console password").fill("radium-and-polonium");
        button(row, "Set password").click();
        assertThat(page.getByRole(AriaRole.STATUS))
                .containsText("Set the console password of Marie Curie.");
        Page marieSession = browser.signIn(base(), "marie@curie.example", "radium-and-polonium");
        assertThat(marieSession).hasURL(java.util.regex.Pattern.compile(".*/console.*"));
        Browser.screenshot(page, "members");

        row = page.locator("tr[data-member='" + marieId + "']");
        page.getByLabel("Change Marie Curie").click();
        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Remove…")).click();
        Locator confirm = page.locator("dialog#remove-" + marieId);
        assertThat(confirm).isVisible();
        assertThat(confirm).containsText("Their API keys are revoked");
        assertThat(confirm).containsText("Their usage, spend, invoices and audit entries stay");
        Browser.screenshot(page, "members-remove");
        button(confirm, "Remove member").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Removed Marie Curie");
        assertThat(member(org, "marie@curie.example")).isNull();
        assertThat(page.locator(".seat-counts")).containsText("2 members");

        // Marie's open session ends at her next click.
        marieSession.reload();
        assertThat(marieSession).hasURL(base() + "/login?ended");
        assertThat(marieSession.getByRole(AriaRole.STATUS)).containsText("Your session has ended");
    }

    @Test
    void EX12_anOwnerCreatesAKeyShownOnceAndRevokesIt() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String homer = org.member("STANDARD");
        password(org, owner);
        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API keys")).click();

        Locator create = page.locator("section[aria-labelledby='create-title']");
        create.locator("select[name=role]").selectOption("OWNER");
        button(create, "Create key").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("only the operator issues one");

        create = page.locator("section[aria-labelledby='create-title']");
        create.getByLabel("Name").fill("CI reporter");
        create.locator("select[name=role]").selectOption("SERVICE");
        button(create, "Create key").click();
        Locator shown = page.locator("#new-key");
        assertThat(shown).hasText(java.util.regex.Pattern.compile("^hr_\\w+"));
        String secret = shown.textContent();
        Browser.screenshot(page, "api-keys-created");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copy")).click();
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copied")))
                .isVisible();
        assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(secret);

        Api key = org.as(secret);
        assertThat(key.get(org.path("")).status()).isEqualTo(200);
        page.reload();
        assertThat(page.locator("#new-key")).hasCount(0);
        assertThat(page.content()).doesNotContain(secret);
        Locator row = page.locator("tr", new Page.LocatorOptions().setHasText("CI reporter"));
        assertThat(row).containsText("SERVICE");
        assertThat(row.locator("td").nth(4)).not().hasText("Never");

        create = page.locator("section[aria-labelledby='create-title']");
        create.getByLabel("Name").fill("Homer's laptop");
        create.locator("select[name=role]").selectOption("MEMBER");
        create.locator("select[name=memberId]").selectOption(new SelectOption().setValue(homer));
        create.getByLabel("Expires").fill("2099-01-31");
        button(create, "Create key").click();
        Locator homerRow =
                page.locator("tr", new Page.LocatorOptions().setHasText("Homer's laptop"));
        assertThat(homerRow).containsText("2099-02-01");
        JsonNode listed = org.owner.get(org.path("/keys")).body().get("items");
        assertThat(listed.toString()).contains(homer).contains("2099-02-01T00:00:00Z");

        row = page.locator("tr", new Page.LocatorOptions().setHasText("CI reporter"));
        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Revoke")).click();
        Locator confirm = row.locator("dialog");
        assertThat(confirm).isVisible();
        button(confirm, "Revoke key").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Revoked the key");
        assertThat(key.get(org.path("")).status()).isEqualTo(401);
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("CI reporter")))
                .hasCount(0);
        Browser.screenshot(page, "api-keys");
        assertThat(org.owner.get(org.path("/audit-log")).raw()).contains("api_key.revoke");

        // A key whose member was demoted since keeps its own role in the list, and says what it
        // acts as now, as the API's refusals do.
        String bart = org.member("STANDARD", "ADMIN");
        assertThat(
                        org.owner
                                .post(
                                        org.path("/keys"),
                                        Map.of(
                                                "name",
                                                "Bart's admin key",
                                                "role",
                                                "ADMIN",
                                                "memberId",
                                                bart))
                                .status())
                .isEqualTo(201);
        page.reload();
        Locator bartRow =
                page.locator("tr", new Page.LocatorOptions().setHasText("Bart's admin key"));
        assertThat(bartRow.locator("td").nth(1)).hasText("ADMIN");
        assertThat(org.owner.patch(org.path("/members/" + bart), Map.of("role", "MEMBER")).status())
                .isEqualTo(200);
        page.reload();
        assertThat(bartRow.locator("td").nth(1))
                .hasText("ADMIN acts as MEMBER (its member’s role now)");
    }
}
