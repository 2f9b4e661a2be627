package dev.headroom.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A month of a seat-based Enterprise org in Europe/Berlin on a test clock: seat-type caps as
 * per-member defaults, a member's own cap above and below them, the org cap, turning extra usage
 * off and on, the month boundary just after the October DST change, and late usage.
 */
class EnterpriseMonthScenarioTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-10-04T08:00:00Z");

    @Autowired JdbcClient jdbc;

    @Test
    void XU11_XU12_XU14_XU17_anEnterpriseSeatMonth() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "Europe/Berlin", T0);
        String s1 = org.member("STANDARD");
        String s2 = org.member("STANDARD");
        String p1 = org.member("PREMIUM");

        Api.Response purchase =
                org.owner.put(
                        org.path("/extra-usage"), Map.of("enabled", true, "initialPurchase", "10"));
        assertThat(purchase.errorCode()).isEqualTo("PLAN_NOT_SUPPORTED");
        org.put("/extra-usage", Map.of("enabled", true));
        org.limit("/seat-types/STANDARD/spend-limit", "10");
        org.limit("/seat-types/PREMIUM/spend-limit", "30");
        org.limit("/members/" + s2 + "/spend-limit", "20");

        // XU-11: the seat-type cap bounds each Standard member, with one request of overshoot.
        org.spendCents(s1, 500);
        assertThat(org.decision(s1)).isEqualTo("ALLOWED_EXTRA");
        org.spendCents(s1, 900);
        assertThat(org.decision(s1)).isEqualTo("ALLOWED_EXTRA");
        org.spendCents(s1, 200);
        assertThat(org.decision(s1)).isEqualTo("DENIED:SEAT_TYPE_CAP_REACHED");

        // XU-12: a member's own cap wins even above the seat type's.
        org.spendCents(s2, 500);
        org.spendCents(s2, 1_500);
        assertThat(org.decision(s2)).isEqualTo("ALLOWED_EXTRA");
        org.spendCents(s2, 500);
        assertThat(org.decision(s2)).isEqualTo("DENIED:MEMBER_CAP_REACHED");
        // "Set to unlimited" on the member: bound by the seat type's cap again.
        org.limit("/members/" + s2 + "/spend-limit", null);
        assertThat(org.decision(s2)).isEqualTo("DENIED:SEAT_TYPE_CAP_REACHED");
        // A seat-type cap is a per-member default, not a pool: unlimited frees both.
        org.limit("/seat-types/STANDARD/spend-limit", null);
        assertThat(org.decision(s1)).isEqualTo("ALLOWED_EXTRA");
        assertThat(org.decision(s2)).isEqualTo("ALLOWED_EXTRA");
        org.limit("/seat-types/STANDARD/spend-limit", "10");
        assertThat(org.decision(s1)).isEqualTo("DENIED:SEAT_TYPE_CAP_REACHED");

        org.spendCents(p1, 2_500);
        org.spendCents(p1, 2_900);
        assertThat(org.decision(p1)).isEqualTo("ALLOWED_EXTRA");
        // XU-8: the org cap is a pooled total on top: 11 + 20 + 29 = 60.
        org.limit("/spend-limit", "50");
        assertThat(org.decision(p1)).isEqualTo("DENIED:ORG_CAP_REACHED");
        org.limit("/spend-limit", null);

        // XU-13: the member list shows each member's MTD spend and effective cap.
        JsonNode list = org.owner.get(org.path("/members")).body();
        Map<String, JsonNode> rows = new HashMap<>();
        list.get("items").forEach(row -> rows.put(row.get("id").asString(), row));
        assertThat(rows.get(s1).get("mtdSpend").asString()).isEqualTo("11.00");
        assertThat(rows.get(s2).get("mtdSpend").asString()).isEqualTo("20.00");
        assertThat(rows.get(p1).get("mtdSpend").asString()).isEqualTo("29.00");
        assertThat(rows.get(s2).get("effectiveSpendLimit").asString()).isEqualTo("10.00");
        assertThat(rows.get(s2).get("spendLimit").isNull()).isTrue();

        // XU-14: off means members stop at their included limit; caps are kept for later.
        org.put("/extra-usage", Map.of("enabled", false));
        assertThat(org.decision(p1)).isEqualTo("DENIED:INCLUDED_EXHAUSTED");
        JsonNode settings = org.owner.get(org.path("/extra-usage")).body();
        assertThat(settings.at("/seatTypeSpendLimits/STANDARD").asString()).isEqualTo("10.00");
        assertThat(settings.at("/seatTypeSpendLimits/PREMIUM").asString()).isEqualTo("30.00");
        assertThat(settings.get("mtdSpend").asString()).isEqualTo("60.00");
        org.put("/extra-usage", Map.of("enabled", true));
        assertThat(org.decision(p1)).isEqualTo("ALLOWED_EXTRA");

        // Last evening of October: Berlin's November starts at 23:00 UTC (CET since Oct 31).
        org.advance(Instant.parse("2027-10-31T20:00:00Z"));
        org.spendCents(s1, 500);
        Api.Response capped = org.admit(s1);
        assertThat(capped.text("reason")).isEqualTo("SEAT_TYPE_CAP_REACHED");
        assertThat(capped.text("resumesAt")).isEqualTo("2027-10-31T23:00:00Z");
        org.advance(Instant.parse("2027-10-31T22:59:59Z"));
        assertThat(org.decision(s1)).isEqualTo("DENIED:SEAT_TYPE_CAP_REACHED");
        org.advance(Instant.parse("2027-10-31T23:00:00Z"));
        assertThat(org.decision(s1)).isEqualTo("ALLOWED_EXTRA");
        assertThat(org.usageOf(s1).body().get("period").asString()).isEqualTo("2027-11");

        // XU-17: late usage counts toward its own (October) figures, not November's.
        Api.Response late = org.spendCentsAt(s1, 100, Instant.parse("2027-10-31T22:30:00Z"));
        assertThat(late.text("extraCost")).isEqualTo("1.00");
        assertThat(org.usageOf(s1).body().get("mtdSpend").asString()).isEqualTo("0.00");
        assertThat(octoberExtra(org.id, s1)).isEqualTo(12_000_000_000L);

        // A timestamp more than 5 minutes ahead of the org's clock is refused.
        Api.Response future =
                org.report(s1, "future", Instant.parse("2027-10-31T23:05:01Z"), 10, 10);
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(org.report(s1, "soon", Instant.parse("2027-10-31T23:05:00Z"), 10, 10).status())
                .isEqualTo(200);
    }

    private long octoberExtra(String orgId, String memberId) {
        return jdbc.sql(
                        "select extra_nanos from member_period_spend where org_id = ? and member_id = ? and period = '2027-10'")
                .params(orgId, memberId)
                .query(Long.class)
                .single();
    }
}
