package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.SettlementService;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.pricing.TokenUsage;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gateway's journal (EX-4): what was answered is billed once whether its settlement ran after
 * the answer, was cut off by a crash (the row is left and settled by the next start or sweep), or
 * ran twice.
 */
class UsageJournalTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-05-20T09:00:00Z");

    @Autowired UsageJournal journal;
    @Autowired JdbcClient jdbc;
    @Autowired SettlementService settlements;
    @Autowired AdmissionService admissions;
    @Autowired Clock clock;
    @Autowired MeterRegistry meters;

    /** 1,200 input at $3 and 800 output at $15 per million tokens: 0.0156. */
    static UsageReport report(OrgFixture org, String member, String requestId) {
        return new UsageReport(
                requestId,
                org.id,
                member,
                "CLAUDE_CODE",
                "claude-sonnet-4-5",
                T0,
                new TokenUsage(1_200, 800, 0, 0, 0, 0, false));
    }

    String used(OrgFixture org, String member) {
        return org.usageOf(member).body().at("/windows/0/used").asString();
    }

    long rows(OrgFixture org) {
        return jdbc.sql("select count(*) from gateway_usage_journal where org_id = ?")
                .param(org.id)
                .query(Long.class)
                .single();
    }

    long events(OrgFixture org) {
        return jdbc.sql("select count(*) from usage_event where org_id = ?")
                .param(org.id)
                .query(Long.class)
                .single();
    }

    @Test
    void EX4_aRowLeftByACrashIsSettledByTheSweepOnceAndThenDropped() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        // As if Headroom died between the answer's last bytes and its settlement.
        journal.write(report(org, member, "req_crash"));
        assertThat(rows(org)).isOne();
        assertThat(events(org)).isZero();

        journal.sweep(Instant.now().plusSeconds(1));
        assertThat(events(org)).isOne();
        assertThat(used(org, member)).isEqualTo("0.0156");

        // A second sweep finds it settled: dropped, nothing billed again.
        journal.sweep(Instant.now().plusSeconds(1));
        assertThat(rows(org)).isZero();
        assertThat(events(org)).isOne();
        assertThat(used(org, member)).isEqualTo("0.0156");
    }

    @Test
    void EX4_aSettlementThatRunsTwiceBillsOnce() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        journal.record(report(org, member, "req_twice"));
        // The sweep of another node, or of a start, racing the settlement after the answer.
        journal.sweep(Instant.now().plusSeconds(1));
        awaitGatewaySettlements();
        journal.sweep(Instant.now().plusSeconds(1));
        assertThat(events(org)).isOne();
        assertThat(used(org, member)).isEqualTo("0.0156");
        assertThat(rows(org)).isZero();
    }

    @Test
    void EX4_aReportThatCanNeverSettleIsKeptWithItsRefusalAndNotTriedAgain() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        journal.record(report(org, "mem_nobody", "req_nobody"));
        awaitGatewaySettlements();
        assertThat(events(org)).isZero();
        assertThat(
                        jdbc.sql("select refusal from gateway_usage_journal where org_id = ?")
                                .param(org.id)
                                .query(String.class)
                                .single())
                .contains("mem_nobody");
        assertThat(journal.sweep(Instant.now().plusSeconds(1))).isZero();
    }

    @Test
    void issue14_answersRecordedWithinTheSettleDelayAreSettledTogether() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        // A journal of its own, with a delay long enough that all twelve answers fall within it.
        UsageJournal slow =
                new UsageJournal(jdbc, settlements, admissions, clock, Duration.ofSeconds(2));
        slow.start();
        try {
            double groupsBefore = groups();
            for (int i = 0; i < 12; i++) {
                slow.record(report(org, member, "req_together_" + i));
            }
            assertThat(rows(org)).as("each answer durable at once").isEqualTo(12);
            assertThat(events(org)).as("none settled before the delay").isZero();
            assertThat(slow.awaitSettled(Duration.ofSeconds(20))).isTrue();
            assertThat(events(org)).isEqualTo(12);
            assertThat(used(org, member)).isEqualTo("0.1872");
            assertThat(groups() - groupsBefore)
                    .as("settled in a few group commits, not one per answer")
                    .isBetween(1.0, 3.0);
        } finally {
            slow.stop();
        }
    }

    @Test
    void EX4_concurrentAnswersAreDurableEachOnceAndARefusedRowFailsOnlyItsOwnAnswer()
            throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        int answers = 24;
        CyclicBarrier together = new CyclicBarrier(answers);
        List<Future<?>> written = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(answers)) {
            for (int i = 0; i < answers; i++) {
                UsageReport report =
                        i == 7
                                // No product: the database refuses this row (not null).
                                ? new UsageReport(
                                        "req_refused",
                                        org.id,
                                        member,
                                        null,
                                        "claude-sonnet-4-5",
                                        T0,
                                        new TokenUsage(1_200, 800, 0, 0, 0, 0, false))
                                : report(org, member, "req_concurrent_" + i);
                written.add(
                        threads.submit(() -> {
                            together.await();
                            journal.write(report);
                            return null;
                        }));
            }
            int failed = 0;
            for (Future<?> f : written) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException refused) {
                    failed++;
                    assertThat(refused.getCause()).isInstanceOf(DataAccessException.class);
                }
            }
            assertThat(failed).as("only the refused row's answer fails").isOne();
        }
        assertThat(rows(org)).as("every other answer durable").isEqualTo(answers - 1);
    }

    double groups() {
        return meters.find("headroom.settlement.group.reports").summaries().stream()
                .mapToDouble(summary -> summary.count())
                .sum();
    }
}
