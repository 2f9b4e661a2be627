package dev.headroom.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** XU-6 with a test clock: reloads that never run away, a decline that turns auto-reload off. */
class AutoReloadScenarioTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-07-05T08:00:00Z");

    @Autowired SandboxPaymentProvider sandbox;
    @Autowired JdbcClient jdbc;

    /** Members with no included allowance, so every cent is extra and debited. */
    OrgFixture teamWithoutIncludedUsage() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.windows("STANDARD", "session", "PT5H", "0");
        return org;
    }

    @Test
    void XU6_sixteenConcurrentMembersDriveTheBalanceThroughTheThresholdFiveTimes()
            throws Exception {
        OrgFixture org = teamWithoutIncludedUsage();
        String owner = org.member("PREMIUM", "OWNER");
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "60"));
        org.put("/auto-reload", Map.of("enabled", true, "threshold", "10", "amount", "50"));
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            members.add(org.member("STANDARD"));
        }
        // 260 reports of $1: the balance reaches $10 after $50, $100, $150, $200 and $250 of spend.
        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (String member : members) {
            done.add(
                    pool.submit(() -> {
                        while (true) {
                            int n = sent.incrementAndGet();
                            if (n > 260) {
                                return null;
                            }
                            Map<String, Object> body =
                                    new HashMap<>(org.usageBody(member, "r" + n, T0, 1_000_000, 0));
                            body.put("model", "claude-haiku-4-5");
                            Api.Response r = org.service.post("/api/v1/usage", body);
                            assertThat(r.status()).as(r.toString()).isEqualTo(200);
                            // A real client waits for its next request; this leaves reloads time to
                            // complete.
                            Thread.sleep(20);
                        }
                    }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        awaitNoReloadInFlight(org);

        long reloads =
                count(
                        "select count(*) from purchase where org_id = ? and kind = 'RELOAD' and status = 'SUCCEEDED'",
                        org.id);
        assertThat(reloads).isEqualTo(5);
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'",
                                org.id))
                .isEqualTo(5);
        // One initial purchase and five reloads: six charges at the provider, no more.
        assertThat(sandbox.chargesFor(org.id)).isEqualTo(6);
        assertThat(count("select balance_nanos from balance where org_id = ?", org.id))
                .isEqualTo(
                        count(
                                "select sum(amount_nanos) from balance_entry where org_id = ?",
                                org.id))
                .isEqualTo((60 + 5 * 50 - 260) * 1_000_000_000L);
        assertThat(MAIL.await(org.email(owner), "Auto-reload added", 5)).isEqualTo(5);
    }

    @Test
    void XU6_aDeclineTurnsAutoReloadOffAndExtraUsageStopsWhenTheBalanceIsSpent() throws Exception {
        OrgFixture org = teamWithoutIncludedUsage();
        String owner = org.member("PREMIUM", "PRIMARY_OWNER");
        String m = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "20"));
        org.put("/auto-reload", Map.of("enabled", true, "threshold", "5", "amount", "20"));
        org.put(
                "/payment-method",
                Map.of("customerId", "cus_x", "paymentMethodId", "pm_card_chargeDeclined"));

        org.spendCents(m, 1_600);
        awaitNoReloadInFlight(org);
        JsonNode reload = org.owner.get(org.path("/auto-reload")).body();
        assertThat(reload.get("enabled").asBoolean()).isFalse();
        assertThat(reload.get("state").asString()).isEqualTo("FAILED");
        assertThat(reload.get("failureReason").asString()).contains("declined");
        assertThat(org.decision(m)).isEqualTo("ALLOWED_EXTRA");
        org.spendCents(m, 400);
        assertThat(org.decision(m)).isEqualTo("DENIED:BALANCE_EXHAUSTED");
        org.spendCents(m, 100);
        // No retry storm: the one declined reload is the only one.
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'",
                                org.id))
                .isEqualTo(1);
        assertThat(MAIL.await(org.email(owner), "Auto-reload failed", 1)).isEqualTo(1);
        assertThat(MAIL.await(org.email(owner), "is used up", 1)).isEqualTo(1);
    }

    @Test
    void XU6_atMostTheConfiguredNumberOfReloadsPerPeriod() throws Exception {
        OrgFixture org = teamWithoutIncludedUsage();
        String owner = org.member("PREMIUM", "PRIMARY_OWNER");
        String m = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "1"));
        org.put("/auto-reload", Map.of("enabled", true, "threshold", "0.50", "amount", "1"));
        for (int i = 0; i < 12; i++) {
            org.spendCents(m, 100);
            awaitNoReloadInFlight(org);
        }
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'",
                                org.id))
                .isEqualTo(10);
        assertThat(MAIL.await(org.email(owner), "paused", 1)).isEqualTo(1);
        // A new period allows reloads again.
        org.advance(Instant.parse("2027-08-01T00:00:00Z"));
        org.spendCents(m, 100);
        awaitNoReloadInFlight(org);
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'",
                                org.id))
                .isEqualTo(11);
    }

    @Test
    void XU6_aReloadWithoutAnAnswerIsRetriedWithTheSameKeyAndCreditedOnce() throws Exception {
        OrgFixture org = teamWithoutIncludedUsage();
        String m = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "10"));
        org.put("/payment-method", Map.of("paymentMethodId", "pm_card_unavailable"));
        org.put("/auto-reload", Map.of("enabled", true, "threshold", "5", "amount", "10"));
        org.spendCents(m, 600);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count(
                        "select coalesce(max(attempts), 0) from purchase where org_id = ? and kind = 'RELOAD'",
                        org.id)
                < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        org.put("/payment-method", Map.of("paymentMethodId", "pm_card_visa"));
        awaitNoReloadInFlight(org);
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD' and status = 'SUCCEEDED'",
                                org.id))
                .isEqualTo(1);
        assertThat(org.owner.get(org.path("/extra-usage")).text("balance")).isEqualTo("14.00");
        assertThat(org.owner.get(org.path("/auto-reload")).text("state")).isEqualTo("IDLE");
    }

    @Test
    void EX8_ownersAreToldWhenTheBalanceFallsToTheThresholdWithAutoReloadOff() {
        OrgFixture org = teamWithoutIncludedUsage();
        String owner = org.member("PREMIUM", "PRIMARY_OWNER");
        String m = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "10"));
        org.put("/auto-reload", Map.of("enabled", false, "threshold", "5", "amount", "10"));
        org.spendCents(m, 400);
        assertThat(MAIL.await(org.email(owner), "is low", 0)).isZero();
        org.spendCents(m, 100);
        org.spendCents(m, 100);
        assertThat(MAIL.await(org.email(owner), "is low", 1)).isEqualTo(1);
        assertThat(MAIL.bodyOf(org.email(owner), "is low")).contains("5.00");
        assertThat(
                        count(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'",
                                org.id))
                .isZero();
    }

    private void awaitNoReloadInFlight(OrgFixture org) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count(
                        "select count(*) from purchase where org_id = ? and status = 'PENDING'",
                        org.id)
                > 0) {
            assertThat(System.nanoTime()).as("reload still pending").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private long count(String sql, String orgId) {
        return jdbc.sql(sql).param(orgId).query(Long.class).single();
    }
}
