package dev.headroom.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import dev.headroom.support.Api;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser (issue 8; XU-13, XU-23, XU-28, XU-29, EX-3, EX-7): every change
 * made through a page is checked through the API, and every page is saved as a screenshot under
 * {@code target/screenshots/}.
 */
class ConsoleBrowserTest extends BrowserTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    @Test
    void XU28_anOwnerSetsAndUnsetsEveryKindOfLimitThroughTheModals() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String homer = org.member("STANDARD");
        org.member("PREMIUM");
        password(org, owner);
        org.put("/extra-usage", Map.of("enabled", true));

        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        assertThat(
                        page.getByRole(
                                AriaRole.HEADING,
                                new Page.GetByRoleOptions()
                                        .setName("Organisation settings > Usage")))
                .isVisible();
        assertThat(page.locator("#extra-usage-status")).hasText("On");
        assertThat(page.locator("#org-limit-value")).hasText("Unlimited");

        // The org spend limit: a bad amount is refused inline with the API's sentence, nothing
        // changes.
        link(page, "Adjust limit").click();
        Locator modal = page.locator("dialog#org-limit");
        assertThat(modal).isVisible();
        modal.getByLabel("Monthly limit").fill("12,50");
        button(page, "Set limit").click();
        assertThat(page.locator("dialog#org-limit .error")).containsText("amount");
        assertThat(page.locator("dialog#org-limit")).isVisible();
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("spendLimit").isNull())
                .isTrue();
        page.locator("dialog#org-limit").getByLabel("Monthly limit").fill("1500.00");
        button(page, "Set limit").click();
        assertThat(page.locator("#org-limit-value")).hasText("$1,500.00");
        assertThat(org.owner.get(org.path("/extra-usage")).text("spendLimit")).isEqualTo("1500.00");
        link(page, "Adjust limit").click();
        button(page, "Set to unlimited").click();
        assertThat(page.locator("#org-limit-value")).hasText("Unlimited");
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("spendLimit").isNull())
                .isTrue();

        // Seat-type limits, each behind its pencil.
        page.getByLabel("Edit Standard seat limit").click();
        page.locator("dialog#seat-limit-STANDARD").getByLabel("Monthly limit").fill("40");
        button(page, "Set limit").click();
        assertThat(page.locator("#standard-limit-value")).hasText("$40.00");
        page.getByLabel("Edit Premium seat limit").click();
        page.locator("dialog#seat-limit-PREMIUM").getByLabel("Monthly limit").fill("90.5");
        button(page, "Set limit").click();
        assertThat(page.locator("#premium-limit-value")).hasText("$90.50");
        page.getByLabel("Edit Premium seat limit").click();
        button(page, "Set to unlimited").click();
        assertThat(page.locator("#premium-limit-value")).hasText("Unlimited");
        Api.Response settings = org.owner.get(org.path("/extra-usage"));
        assertThat(settings.body().path("seatTypeSpendLimits").path("STANDARD").asString())
                .isEqualTo("40.00");
        assertThat(settings.body().path("seatTypeSpendLimits").get("PREMIUM").isNull()).isTrue();

        // A member's own limit: search, "…" > "Edit limit".
        String homerName =
                org.owner
                        .get(org.path("/members?q=" + org.email(homer)))
                        .body()
                        .path("items")
                        .get(0)
                        .path("name")
                        .asString();
        page.getByLabel("Search members").fill(homerName);
        Locator rows = page.locator("#member-list tbody tr");
        assertThat(rows).hasCount(1);
        page.getByLabel("More actions for " + homerName).click();
        link(page, "Edit limit").click();
        Locator memberModal = page.locator("dialog#member-limit");
        assertThat(memberModal).isVisible();
        assertThat(memberModal.getByRole(AriaRole.HEADING)).hasText("Edit limit for " + homerName);
        memberModal.getByLabel("Monthly limit").fill("10");
        button(page, "Set limit").click();
        Locator homerRow = page.locator("tr[data-member='" + homer + "']");
        assertThat(homerRow.locator(".limit")).hasText("$10.00");
        assertThat(
                        org.owner
                                .get(org.path("/members?q=" + org.email(homer)))
                                .body()
                                .path("items")
                                .get(0)
                                .path("spendLimit")
                                .asString())
                .isEqualTo("10.00");
        page.getByLabel("More actions for " + homerName).click();
        link(page, "Edit limit").click();
        button(page, "Set to unlimited").click();
        // Unlimited on a member removes their own amount: the seat type's limit applies again
        // (XU-12).
        assertThat(homerRow.locator(".limit")).hasText("$40.00");
        assertThat(homerRow).containsText("seat limit");
        assertThat(homerRow.locator(".mtd")).hasText("$0.00");
        Api.Response row = org.owner.get(org.path("/members?q=" + org.email(homer)));
        assertThat(row.body().path("items").get(0).get("spendLimit").isNull()).isTrue();
        assertThat(row.body().path("items").get(0).path("effectiveSpendLimit").asString())
                .isEqualTo("40.00");

        // The requests toggle at the bottom of the page (XU-25).
        Locator toggle =
                page.getByRole(
                        AriaRole.SWITCH,
                        new Page.GetByRoleOptions().setName("Extra usage requests"));
        assertThat(toggle).hasAttribute("aria-checked", "true");
        toggle.click();
        assertThat(
                        page.getByRole(
                                AriaRole.SWITCH,
                                new Page.GetByRoleOptions().setName("Extra usage requests")))
                .hasAttribute("aria-checked", "false");
        assertThat(
                        org.owner
                                .get(org.path("/extra-usage"))
                                .body()
                                .path("requestsEnabled")
                                .asBoolean())
                .isFalse();

        // EX-7: every change above is in the audit log, with who made it.
        link(page, "Audit log").first().click();
        assertThat(page.locator("main table")).containsText("spend_limit");
        assertThat(page.locator("main table")).containsText("member:" + owner);
        Browser.screenshot(page, "audit-log");
    }

    @Test
    void XU29_XU23_aMemberAtTheLimitRequestsAndAnAdminApprovesWithIncreaseLimit() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String admin = org.member("STANDARD", "ADMIN");
        String homer = org.member("STANDARD");
        String other = org.member("STANDARD");
        org.windows("STANDARD", "session", "PT5H", "1.00", "weekly", "P7D", "10.00");
        password(org, owner);
        password(org, admin);
        password(org, homer);
        org.spendCents(other, 42);

        Page member = browser.signIn(base(), org.email(homer), PASSWORD);
        assertThat(member).hasURL(base() + "/console/usage");
        assertThat(member.locator("[data-window='Session'] .used")).hasText("$0.00");
        assertThat(member.locator("#request-extra-usage")).hasCount(0);

        // Members never see other members' data.
        member.navigate(base() + "/console/settings/usage");
        assertThat(member.locator("main h1")).hasText("Not allowed");
        member.navigate(base() + "/console/settings/usage/members");
        assertThat(member.locator("main h1")).hasText("Not allowed");
        assertThat(member.content()).doesNotContain(org.email(other));

        org.spendCents(homer, 100);
        member.navigate(base() + "/console/usage");
        assertThat(member.locator("#usage-status"))
                .containsText("You have reached your included usage");
        assertThat(member.locator("[data-window='Session'] .used")).hasText("$1.00");
        assertThat(member.locator("[data-window='Session'] .resets"))
                .hasText("2027-03-10 14:00 UTC");
        assertThat(member.locator("#my-limit")).hasText("Unlimited");
        Browser.screenshot(member, "member-usage-at-limit");
        member.locator("#request-extra-usage").click();
        assertThat(member.locator("#request-sent")).hasText("Request sent to admin");
        assertThat(org.usageOf(homer).text("requestAction")).isEqualTo("PENDING");
        Browser.screenshot(member, "member-usage-request-sent");

        Page adminPage = browser.signIn(base(), org.email(admin), PASSWORD);
        assertThat(adminPage).hasURL(base() + "/console/settings/usage");
        // Admins review requests; the limits are the owners' to change.
        assertThat(link(adminPage, "Adjust limit")).hasCount(0);
        assertThat(adminPage.getByLabel("Edit Standard seat limit")).hasCount(0);
        link(adminPage, "Review requests (1)").click();
        Locator review = adminPage.locator("dialog#review-requests");
        assertThat(review).isVisible();
        Locator request = review.locator("tbody tr");
        assertThat(request).hasCount(1);
        assertThat(request).containsText(org.email(homer));
        assertThat(request).containsText("Standard");
        assertThat(request).containsText("2027-03-10 09:00 UTC");
        Browser.screenshot(adminPage, "review-requests");
        button(adminPage, "Increase limit").click();
        assertThat(adminPage.locator(".notice")).containsText("Approved the request");
        assertThat(link(adminPage, "Review requests (0)")).isVisible();

        // The default approval of a Standard member moves them to a Premium seat (XU-22).
        member.reload();
        assertThat(member.locator("#included-title")).containsText("Premium seat");
        assertThat(member.locator("#usage-status"))
                .hasText("You are working within your included usage.");
        assertThat(member.locator("#request-sent")).hasCount(0);
        assertThat(org.usageOf(homer).text("requestAction")).isEqualTo("UNAVAILABLE");
    }

    @Test
    void XU28_aTeamOwnerBuysCreditsAndSetsAutoReload() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String alan = org.member("STANDARD");
        password(org, owner);
        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        assertThat(page.locator("#extra-usage-status")).hasText("Off");

        // Enabling on a Team org asks for payment first (the article's step 3).
        link(page, "Enable").click();
        Locator enable = page.locator("dialog#enable");
        enable.getByLabel("Initial purchase").fill("-5");
        button(page, "Pay and enable").click();
        assertThat(page.locator("dialog#enable .error"))
                .containsText("initialPurchase must be greater than zero");
        assertThat(org.owner.get(org.path("/extra-usage")).body().path("enabled").asBoolean())
                .isFalse();
        page.locator("dialog#enable").getByLabel("Initial purchase").fill("100");
        button(page, "Pay and enable").click();
        assertThat(page.locator("#extra-usage-status")).hasText("On");
        assertThat(page.locator("#balance-value")).hasText("$100.00");

        link(page, "Buy credits").click();
        page.locator("dialog#buy-credits").getByLabel("Amount").fill("abc");
        button(page, "Buy credits").click();
        assertThat(page.locator("dialog#buy-credits .error")).containsText("amount");
        page.locator("dialog#buy-credits").getByLabel("Amount").fill("25.50");
        button(page, "Buy credits").click();
        assertThat(page.locator("#balance-value")).hasText("$125.50");
        assertThat(org.owner.get(org.path("/extra-usage")).text("balance")).isEqualTo("125.50");

        link(page, "Edit auto-reload").click();
        Locator reload = page.locator("dialog#auto-reload");
        reload.getByLabel("Turn on auto-reload").check();
        reload.getByLabel("Reload when balance reaches").fill("10");
        reload.getByLabel("Amount to reload").fill("50");
        reload.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("#auto-reload-status"))
                .containsText("reload when balance reaches $10.00");
        Api.Response autoReload = org.owner.get(org.path("/auto-reload"));
        assertThat(autoReload.body().path("enabled").asBoolean()).isTrue();
        assertThat(autoReload.text("threshold")).isEqualTo("10.00");
        assertThat(autoReload.text("amount")).isEqualTo("50.00");

        // Seat-type limits and requests are Enterprise-seat controls: a Team page has neither.
        assertThat(page.locator("#seat-limits")).hasCount(0);
        assertThat(page.locator("#requests-setting")).hasCount(0);
        org.spendCents(alan, 4_100);
        page.reload();
        Browser.screenshot(page, "usage-settings-team");

        link(page, "Balance history").first().click();
        assertThat(page.locator("main table tbody tr")).hasCount(3);
        Browser.screenshot(page, "balance-history");
        page.navigate(base() + "/console/receipts");
        assertThat(page.locator("main table tbody tr")).hasCount(2);
    }

    @Test
    void EX3_ownersSeeSpendPerDayByProductAndModel() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String homer = org.member("STANDARD");
        org.windows("STANDARD", "session", "PT5H", "0.50");
        org.put("/extra-usage", Map.of("enabled", true));
        password(org, owner);
        org.spendCents(homer, 300);
        org.advance(T0.plusSeconds(86_400));
        org.spendCents(homer, 200);

        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        page.navigate(base() + "/console/reports");
        Locator byModel = page.locator("#by-model svg");
        assertThat(byModel).isVisible();
        assertThat(byModel.locator("rect title")).hasCount(2);
        assertThat(byModel.locator("rect title").first())
                .hasText("2027-03-10 · claude-haiku-4-5: $2.50");
        // Each day's new session window included $0.50 first: $2.50 + $1.50 of extra usage.
        assertThat(page.locator("#by-model table.totals")).containsText("$4.00");
        assertThat(page.locator("#by-product table.totals")).containsText("$4.00");
        page.getByLabel("Show").selectOption("all");
        button(page, "Show").click();
        assertThat(page.locator("#by-model table.totals")).containsText("$5.00");
        Browser.screenshot(page, "usage-charts");
    }

    @Test
    void signInIsCheckedSignOutEndsTheSessionAndFormsNeedTheCsrfToken() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        password(org, owner);

        Page wrong = browser.signIn(base(), org.email(owner), "not-the-password");
        assertThat(wrong.locator("[role=alert]")).hasText("Wrong email or password.");
        Browser.screenshot(wrong, "sign-in");
        Page anonymous = browser.newPage(base());
        anonymous.navigate(base() + "/console/settings/usage");
        assertThat(anonymous).hasURL(base() + "/login");

        Page page = browser.signIn(base(), org.email(owner), PASSWORD);
        assertThat(page).hasURL(base() + "/console/settings/usage");
        Browser.screenshot(page, "usage-settings-enterprise");
        // A form post from elsewhere carries no CSRF token: refused, nothing changes.
        var forged =
                page.request()
                        .post(
                                base() + "/console/settings/usage/spend-limit",
                                RequestOptions.create()
                                        .setForm(
                                                com.microsoft.playwright.options.FormData.create()
                                                        .set("amount", "1")));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("spendLimit").isNull())
                .isTrue();

        button(page, "Sign out").click();
        assertThat(page).hasURL(base() + "/login?signedOut");
        page.navigate(base() + "/console/usage");
        assertThat(page).hasURL(base() + "/login");
    }
}
