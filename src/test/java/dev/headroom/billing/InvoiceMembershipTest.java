package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.InvoiceFigures;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17: every extra-usage event lands on exactly one invoice — late usage reported while a
 * frozen test clock stands at the close, and settlements racing closes, included.
 */
class InvoiceMembershipTest extends IntegrationTest {
    static final int RACE_ROUNDS = 1_000;

    @Autowired JdbcClient jdbc;

    /** A seat-based org whose every usage is extra: a tiny included window, extra usage on. */
    OrgFixture orgFrom(Instant start) {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", start);
        org.windows("STANDARD", "session", "PT5H", "0.000001");
        org.put("/extra-usage", Map.of("enabled", true));
        return org;
    }

    @Test
    void EX17_lateUsageReportedAtTheFrozenClockOfTheCloseGoesOnTheNextInvoice() {
        OrgFixture org = orgFrom(Instant.parse("2027-01-10T09:00:00Z"));
        String member = org.member("STANDARD");
        assertThat(org.report(member, "jan-1", org.now(), 100_000, 10_000).status()).isEqualTo(200);
        org.advance(Instant.parse("2027-02-01T00:00:00Z"));
        List<JsonNode> closed = invoices(org);
        assertThat(closed).hasSize(1);
        // The clock stands where it stood at the close; the late report is accepted.
        Api.Response late =
                org.report(member, "jan-late", Instant.parse("2027-01-31T23:00:00Z"), 300_000, 0);
        assertThat(late.status()).as(late.toString()).isEqualTo(200);
        assertThat(late.text("extraCost")).isNotEqualTo("0.00");

        org.advance(Instant.parse("2027-03-01T00:00:00Z"));
        List<JsonNode> invoices = invoices(org);
        assertThat(invoices).hasSize(2);
        JsonNode february = org.owner.get(org.path("/invoices/" + id(invoices, "2027-02"))).body();
        assertThat(february.get("lines")).hasSize(1);
        assertThat(february.at("/lines/0/priorPeriod").asString()).isEqualTo("2027-01");
        assertEveryEventOnExactlyOneInvoice(org);
    }

    @Test
    void EX17_settlementsRacingClosesPutEveryEventOnExactlyOneInvoice() throws Exception {
        OrgFixture org = orgFrom(Instant.parse("2027-01-10T09:00:00Z"));
        String member = org.member("STANDARD");
        YearMonth month = YearMonth.of(2027, 1);
        for (int round = 0; round < RACE_ROUNDS; round++) {
            Instant now = month.atDay(10).atTime(9, 0).toInstant(ZoneOffset.UTC);
            org.advance(now);
            Instant lateAt =
                    month.minusMonths(1).atEndOfMonth().atTime(23, 0).toInstant(ZoneOffset.UTC);
            Instant monthEnd =
                    month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            String r = Integer.toString(round);
            CompletableFuture<Api.Response> current =
                    CompletableFuture.supplyAsync(
                            () -> org.report(member, "c" + r, now, 1_000, 100));
            CompletableFuture<Api.Response> late =
                    CompletableFuture.supplyAsync(
                            () -> org.report(member, "l" + r, lateAt, 1_000, 100));
            CompletableFuture<Void> close = CompletableFuture.runAsync(() -> org.advance(monthEnd));
            assertThat(current.get().status()).as(current.get().toString()).isEqualTo(200);
            assertThat(late.get().status()).as(late.get().toString()).isEqualTo(200);
            close.get();
            month = month.plusMonths(1);
        }
        // One more month end, so that whatever the last close missed is billed too.
        org.advance(month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        assertEveryEventOnExactlyOneInvoice(org);
        assertThat(
                        jdbc.sql("select count(*) from invoice_event where org_id = ?")
                                .param(org.id)
                                .query(Long.class)
                                .single())
                .isEqualTo(2L * RACE_ROUNDS);
    }

    private void assertEveryEventOnExactlyOneInvoice(OrgFixture org) {
        long unassigned = InvoiceFigures.unassignedEvents(jdbc, org.id);
        assertThat(unassigned).as("extra-usage events on no invoice").isZero();
        long events =
                jdbc.sql("select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long lines = InvoiceFigures.lineNanos(jdbc, org.id);
        assertThat(lines).as("invoice lines against the events' extra cost").isEqualTo(events);
    }

    private static List<JsonNode> invoices(OrgFixture org) {
        List<JsonNode> items = new ArrayList<>();
        org.owner.get(org.path("/invoices")).body().get("items").forEach(items::add);
        return items;
    }

    private static String id(List<JsonNode> invoices, String period) {
        return invoices.stream()
                .filter(i -> i.get("period").asString().equals(period))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asString();
    }
}
