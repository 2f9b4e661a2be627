package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** XU-17, EX-9: idempotent usage reports, batches that settle all or nothing. */
class SettlementApiTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-01-10T12:00:00Z");

    @Autowired JdbcClient jdbc;

    @Test
    void XU17_theSameRequestIdWithTheSameContentIsCountedOnce() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("STANDARD");
        Api.Response first = org.report(m, "req-a", T0, 1_200, 800);
        Api.Response replay = org.report(m, "req-a", T0, 1_200, 800);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("duplicate").asBoolean()).isFalse();
        assertThat(first.text("cost")).isEqualTo("0.0156");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body().get("duplicate").asBoolean()).isTrue();
        assertThat(replay.text("cost")).isEqualTo("0.0156");
        assertThat(replay.text("includedCost")).isEqualTo(first.text("includedCost"));
        assertThat(org.usageOf(m).body().at("/windows/0/used").asString()).isEqualTo("0.0156");
        assertThat(events(org.id)).isEqualTo(1);
    }

    @Test
    void EX9_theSameRequestIdWithOtherContentIsAConflictAndTheFirstStands() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String m = org.member("STANDARD");
        org.report(m, "req-b", T0, 100, 100);
        Api.Response conflict = org.report(m, "req-b", T0, 100, 101);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.errorCode()).isEqualTo("CONFLICT");
        assertThat(org.usageOf(m).body().at("/windows/0/used").asString()).isEqualTo("0.0018");
    }

    @Test
    void XU17_aBatchAnswersInOrderAndCountsADuplicateInsideItOnce() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("STANDARD");
        Api.Response batch =
                org.service.post(
                        "/api/v1/usage:batch",
                        Map.of(
                                "items",
                                List.of(
                                        org.usageBody(m, "b1", T0, 1_000, 0),
                                        org.usageBody(m, "b2", T0, 2_000, 0),
                                        org.usageBody(m, "b1", T0, 1_000, 0))));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(batch.body().get("items")).hasSize(3);
        assertThat(batch.body().at("/items/0/requestId").asString()).isEqualTo("b1");
        assertThat(batch.body().at("/items/1/cost").asString()).isEqualTo("0.006");
        assertThat(batch.body().at("/items/2/duplicate").asBoolean()).isTrue();
        assertThat(events(org.id)).isEqualTo(2);
        assertThat(org.usageOf(m).body().at("/windows/0/used").asString()).isEqualTo("0.009");
    }

    @Test
    void EX9_aBatchWithOneBadItemWritesNothing() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("STANDARD");
        Map<String, Object> bad = new HashMap<>(org.usageBody(m, "c2", T0, 1_000, 0));
        bad.put("model", "no-such-model");
        Api.Response batch =
                org.service.post(
                        "/api/v1/usage:batch",
                        Map.of("items", List.of(org.usageBody(m, "c1", T0, 1_000, 0), bad)));
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.body().at("/error/message").asString()).contains("no-such-model");
        Map<String, Object> unknownMember =
                new HashMap<>(org.usageBody("mem_nobody", "c3", T0, 1_000, 0));
        Api.Response missing =
                org.service.post(
                        "/api/v1/usage:batch",
                        Map.of(
                                "items",
                                List.of(org.usageBody(m, "c1", T0, 1_000, 0), unknownMember)));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(events(org.id)).isZero();
        assertThat(org.usageOf(m).body().at("/windows/0/used").asString()).isEqualTo("0.00");
    }

    @Test
    void XU15_everyProductCountsAndFreeFormProductsAreAllowed() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("STANDARD");
        for (String product : List.of("CLAUDE", "CLAUDE_CODE", "COWORK", "acme-internal-bot")) {
            Map<String, Object> body =
                    new HashMap<>(org.usageBody(m, "p-" + product, T0, 100_000, 0));
            body.put("product", product);
            assertThat(org.service.post("/api/v1/usage", body).status()).isEqualTo(200);
        }
        assertThat(org.usageOf(m).body().at("/windows/0/used").asString()).isEqualTo("1.20");
        Map<String, Object> bad = new HashMap<>(org.usageBody(m, "p-bad", T0, 1, 0));
        bad.put("product", "has spaces");
        assertThat(org.service.post("/api/v1/usage", bad).status()).isEqualTo(400);
    }

    @Test
    void XU17_cacheWritesByLifetimeAndWebSearchArePriced() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("PREMIUM");
        Map<String, Object> usage = new HashMap<>();
        usage.put("input_tokens", 1_000);
        usage.put("output_tokens", 1_000);
        usage.put("cache_creation_input_tokens", 3_000);
        usage.put("cache_read_input_tokens", 10_000);
        usage.put(
                "cache_creation",
                Map.of("ephemeral_5m_input_tokens", 1_000, "ephemeral_1h_input_tokens", 2_000));
        usage.put("server_tool_use", Map.of("web_search_requests", 2));
        usage.put("service_tier", "standard");
        Map<String, Object> body = new HashMap<>(org.usageBody(m, "cache-1", T0, 0, 0));
        body.put("usage", usage);
        // 1000 x 3 + 1000 x 15 + 1000 x 3.75 + 2000 x 6 + 10000 x 0.30 per MTok, plus 2 x $0.01
        Api.Response response = org.service.post("/api/v1/usage", body);
        assertThat(response.text("cost")).isEqualTo("0.05675");
    }

    @Test
    void XU1_usageBasedEnterpriseIsAllExtraFromTheFirstToken() {
        OrgFixture org = scenario().org("ENTERPRISE_USAGE", "UTC", T0);
        String m = org.member(null);
        assertThat(org.decision(m)).isEqualTo("ALLOWED_EXTRA");
        Api.Response settled = org.report(m, "u1", T0, 100_000, 0);
        assertThat(settled.text("includedCost")).isEqualTo("0.00");
        assertThat(settled.text("extraCost")).isEqualTo("0.30");
        // Only the operator bounds a usage-based org.
        Map<String, Object> cap = new HashMap<>();
        cap.put("amount", "0.30");
        assertThat(org.owner.put(org.path("/spend-limit"), cap).status()).isEqualTo(403);
        assertThat(org.operator.put(org.path("/spend-limit"), cap).status()).isEqualTo(200);
        assertThat(org.decision(m)).isEqualTo("DENIED:ORG_CAP_REACHED");
        for (String path :
                List.of(
                        "/extra-usage",
                        "/seat-types/STANDARD/spend-limit",
                        "/members/" + m + "/spend-limit")) {
            Api.Response refused =
                    org.owner.put(
                            org.path(path),
                            path.equals("/extra-usage")
                                    ? Map.of("enabled", true)
                                    : Map.of("amount", "1"));
            assertThat(refused.errorCode()).as(path).isEqualTo("PLAN_NOT_SUPPORTED");
            assertThat(refused.body().at("/error/message").asString()).contains("ENTERPRISE_USAGE");
        }
    }

    @Test
    void XU16_unknownMemberIsDeniedAndUnknownModelIsABadRequest() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        Api.Response unknown = org.admit("mem_nobody");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.text("reason")).isEqualTo("MEMBER_UNKNOWN");
        assertThat(unknown.text("requestAction")).isEqualTo("UNAVAILABLE");
        String m = org.member("STANDARD");
        Api.Response model = org.admit(m, "gpt-4o");
        assertThat(model.status()).isEqualTo(400);
        assertThat(model.body().at("/error/message").asString()).contains("gpt-4o");
        assertThat(org.admit(m, "claude-sonnet-4-5-20250929").text("decision"))
                .isEqualTo("ALLOWED_INCLUDED");
    }

    @Test
    void XU16_aSuspendedOrgIsDenied() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String m = org.member("STANDARD");
        assertThat(org.operator.patch(org.path(""), Map.of("suspended", true)).status())
                .isEqualTo(200);
        assertThat(org.decision(m)).isEqualTo("DENIED:ORG_SUSPENDED");
        org.operator.patch(org.path(""), Map.of("suspended", false));
        assertThat(org.decision(m)).isEqualTo("ALLOWED_INCLUDED");
    }

    @Test
    void XU9_selectedMembersOnly() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String chosen = org.member("STANDARD");
        String other = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true, "scope", "SELECTED"));
        org.put("/members/" + chosen + "/extra-usage", Map.of("enabled", true));
        org.spendCents(chosen, 600);
        Api.Response otherSettled = org.spendCents(other, 600);
        // XU-19: an ineligible member's overshoot stays with included usage, unbilled.
        assertThat(otherSettled.text("includedCost")).isEqualTo("6.00");
        assertThat(otherSettled.text("extraCost")).isEqualTo("0.00");
        assertThat(org.decision(chosen)).isEqualTo("ALLOWED_EXTRA");
        assertThat(org.decision(other)).isEqualTo("DENIED:INCLUDED_EXHAUSTED");
        org.put("/extra-usage", Map.of("enabled", true, "scope", "ORG"));
        assertThat(org.decision(other)).isEqualTo("ALLOWED_EXTRA");
        org.put("/members/" + other + "/extra-usage", Map.of("enabled", false));
        assertThat(org.decision(other)).isEqualTo("DENIED:INCLUDED_EXHAUSTED");
    }

    private long events(String orgId) {
        return jdbc.sql("select count(*) from usage_event where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .single();
    }
}
