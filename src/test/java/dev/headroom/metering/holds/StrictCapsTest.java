package dev.headroom.metering.holds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.HoldFigures;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * EX-1 through the service API: holds at admission, lowering max_tokens, denial below the floor,
 * release by the usage report, expiry, replays, and caps that hold under 128 requests in flight.
 */
class StrictCapsTest extends IntegrationTest {
    static final Instant START = Instant.parse("2027-03-10T10:00:00Z");
    // claude-haiku-4-5: the prompt's highest rate is the 1-hour cache write, $2 per million
    // tokens; output $5. 10,000 prompt tokens and 8,000 output tokens: $0.02 + $0.04.
    static final String MODEL = "claude-haiku-4-5";

    @Autowired JdbcClient jdbc;

    /** A seat-based org in strict mode whose member has no included usage and a $1.00 cap. */
    OrgFixture strictOrg() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "Europe/Berlin", START);
        org.windows("STANDARD", "session", "PT5H", "0");
        org.put("/extra-usage", Map.of("enabled", true, "strict", true));
        return org;
    }

    static Map<String, Object> admission(
            OrgFixture org, String member, String requestId, long input, long maxTokens) {
        Map<String, Object> body = new HashMap<>();
        body.put("orgId", org.id);
        body.put("memberId", member);
        body.put("product", "CLAUDE_CODE");
        body.put("model", MODEL);
        body.put("requestId", requestId);
        body.put("estimate", Map.of("input_tokens", input, "max_tokens", maxTokens));
        return body;
    }

    /** The decision of a strict admission. */
    static String decision(
            OrgFixture org, String member, String requestId, long input, long maxTokens) {
        return org.service
                .post("/api/v1/admissions", admission(org, member, requestId, input, maxTokens))
                .text("decision");
    }

    static Api.Response report(
            OrgFixture org, String member, String requestId, Instant at, long in, long out) {
        Map<String, Object> body = new HashMap<>(org.usageBody(member, requestId, at, in, out));
        body.put("model", MODEL);
        return org.service.post("/api/v1/usage", body);
    }

    @Test
    void EX1_aHoldIsTakenLoweredOrRefusedAndReleasedByItsUsage() {
        OrgFixture org = strictOrg();
        String member = org.member("STANDARD");
        org.limit("/members/" + member + "/spend-limit", "1.00");
        Api.Response settings = org.owner.get(org.path("/extra-usage"));
        assertThat(settings.body().get("strict").asBoolean()).isTrue();
        assertThat(settings.text("held")).isEqualTo("0.00");
        assertThat(settings.text("holdTtl")).isEqualTo("PT10M");
        assertThat(settings.body().get("maxTokensFloor").asInt()).isEqualTo(1024);

        Api.Response missing = org.admit(member, MODEL);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.raw()).contains("estimate");

        Api.Response whole =
                org.service.post("/api/v1/admissions", admission(org, member, "r1", 10_000, 8_000));
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        assertThat(whole.text("decision")).isEqualTo("ALLOWED_EXTRA");
        assertThat(whole.body().get("hold").get("amount").asString()).isEqualTo("0.06");
        assertThat(whole.body().get("hold").get("maxTokens").asLong()).isEqualTo(8_000);
        assertThat(whole.body().get("hold").get("expiresAt").asString())
                .isEqualTo(START.plus(Duration.ofMinutes(10)).toString());
        assertThat(org.owner.get(org.path("/extra-usage")).text("held")).isEqualTo("0.06");

        // The same request id again: the same hold, not a second one.
        Api.Response again =
                org.service.post("/api/v1/admissions", admission(org, member, "r1", 10_000, 8_000));
        assertThat(again.body().get("hold")).isEqualTo(whole.body().get("hold"));
        assertThat(org.owner.get(org.path("/extra-usage")).text("held")).isEqualTo("0.06");

        String other = org.member("STANDARD");
        Api.Response taken =
                org.service.post("/api/v1/admissions", admission(org, other, "r1", 10_000, 8_000));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.raw()).contains("another member");

        // $0.94 of room: 100,000 prompt tokens ($0.20) leave $0.74 for 148,000 output tokens.
        Api.Response lowered =
                org.service.post(
                        "/api/v1/admissions", admission(org, member, "r2", 100_000, 200_000));
        assertThat(lowered.body().get("hold").get("maxTokens").asLong()).isEqualTo(148_000);
        assertThat(lowered.body().get("hold").get("amount").asString()).isEqualTo("0.94");

        // No room at all now: denied with the member cap's reason.
        Api.Response denied =
                org.service.post("/api/v1/admissions", admission(org, member, "r3", 1_000, 1_024));
        assertThat(denied.text("decision")).isEqualTo("DENIED");
        assertThat(denied.text("reason")).isEqualTo("MEMBER_CAP_REACHED");
        assertThat(denied.body().has("hold")).isFalse();
        String metrics = operator().get("/actuator/prometheus").raw();
        assertThat(metrics)
                .contains("headroom_holds_total{outcome=\"held\",reason=\"none\"}")
                .contains("headroom_holds_total{outcome=\"lowered\",reason=\"none\"}")
                .contains("headroom_holds_total{outcome=\"replayed\",reason=\"none\"}")
                .contains(
                        "headroom_holds_total{outcome=\"refused\",reason=\"MEMBER_CAP_REACHED\"}");

        // r1's usage charges $0.05 and releases its $0.06: $0.01 comes back, less than the floor
        // costs; r2's releases $0.94 for a charge of $0.30.
        Api.Response settled = report(org, member, "r1", START, 10_000, 8_000);
        assertThat(settled.text("extraCost")).isEqualTo("0.05");
        assertThat(org.owner.get(org.path("/extra-usage")).text("held")).isEqualTo("0.94");
        assertThat(report(org, member, "r2", START, 100_000, 40_000).text("extraCost"))
                .isEqualTo("0.30");
        assertThat(org.owner.get(org.path("/extra-usage")).text("held")).isEqualTo("0.00");
        assertThat(org.owner.get(org.path("/extra-usage")).text("mtdSpend")).isEqualTo("0.35");
        Api.Response room =
                org.service.post("/api/v1/admissions", admission(org, member, "r4", 10_000, 8_000));
        assertThat(room.body().get("hold").get("amount").asString()).isEqualTo("0.06");
    }

    @Test
    void EX1_anExpiredHoldIsReleasedAndItsLateUsageStillSettles() {
        OrgFixture org = strictOrg();
        String member = org.member("STANDARD");
        org.limit("/members/" + member + "/spend-limit", "0.08");
        Api.Response held =
                org.service.post(
                        "/api/v1/admissions", admission(org, member, "late", 10_000, 8_000));
        assertThat(held.text("decision")).isEqualTo("ALLOWED_EXTRA");
        assertThat(decision(org, member, "next", 10_000, 8_000))
                .as("$0.06 of $0.08 held: the next prompt alone takes the rest")
                .isEqualTo("DENIED");
        org.advance(START.plus(Duration.ofMinutes(10)));
        assertThat(org.owner.get(org.path("/extra-usage")).text("held")).isEqualTo("0.00");
        assertThat(decision(org, member, "next", 10_000, 8_000)).isEqualTo("ALLOWED_EXTRA");
        Api.Response late = report(org, member, "late", START, 10_000, 8_000);
        assertThat(late.status()).as(late.toString()).isEqualTo(200);
        assertThat(late.text("extraCost")).isEqualTo("0.05");
    }

    @Test
    void EX1_strictOffReleasesEveryHoldAndAdmitsAsBefore() {
        OrgFixture org = strictOrg();
        String member = org.member("STANDARD");
        org.limit("/members/" + member + "/spend-limit", "1.00");
        org.service.post("/api/v1/admissions", admission(org, member, "a", 10_000, 8_000));
        org.put(
                "/extra-usage",
                Map.of("enabled", true, "strict", false, "holdTtl", "PT2M", "maxTokensFloor", 512));
        Api.Response settings = org.owner.get(org.path("/extra-usage"));
        assertThat(settings.text("held")).isEqualTo("0.00");
        assertThat(settings.text("holdTtl")).isEqualTo("PT2M");
        assertThat(settings.body().get("maxTokensFloor").asInt()).isEqualTo(512);
        assertThat(org.admit(member, MODEL).text("decision")).isEqualTo("ALLOWED_EXTRA");
        Api.Response bad =
                org.owner.put(org.path("/extra-usage"), Map.of("enabled", true, "holdTtl", "PT1S"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.raw()).contains("holdTtl");
    }

    /**
     * 128 requests in flight at a time, each admitted, then reporting at most what it was held for:
     * the member's settled spend plus live holds never passes the $1.00 cap, read in one snapshot
     * again and again while they run, and the month ends within it.
     */
    @Test
    void EX1_settledAndHeldNeverPassTheCapUnderConcurrency() throws Exception {
        OrgFixture org = strictOrg();
        String member = org.member("STANDARD");
        org.limit("/members/" + member + "/spend-limit", "1.00");
        long cap = 1_000_000_000L;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong worst = new AtomicLong();
        Thread sampler =
                Thread.ofPlatform()
                        .start(() -> {
                            while (running.get()) {
                                worst.accumulateAndGet(
                                        HoldFigures.settledAndHeld(jdbc, org.id, member, START),
                                        Math::max);
                            }
                        });
        int admitted = 0;
        int denied = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(128)) {
            List<Future<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 512; i++) {
                String id = "c" + i;
                calls.add(
                        pool.submit(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            long input = 1_000 + r.nextInt(20_000);
                            Api.Response a =
                                    org.service.post(
                                            "/api/v1/admissions",
                                            admission(
                                                    org,
                                                    member,
                                                    id,
                                                    input,
                                                    1_024 + r.nextInt(16_000)));
                            if (!a.text("decision").startsWith("ALLOWED")) {
                                return false;
                            }
                            long maxTokens = a.body().get("hold").get("maxTokens").asLong();
                            Api.Response s =
                                    report(
                                            org,
                                            member,
                                            id,
                                            START,
                                            input,
                                            1 + r.nextLong(maxTokens));
                            assertThat(s.status()).as(s.toString()).isEqualTo(200);
                            return true;
                        }));
            }
            for (Future<Boolean> call : calls) {
                if (call.get()) {
                    admitted++;
                } else {
                    denied++;
                }
            }
        } finally {
            running.set(false);
            sampler.join();
        }
        long mtd = mtd(org.id, member);
        assertThat(worst.get()).as("settled + held at any instant").isLessThanOrEqualTo(cap);
        assertThat(mtd).isLessThanOrEqualTo(cap);
        assertThat(admitted).isGreaterThan(10);
        assertThat(denied).as("the cap was reached").isPositive();
        // With nothing in flight, whatever room is left is given: if it pays for the floor, a
        // request of the floor's size is admitted.
        long floorCost = 1_000 * 2_000L + 1_024 * 5_000L;
        Api.Response last =
                org.service.post(
                        "/api/v1/admissions", admission(org, member, "last", 1_000, 1_024));
        assertThat(last.text("decision").startsWith("ALLOWED")).isEqualTo(cap - mtd >= floorCost);
    }

    long mtd(String orgId, String member) {
        return jdbc.sql(
                        "select coalesce(sum(extra_nanos), 0) from member_period_spend where org_id = ? and member_id = ?")
                .params(orgId, member)
                .query(Long.class)
                .single();
    }
}
