package dev.headroom.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Money;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A month of a Team org in America/New_York on a test clock, over the real HTTP API: windows reset,
 * the org cap, the balance and a member cap bite with the documented one-request overshoot, and the
 * member's cap resets at local midnight on the 1st after the DST change.
 */
class TeamMonthScenarioTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-03-01T14:00:00Z");

    @Test
    void XU5_XU7_XU8_XU12_XU18_aTeamMonth() {
        OrgFixture org = scenario().org("TEAM", "America/New_York", T0);
        org.windows("STANDARD", "session", "PT5H", "5.00", "weekly", "P7D", "8.00");
        String ada = org.member("STANDARD");

        // XU-5: enabling on Team asks for the initial purchase.
        Api.Response withoutPurchase =
                org.owner.put(org.path("/extra-usage"), Map.of("enabled", true));
        assertThat(withoutPurchase.status()).isEqualTo(400);
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("enabled").asBoolean())
                .isFalse();
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "20.00"));
        org.limit("/spend-limit", "15");
        assertThat(extraUsage(org).get("balance").asString()).isEqualTo("20.00");

        assertThat(org.decision(ada)).isEqualTo("ALLOWED_INCLUDED");
        assertSplit(org.spendCents(ada, 300), "3.00", "0.00");
        assertSplit(org.spendCents(ada, 400), "2.00", "2.00");
        // XU-2: the session window is used up; extra usage takes over.
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        JsonNode usage = org.usageOf(ada).body();
        assertThat(usage.at("/windows/0/used").asString()).isEqualTo("5.00");
        assertThat(usage.at("/windows/0/resetsAt").asString())
                .isEqualTo(T0.plus(Duration.ofHours(5)).toString());

        org.spendCents(ada, 1_000);
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        // XU-18: the request that reaches the cap is settled in full (17 > 15); the next is denied.
        assertSplit(org.spendCents(ada, 500), "0.00", "5.00");
        Api.Response denied = org.admit(ada);
        assertThat(denied.text("reason")).isEqualTo("ORG_CAP_REACHED");
        assertThat(denied.text("resumesAt")).isEqualTo(T0.plus(Duration.ofHours(5)).toString());
        assertThat(extraUsage(org).get("mtdSpend").asString()).isEqualTo("17.00");
        assertThat(extraUsage(org).get("balance").asString()).isEqualTo("3.00");

        // The session resets after 5 hours; the weekly window has 3.00 left.
        org.advance(T0.plus(Duration.ofHours(6)));
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_INCLUDED");
        assertSplit(org.spendCents(ada, 400), "3.00", "1.00");
        Api.Response weeklyDenied = org.admit(ada);
        assertThat(weeklyDenied.text("reason")).isEqualTo("ORG_CAP_REACHED");
        assertThat(weeklyDenied.text("resumesAt"))
                .isEqualTo(T0.plus(Duration.ofDays(7)).toString());

        // XU-8: "Set to unlimited" takes effect for the very next admission.
        org.limit("/spend-limit", null);
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        // XU-7, XU-18: one request may take the balance below zero; then every request is denied.
        org.spendCents(ada, 300);
        assertThat(extraUsage(org).get("balance").asString()).isEqualTo("-1.00");
        assertThat(org.decision(ada)).isEqualTo("DENIED:BALANCE_EXHAUSTED");
        Api.Response receipt =
                org.owner.post(org.path("/credits/purchases"), Map.of("amount", "10"));
        assertThat(receipt.status()).isEqualTo(201);
        assertThat(receipt.text("balanceAfter")).isEqualTo("9.00");
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");

        // XU-12: a member cap; MTD is now 21.00.
        org.limit("/members/" + ada + "/spend-limit", "25");
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        org.spendCents(ada, 500);
        assertThat(org.decision(ada)).isEqualTo("DENIED:MEMBER_CAP_REACHED");
        org.limit("/members/" + ada + "/spend-limit", null);
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        org.limit("/members/" + ada + "/spend-limit", "25");

        assertThat(org.owner.post(org.path("/credits/purchases"), Map.of("amount", "20")).status())
                .isEqualTo(201);

        // The last day of March: a new weekly window starts and is used up in the evening.
        org.advance(Instant.parse("2027-03-31T12:00:00Z"));
        assertSplit(org.spendCents(ada, 500), "5.00", "0.00");
        org.advance(Instant.parse("2027-03-31T18:00:00Z"));
        assertSplit(org.spendCents(ada, 800), "3.00", "5.00");
        Api.Response lastEvening = org.admit(ada);
        assertThat(lastEvening.text("reason")).isEqualTo("MEMBER_CAP_REACHED");
        // New York's April starts at 04:00 UTC (EDT since March 14), before the weekly reset.
        assertThat(lastEvening.text("resumesAt")).isEqualTo("2027-04-01T04:00:00Z");
        org.advance(Instant.parse("2027-04-01T03:59:59Z"));
        assertThat(org.decision(ada)).isEqualTo("DENIED:MEMBER_CAP_REACHED");
        org.advance(Instant.parse("2027-04-01T04:00:00Z"));
        assertThat(org.decision(ada)).isEqualTo("ALLOWED_EXTRA");
        JsonNode april = org.usageOf(ada).body();
        assertThat(april.get("period").asString()).isEqualTo("2027-04");
        assertThat(april.get("mtdSpend").asString()).isEqualTo("0.00");

        // XU-26: the balance history sums to the balance.
        JsonNode history = org.owner.get(org.path("/balance/history?size=500")).body();
        long sum = 0;
        for (JsonNode entry : history.get("items")) {
            sum += Money.parse(entry.get("amount").asString()).nanos();
        }
        assertThat(Money.ofNanos(sum).toDecimalString())
                .isEqualTo(history.get("balance").asString());
        assertThat(history.get("balance").asString()).isEqualTo("19.00");
    }

    private static JsonNode extraUsage(OrgFixture org) {
        return org.owner.get(org.path("/extra-usage")).body();
    }

    private static void assertSplit(Api.Response response, String included, String extra) {
        assertThat(response.text("includedCost")).as(response.toString()).isEqualTo(included);
        assertThat(response.text("extraCost")).as(response.toString()).isEqualTo(extra);
    }
}
