package dev.headroom.billing;

import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Ids;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-10, XU-27: closes billing periods in order, each in one transaction. An invoice holds the
 * period's extra usage received up to its cutoff (the org's clock at the close), plus late usage of
 * earlier periods received since the previous cutoff as prior-period lines, so every usage event is
 * billed exactly once and a closed invoice never changes. Closing again is a no-op.
 */
@Service
public class MonthClose {
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final Clock clock;
    private final TransactionTemplate tx;

    public MonthClose(
            JdbcClient jdbc,
            OrgService orgs,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
    }

    static boolean billsInArrears(Plan plan) {
        return plan == Plan.ENTERPRISE_SEAT || plan == Plan.ENTERPRISE_USAGE;
    }

    /** Closes every period up to {@code through} that is over and not closed yet. */
    public List<String> closeThrough(String orgId, YearMonth through) {
        Org org = orgs.require(orgId);
        if (!billsInArrears(org.plan())) {
            throw ApiException.planNotSupported("TEAM orgs prepay and get receipts, not invoices.");
        }
        BillingPeriod current = BillingPeriod.containing(orgs.now(org), org.timeZone());
        if (!through.isBefore(current.month())) {
            throw ApiException.conflict(
                    "Period "
                            + through
                            + " is not over yet in the org's time zone ("
                            + org.timeZone()
                            + ").");
        }
        List<String> closed = new ArrayList<>();
        Optional<YearMonth> open = firstOpenPeriod(org);
        if (open.isEmpty()) {
            return closed; // never used, never invoiced: nothing to bill
        }
        YearMonth first = open.get();
        for (YearMonth month = first; !month.isAfter(through); month = month.plusMonths(1)) {
            YearMonth period = month;
            if (Boolean.TRUE.equals(tx.execute(status -> close(org.id(), period)))) {
                closed.add(period.toString());
            }
        }
        return closed;
    }

    /** The month after the last invoice, or the month of the first usage when none exists. */
    private Optional<YearMonth> firstOpenPeriod(Org org) {
        Optional<String> last =
                jdbc.sql("select max(period) from invoice where org_id = ?")
                        .param(org.id())
                        .query((rs, n) -> rs.getString(1))
                        .optional()
                        .filter(p -> p != null);
        if (last.isPresent()) {
            return Optional.of(YearMonth.parse(last.get()).plusMonths(1));
        }
        return jdbc.sql("select min(period) from usage_event where org_id = ?")
                .param(org.id())
                .query((rs, n) -> rs.getString(1))
                .optional()
                .filter(p -> p != null)
                .map(YearMonth::parse);
    }

    /**
     * A period's extra usage of one member, product and model ({@code priorPeriod}: late usage).
     */
    private record UsageSum(
            String memberId, String product, String model, String priorPeriod, long extraNanos) {}

    /** An invoice line: the exact sum and its amount, rounded once to the minor unit. */
    private record InvoiceLineRow(UsageSum sum, long amountNanos) {}

    private boolean close(String orgId, YearMonth month) {
        // One close per org at a time, on any node; the unique (org, period) key backs it up.
        Org org =
                jdbc.sql("select id from org where id = ? for update")
                        .param(orgId)
                        .query(String.class)
                        .optional()
                        .map(id -> orgs.require(id))
                        .orElseThrow();
        String period = month.toString();
        if (jdbc.sql("select count(*) from invoice where org_id = ? and period = ?")
                        .params(orgId, period)
                        .query(Long.class)
                        .single()
                > 0) {
            return false;
        }
        Instant cutoff = orgs.now(org);
        Instant previousCutoff =
                jdbc.sql("select max(cutoff) from invoice where org_id = ?")
                        .param(orgId)
                        .query((rs, n) -> rs.getTimestamp(1))
                        .optional()
                        .filter(t -> t != null)
                        .map(Timestamp::toInstant)
                        .orElse(Instant.EPOCH);
        int digits = org.minorUnitDigits();
        List<UsageSum> sums =
                jdbc.sql(
                                """
                                select member_id, product, model, case when period = ? then null else period end as prior,
                                       sum(extra_nanos)
                                from usage_event
                                where org_id = ? and extra_nanos > 0 and received_at <= ?
                                  and (period = ? or (period < ? and received_at > ?))
                                group by member_id, product, model, prior
                                order by prior nulls first, member_id, product, model
                                """)
                        .params(
                                period,
                                orgId,
                                Timestamp.from(cutoff),
                                period,
                                period,
                                Timestamp.from(previousCutoff))
                        .query((rs, n) ->
                                new UsageSum(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getLong(5)))
                        .list();
        String id = Ids.newId("inv");
        long total = 0;
        List<InvoiceLineRow> lines = new ArrayList<>();
        for (UsageSum sum : sums) {
            Money amount = Money.ofNanos(sum.extraNanos()).roundToMinorUnits(digits);
            total = Math.addExact(total, amount.nanos());
            lines.add(new InvoiceLineRow(sum, amount.nanos()));
        }
        jdbc.sql(
                        "insert into invoice (org_id, id, period, status, currency, total_nanos, cutoff, closed_at)"
                                + " values (?, ?, ?, 'ISSUED', ?, ?, ?, ?)")
                .params(
                        orgId,
                        id,
                        period,
                        org.currency(),
                        total,
                        Timestamp.from(cutoff),
                        Timestamp.from(clock.instant()))
                .update();
        int lineNo = 0;
        for (InvoiceLineRow line : lines) {
            UsageSum sum = line.sum();
            jdbc.sql(
                            "insert into invoice_line (org_id, invoice_id, line_no, member_id, product, model, prior_period,"
                                    + " exact_nanos, amount_nanos) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            orgId,
                            id,
                            ++lineNo,
                            sum.memberId(),
                            sum.product(),
                            sum.model(),
                            sum.priorPeriod(),
                            sum.extraNanos(),
                            line.amountNanos())
                    .update();
        }
        return true;
    }
}
