package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Money;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Properties;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Random sequences of admissions, settlements, replays, cap changes, purchases and clock moves
 * against the running service on PostgreSQL (DESIGN §5). After every step: no admission is allowed
 * against a cap or balance that acknowledged settlements reached (XU-18), and replays change
 * nothing; at the end, the balance is its ledger's sum and MTD the sum of extra costs.
 */
class SettlementPropertiesTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-01-28T08:00:00Z");

    sealed interface Op {}

    record Settle(int member, int cents) implements Op {}

    record Replay(int back) implements Op {}

    record OrgCap(Integer cents) implements Op {}

    record MemberCap(int member, Integer cents) implements Op {}

    record Purchase(int cents) implements Op {}

    record Advance(int hours) implements Op {}

    @Autowired JdbcClient jdbc;

    /** 5 to 40 steps: settlements most often, then replays, caps, clock moves, purchases. */
    static List<Op> sequence(Random random) {
        List<Op> ops = new ArrayList<>();
        int length = 5 + random.nextInt(36);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(20);
            ops.add(
                    pick < 10
                            ? new Settle(random.nextInt(3), 1 + random.nextInt(900))
                            : pick < 13
                                    ? new Replay(1 + random.nextInt(5))
                                    : pick < 15
                                            ? new OrgCap(capOrNull(random))
                                            : pick < 17
                                                    ? new MemberCap(
                                                            random.nextInt(3), capOrNull(random))
                                                    : pick < 18
                                                            ? new Purchase(
                                                                    100 + random.nextInt(1_901))
                                                            : new Advance(1 + random.nextInt(200)));
        }
        return ops;
    }

    static Integer capOrNull(Random random) {
        return random.nextInt(10) < 3 ? null : random.nextInt(3_001);
    }

    @Test
    void XU18_XU19_XU26_sequencesKeepEveryInvariantOnATeamOrg() {
        Properties.forAllSequences(
                1826L, 13, SettlementPropertiesTest::sequence, ops -> check(true, ops));
    }

    @Test
    void XU18_XU19_XU26_sequencesKeepEveryInvariantOnASeatBasedEnterpriseOrg() {
        Properties.forAllSequences(
                1827L, 12, SettlementPropertiesTest::sequence, ops -> check(false, ops));
    }

    private void check(boolean team, List<Op> ops) {
        OrgFixture org = scenario().org(team ? "TEAM" : "ENTERPRISE_SEAT", "Europe/Berlin", T0);
        if (team) {
            org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "5"));
        } else {
            org.put("/extra-usage", Map.of("enabled", true));
            org.limit("/seat-types/STANDARD/spend-limit", "10");
        }
        List<String> members =
                List.of(org.member("STANDARD"), org.member("STANDARD"), org.member("PREMIUM"));
        List<Map<String, Object>> sent = new ArrayList<>();
        List<Api.Response> answers = new ArrayList<>();
        Instant now = T0;

        for (Op op : ops) {
            switch (op) {
                case Settle s -> {
                    Map<String, Object> body =
                            new HashMap<>(
                                    org.usageBody(
                                            members.get(s.member()),
                                            "r" + sent.size(),
                                            now,
                                            s.cents() * 10_000L,
                                            0));
                    body.put("model", "claude-haiku-4-5");
                    Api.Response answer = org.service.post("/api/v1/usage", body);
                    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                    sent.add(body);
                    answers.add(answer);
                }
                case Replay r -> {
                    if (!sent.isEmpty()) {
                        int i = Math.max(0, sent.size() - r.back());
                        Api.Response replay = org.service.post("/api/v1/usage", sent.get(i));
                        assertThat(replay.body().get("duplicate").asBoolean()).isTrue();
                        assertThat(replay.text("extraCost"))
                                .isEqualTo(answers.get(i).text("extraCost"));
                        assertThat(replay.text("includedCost"))
                                .isEqualTo(answers.get(i).text("includedCost"));
                    }
                }
                case OrgCap c -> org.limit("/spend-limit", dollars(c.cents()));
                case MemberCap c ->
                        org.limit(
                                "/members/" + members.get(c.member()) + "/spend-limit",
                                dollars(c.cents()));
                case Purchase p -> {
                    if (team) {
                        assertThat(
                                        org.owner
                                                .post(
                                                        org.path("/credits/purchases"),
                                                        Map.of("amount", dollars(p.cents())))
                                                .status())
                                .isEqualTo(201);
                    }
                }
                case Advance a -> {
                    now = now.plus(Duration.ofHours(a.hours()));
                    org.advance(now);
                }
            }
            for (String member : members) {
                assertAdmissionFollowsSettledState(org, member, team);
            }
        }
        assertLedgersAddUp(org, team);
    }

    /** XU-16/XU-18 on what the API itself reports as settled state. */
    private static void assertAdmissionFollowsSettledState(
            OrgFixture org, String member, boolean team) {
        JsonNode usage = org.usageOf(member).body();
        JsonNode settings = org.owner.get(org.path("/extra-usage")).body();
        boolean includedLeft = true;
        for (JsonNode window : usage.get("windows")) {
            if (money(window.get("used")) >= money(window.get("allowance"))) {
                includedLeft = false;
            }
        }
        String decision = org.decision(member);
        if (includedLeft) {
            assertThat(decision).isEqualTo("ALLOWED_INCLUDED");
            return;
        }
        boolean memberCapReached =
                !usage.get("effectiveSpendLimit").isNull()
                        && money(usage.get("mtdSpend")) >= money(usage.get("effectiveSpendLimit"));
        boolean orgCapReached =
                !settings.get("spendLimit").isNull()
                        && money(settings.get("mtdSpend")) >= money(settings.get("spendLimit"));
        boolean balanceGone = team && money(settings.get("balance")) <= 0;
        if (memberCapReached) {
            assertThat(decision).isIn("DENIED:MEMBER_CAP_REACHED", "DENIED:SEAT_TYPE_CAP_REACHED");
        } else if (orgCapReached) {
            assertThat(decision).isEqualTo("DENIED:ORG_CAP_REACHED");
        } else if (balanceGone) {
            assertThat(decision).isEqualTo("DENIED:BALANCE_EXHAUSTED");
        } else {
            assertThat(decision).isEqualTo("ALLOWED_EXTRA");
        }
    }

    private void assertLedgersAddUp(OrgFixture org, boolean team) {
        long eventsExtra =
                jdbc.sql("select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long orgMtd =
                jdbc.sql(
                                "select coalesce(sum(extra_nanos), 0) from org_period_spend where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long memberMtd =
                jdbc.sql(
                                "select coalesce(sum(extra_nanos), 0) from member_period_spend where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        assertThat(orgMtd).isEqualTo(eventsExtra);
        assertThat(memberMtd).isEqualTo(eventsExtra);
        if (team) {
            long balance =
                    jdbc.sql("select balance_nanos from balance where org_id = ?")
                            .param(org.id)
                            .query(Long.class)
                            .single();
            long ledger =
                    jdbc.sql("select sum(amount_nanos) from balance_entry where org_id = ?")
                            .param(org.id)
                            .query(Long.class)
                            .single();
            long purchases =
                    jdbc.sql("select sum(amount_nanos) from purchase where org_id = ?")
                            .param(org.id)
                            .query(Long.class)
                            .single();
            assertThat(balance).isEqualTo(ledger).isEqualTo(purchases - eventsExtra);
        }
    }

    private static String dollars(Integer cents) {
        return cents == null ? null : Money.ofNanos(cents * 10_000_000L).toDecimalString();
    }

    private static long money(JsonNode node) {
        return Money.parse(node.asString()).nanos();
    }
}
