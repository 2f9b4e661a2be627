package dev.headroom.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.gateway.StandInUpstream;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * EX-17: the business metrics are on {@code /actuator/prometheus} with their labels, and each
 * admission, settlement, group commit, payment and gateway request moves exactly its own series.
 */
class BusinessMetricsTest extends IntegrationTest {
    @Autowired JdbcClient jdbc;

    static final Instant T0 = Instant.parse("2027-04-12T09:00:00Z");

    static final String INCLUDED =
            "headroom_admissions_total{decision=\"ALLOWED_INCLUDED\",reason=\"none\"}";
    static final String UNKNOWN =
            "headroom_admissions_total{decision=\"DENIED\",reason=\"MEMBER_UNKNOWN\"}";
    static final String SETTLED =
            "headroom_settlements_total{outcome=\"settled\",refusal=\"none\"}";
    static final String DUPLICATE =
            "headroom_settlements_total{outcome=\"duplicate\",refusal=\"none\"}";
    static final String CONFLICT =
            "headroom_settlements_total{outcome=\"refused\",refusal=\"CONFLICT\"}";
    static final String GROUPS = "headroom_settlement_group_reports_count";
    static final String COMMITS = "headroom_settlement_commit_seconds_count";
    static final String PURCHASES =
            "headroom_payments_total{kind=\"PURCHASE\",outcome=\"succeeded\"}";
    static final String OUTBOX = "headroom_outbox_depth{kind=\"email\"}";
    static final String FORWARDED = "headroom_gateway_requests_total{outcome=\"forwarded\"}";
    static final String REFUSED = "headroom_gateway_requests_total{outcome=\"refused\"}";
    static final String FAILED = "headroom_gateway_requests_total{outcome=\"failed\"}";
    static final String UPSTREAM_2XX = "headroom_gateway_upstream_seconds_count{outcome=\"2xx\"}";
    static final String UPSTREAM_5XX = "headroom_gateway_upstream_seconds_count{outcome=\"5xx\"}";

    Map<String, Double> scrape() {
        return scrape(
                INCLUDED, UNKNOWN, SETTLED, DUPLICATE, CONFLICT, GROUPS, COMMITS, PURCHASES,
                OUTBOX);
    }

    Map<String, Double> scrape(String... wanted) {
        Api.Response metrics = operator().get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        Map<String, Double> values = new HashMap<>();
        for (String series : wanted) {
            Matcher m =
                    Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$")
                            .matcher(metrics.raw());
            values.put(series, m.find() ? Double.parseDouble(m.group(1)) : 0.0);
        }
        return values;
    }

