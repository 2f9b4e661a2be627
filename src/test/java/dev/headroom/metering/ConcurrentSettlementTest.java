package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 32 threads settle usage for one Team org at once, each also replaying some request ids of the
 * others: no update is lost, no event is counted twice, and every cached counter equals the sum of
 * the events and ledger entries behind it.
 */
class ConcurrentSettlementTest extends IntegrationTest {
    static final int THREADS = 32;
    static final int REPORTS_PER_THREAD = 25;
    static final Instant T0 = Instant.parse("2027-05-03T09:00:00Z");

    @Autowired JdbcClient jdbc;

    @Test
    void EX10_concurrentSettlementsLoseNothingAndCountNothingTwice() throws Exception {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "1000"));
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add(org.member(i % 2 == 0 ? "STANDARD" : "PREMIUM"));
        }
        ConcurrentLinkedQueue<Api.Response> answers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(
                    pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < REPORTS_PER_THREAD; i++) {
                            String member = members.get((thread + i) % members.size());
                            // Every id is sent by two threads: thread t and thread t+1 share ids.
                            int owner = (i % 2 == 0) ? thread : (thread + 1) % THREADS;
                            String requestId = "r-" + owner + "-" + i;
                            String payer = members.get((owner + i) % members.size());
                            answers.add(org.report(payer, requestId, T0, 200_000, 20_000));
                        }
                        return null;
                    }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
        long distinct = answers.stream().map(a -> a.text("requestId")).distinct().count();
        long fresh = answers.stream().filter(a -> !a.body().get("duplicate").asBoolean()).count();
        assertThat(fresh).isEqualTo(distinct);
        assertThat(count("select count(*) from usage_event where org_id = ?", org.id))
                .isEqualTo(distinct);

        // Counters equal the sums of the events behind them.
        assertThat(
                        count(
                                "select coalesce(sum(extra_nanos), 0) from org_period_spend where org_id = ?",
                                org.id))
                .isEqualTo(
                        count(
                                "select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?",
                                org.id));
        assertThat(
                        count(
                                "select coalesce(sum(included_nanos), 0) from member_period_spend where org_id = ?",
                                org.id))
                .isEqualTo(
                        count(
                                "select coalesce(sum(included_nanos), 0) from usage_event where org_id = ?",
                                org.id));
        for (String member : members) {
            long windowUsed =
                    count(
                            "select used_nanos from usage_window where org_id = ? and member_id = '"
                                    + member
                                    + "' and window_name = 'weekly'",
                            org.id);
            long included =
                    count(
                            "select coalesce(sum(included_nanos), 0) from usage_event where org_id = ? and member_id = '"
                                    + member
                                    + "'",
                            org.id);
            assertThat(windowUsed).isEqualTo(included);
        }
        // The balance is its ledger's sum, and the purchase less every extra cost.
        long balance = count("select balance_nanos from balance where org_id = ?", org.id);
        assertThat(balance)
                .isEqualTo(
                        count(
                                "select sum(amount_nanos) from balance_entry where org_id = ?",
                                org.id));
        assertThat(balance)
                .isEqualTo(
                        1_000_000_000_000L
                                - count(
                                        "select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?",
                                        org.id));
        // Every report costs $0.90 (200k x $3 + 20k x $15 per MTok), so the figures are known.
        assertThat(count("select sum(cost_nanos) from usage_event where org_id = ?", org.id))
                .isEqualTo(distinct * 900_000_000L);
    }

    /**
     * Many admissions at once on a seat-based Enterprise org (whose admission also reads the
     * request link): more callers than pooled connections must all be answered. An admission that
     * held one connection while asking for a second once ran the pool dry under load.
     */
    @Test
    void concurrentAdmissionsNeverRunTheConnectionPoolDry() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 256; c++) {
                clients.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        statuses.add(org.admit(member).status());
                    }
                    return null;
                });
            }
        }
        assertThat(statuses).hasSize(2_560).containsOnly(200);
    }

    private long count(String sql, String orgId) {
        return jdbc.sql(sql).param(orgId).query(Long.class).single();
    }
}
