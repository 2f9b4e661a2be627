package dev.headroom.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.BillingPeriod;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.support.IntegrationTest;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 18: the default run's demo tells the story on first start, and its history adds up — it was
 * made through the real settlement path, so every figure agrees with the events and ledger behind
 * it.
 */
class DemoHistoryTest extends IntegrationTest {
    static final long DOLLAR = 1_000_000_000L;

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry registry) throws Exception {
        registry.add("headroom.demo.enabled", () -> "true");
        String dir = Files.createTempDirectory("headroom-demo").toString();
        registry.add("headroom.data-dir", () -> dir);
    }

    @Autowired JdbcClient jdbc;
    @Autowired AdmissionService admissions;

    String org(String name) {
        return jdbc.sql("select id from org where name = ?")
                .param(name)
                .query(String.class)
                .single();
    }

    String member(String org, String email) {
        return jdbc.sql("select id from member where org_id = ? and email = ?")
                .params(org, email)
                .query(String.class)
                .single();
    }

    long extraNow(String org, String member, ZoneId zone) {
        return count(
                "select coalesce(sum(extra_nanos), 0) from member_period_spend"
                        + " where org_id = ? and member_id = ? and period = ?",
                org,
                member,
                BillingPeriod.containing(Instant.now(), zone).key());
    }

    long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    @Test
    void issue18_theEnterpriseOrgHasAnInvoicedMonthMembersAtEachStageAndAPendingRequest() {
        String globex = org("Globex Corporation");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        String previous =
                BillingPeriod.containing(Instant.now(), berlin).month().minusMonths(1).toString();
        assertThat(
                        count(
                                "select count(distinct product) from usage_event where org_id = ? and period = ?",
                                globex,
                                previous))
                .isGreaterThanOrEqualTo(3);
        assertThat(
                        count(
                                "select count(distinct model) from usage_event where org_id = ? and period = ?",
                                globex,
                                previous))
                .isGreaterThanOrEqualTo(3);
        // Last month is closed: every extra-usage event of it is on its invoice, whose total is
        // the sum of its lines, and whose lines are the exact sums of those events.
        String invoice =
                jdbc.sql("select id from invoice where org_id = ? and period = ?")
                        .params(globex, previous)
                        .query(String.class)
                        .single();
        assertThat(
                        count(
                                "select count(*) from usage_event e where e.org_id = ? and e.period = ?"
                                        + " and e.extra_nanos > 0 and not exists (select 1 from invoice_event i"
                                        + " where i.org_id = e.org_id and i.request_id = e.request_id"
                                        + " and i.invoice_id = ?)",
                                globex,
                                previous,
                                invoice))
                .isZero();
        assertThat(
                        count(
                                "select count(*) from invoice_line where org_id = ? and invoice_id = ?",
                                globex,
                                invoice))
                .isPositive();
        assertThat(
                        count(
                                "select total_nanos from invoice where org_id = ? and id = ?",
                                globex,
                                invoice))
                .isEqualTo(
                        count(
                                "select coalesce(sum(amount_nanos), 0) from invoice_line"
                                        + " where org_id = ? and invoice_id = ?",
                                globex,
                                invoice));
        assertThat(
                        count(
                                "select coalesce(sum(exact_nanos), 0) from invoice_line"
                                        + " where org_id = ? and invoice_id = ?",
                                globex,
                                invoice))
                .isEqualTo(
                        count(
                                "select coalesce(sum(e.extra_nanos), 0) from usage_event e join invoice_event i"
                                        + " on i.org_id = e.org_id and i.request_id = e.request_id"
                                        + " where i.invoice_id = ?",
                                invoice));

        // Today: Homer past his $50 cap with a request pending, Frank near 80 %, Lisa within.
        String homer = member(globex, "homer@globex.example");
        assertThat(extraNow(globex, homer, berlin)).isGreaterThanOrEqualTo(50 * DOLLAR);
        assertThat(admissions.current(globex, homer)).isInstanceOf(Admission.Denied.class);
        assertThat(
                        count(
                                "select count(*) from extra_usage_request"
                                        + " where org_id = ? and member_id = ? and status = 'PENDING'",
                                globex,
                                homer))
                .isOne();
        assertThat(extraNow(globex, member(globex, "frank@globex.example"), berlin))
                .isBetween(40 * DOLLAR, 50 * DOLLAR - 1);
        assertThat(extraNow(globex, member(globex, "lisa@globex.example"), berlin))
                .isBetween(1L, 100 * DOLLAR);
    }

    @Test
    void issue18_theTeamOrgsBalanceIsItsLedgerAndWasReloadedOnce() throws Exception {
        String acme = org("Acme Robotics");
        String reloads = "select count(*) from balance_entry where org_id = ? and kind = 'RELOAD'";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count(reloads, acme) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(count(reloads, acme)).isOne();
        assertThat(count("select balance_nanos from balance where org_id = ?", acme))
                .isEqualTo(
                        count(
                                "select coalesce(sum(amount_nanos), 0) from balance_entry where org_id = ?",
                                acme));
        // The usage debits are the org's extra spend, to the nano.
        assertThat(
                        -count(
                                "select coalesce(sum(amount_nanos), 0) from balance_entry"
                                        + " where org_id = ? and kind = 'USAGE'",
                                acme))
                .isEqualTo(
                        count(
                                "select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?",
                                acme));
        assertThat(extraNow(acme, member(acme, "alan@acme.example"), ZoneId.of("UTC")))
                .isBetween(40 * DOLLAR, 50 * DOLLAR - 1);
    }
}