    @Test
    void EX17_eachBusinessEventMovesItsOwnSeries() {
        Map<String, Double> before = scrape();
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "20"));
        String member = org.member("STANDARD");
        assertThat(org.decision(member)).isEqualTo("ALLOWED_INCLUDED");
        assertThat(org.decision("mem_nobody")).isEqualTo("DENIED:MEMBER_UNKNOWN");
        assertThat(org.report(member, "m-1", T0, 1_000, 100).status()).isEqualTo(200);
        assertThat(org.report(member, "m-1", T0, 1_000, 100).status()).isEqualTo(200);
        assertThat(org.report(member, "m-1", T0, 2_000, 100).status()).isEqualTo(409);
        Map<String, Double> after = scrape();

        assertThat(after.get(INCLUDED) - before.get(INCLUDED)).isEqualTo(1.0);
        assertThat(after.get(UNKNOWN) - before.get(UNKNOWN)).isEqualTo(1.0);
        assertThat(after.get(SETTLED) - before.get(SETTLED)).isEqualTo(1.0);
        assertThat(after.get(DUPLICATE) - before.get(DUPLICATE)).isEqualTo(1.0);
        assertThat(after.get(CONFLICT) - before.get(CONFLICT)).isEqualTo(1.0);
        // Five transactions for three reports: the replay and the conflict are each first taken
        // for new (no lookup of stored ids, issue 15), rolled back at the insert, then planned
        // with the stored row.
        assertThat(after.get(GROUPS) - before.get(GROUPS)).isEqualTo(5.0);
        assertThat(after.get(COMMITS) - before.get(COMMITS)).isEqualTo(5.0);
        assertThat(after.get(PURCHASES) - before.get(PURCHASES)).isEqualTo(1.0);
        assertThat(operator().get("/actuator/prometheus").raw()).contains(OUTBOX);
    }

    @Test
    void EX17_theGatewayCountsItsRequestsAndTimesItsUpstream() throws Exception {
        try (StandInUpstream upstream = new StandInUpstream()) {
            Api member = memberBehind(upstream);
            String[] gateway = {FORWARDED, REFUSED, UPSTREAM_2XX, UPSTREAM_5XX};
            Map<String, Double> before = scrape(gateway);
            assertThat(member.post("/v1/messages", message("hi")).status()).isEqualTo(200);
            assertThat(member.post("/v1/messages", message("overloaded")).status()).isEqualTo(529);
            assertThat(operator().as("hr_nokey").post("/v1/messages", message("hi")).status())
                    .isEqualTo(401);
            Map<String, Double> after = scrape(gateway);

            assertThat(after.get(FORWARDED) - before.get(FORWARDED)).isEqualTo(2.0);
            assertThat(after.get(REFUSED) - before.get(REFUSED)).isEqualTo(1.0);
            assertThat(after.get(UPSTREAM_2XX) - before.get(UPSTREAM_2XX)).isEqualTo(1.0);
            assertThat(after.get(UPSTREAM_5XX) - before.get(UPSTREAM_5XX)).isEqualTo(1.0);
        }
    }

    /**
     * An answer the upstream began but Headroom could not finish is one request, {@code failed}: a
     * JSON body the upstream dropped (502), and an answer whose usage the journal refused (500).
     */
    @Test
    void EX17_anAnswerHeadroomCouldNotFinishIsCountedOnceAsFailed() throws Exception {
        try (StandInUpstream upstream = new StandInUpstream()) {
            Api member = memberBehind(upstream);
            String[] gateway = {FORWARDED, FAILED, UPSTREAM_2XX};
            Map<String, Double> before = scrape(gateway);
            assertThat(member.post("/v1/messages", message("dropped stream")).status())
                    .isEqualTo(502);
            jdbc.sql(
                            "alter table gateway_usage_journal add constraint refuse_all"
                                    + " check (false) not valid")
                    .update();
            try {
                assertThat(member.post("/v1/messages", message("hi")).status()).isEqualTo(500);
            } finally {
                jdbc.sql("alter table gateway_usage_journal drop constraint refuse_all").update();
            }
            Map<String, Double> after = scrape(gateway);

            assertThat(after.get(FAILED) - before.get(FAILED)).isEqualTo(2.0);
            assertThat(after.get(FORWARDED) - before.get(FORWARDED)).isEqualTo(0.0);
            // The upstream did answer both, with a 200's headers.
            assertThat(after.get(UPSTREAM_2XX) - before.get(UPSTREAM_2XX)).isEqualTo(2.0);
        }
    }

    /**
     * Issue 15: the hot path's requests are counted by Headroom's own series only, not observed as
     * {@code http.server.requests}; other requests still are.
     */
    @Test
    void theHotPathIsNotObservedAsHttpServerRequestsAndTheRestIs() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        assertThat(org.decision(member)).isEqualTo("ALLOWED_INCLUDED");
        assertThat(org.report(member, "hot-1", T0, 1_000, 100).status()).isEqualTo(200);
        assertThat(org.owner.get(org.path("/extra-usage")).status()).isEqualTo(200);
        String metrics = operator().get("/actuator/prometheus").raw();
        List<String> requestUris =
                Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]+)\"")
                        .matcher(metrics)
                        .results()
                        .map(m -> m.group(1))
                        .distinct()
                        .toList();
        assertThat(requestUris)
                .contains("/api/v1/orgs/{org}/extra-usage")
                .doesNotContain("/api/v1/admissions", "/api/v1/usage", "/api/v1/usage:batch");
    }

    /** A standard member of a new org whose gateway calls {@code upstream}, with their key. */
    private Api memberBehind(StandInUpstream upstream) {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        upstream.serve(org);
        return operator().as(org.memberKey(org.member("STANDARD")));
    }

    private static Map<String, Object> message(String text) {
        return Map.of(
                "model",
                "claude-sonnet-4-5",
                "max_tokens",
                16,
                "messages",
                List.of(Map.of("role", "user", "content", text)));
    }
}
