package dev.headroom.billing;

import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Ids;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.webhooks.WebhookOutbox;
import dev.headroom.webhooks.WebhookType;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-10, XU-27: closes billing periods in order, each in one transaction. A close assigns to its
 * invoice every extra-usage event of its period or an earlier one that no invoice holds yet ({@code
 * invoice_event}, one row per event, issue 17): the period's own usage, and late usage of earlier
 * periods as prior-period lines. So every event is billed exactly once — whatever the clocks say,
 * and however a settlement races the close — and a closed invoice never changes. Closing again is a
 * no-op.
 */
@Service
public class MonthClose {
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final WebhookOutbox webhooks;

    public MonthClose(
            JdbcClient jdbc,
            OrgService orgs,
            Clock clock,
            PlatformTransactionManager transactions,
            WebhookOutbox webhooks) {
        this.webhooks = webhooks;
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
        int digits = org.minorUnitDigits();
        String id = Ids.newId("inv");
        jdbc.sql(
                        "insert into invoice (org_id, id, period, status, currency, total_nanos, cutoff, closed_at)"
                                + " values (?, ?, ?, 'ISSUED', ?, 0, ?, ?)")
                .params(
                        orgId,
                        id,
                        period,
                        org.currency(),
                        Timestamp.from(cutoff),
                        Timestamp.from(clock.instant()))
                .update();
        // Assigns and sums in one statement: what this statement cannot see yet (a settlement that
        // commits after it started) stays unassigned for the next invoice.
        List<UsageSum> sums =
                jdbc.sql(
                                """
                                with assigned as (
                                  insert into invoice_event (org_id, request_id, invoice_id)
                                  select e.org_id, e.request_id, ?
                                  from usage_event e
                                  where e.org_id = ? and e.extra_nanos > 0 and e.period <= ?
                                    and not exists (select 1 from invoice_event i
                                                    where i.org_id = e.org_id and i.request_id = e.request_id)
                                  returning request_id
                                )
                                select e.member_id, e.product, e.model,
                                       case when e.period = ? then null else e.period end as prior,
                                       sum(e.extra_nanos)
                                from assigned a join usage_event e on e.org_id = ? and e.request_id = a.request_id
                                group by e.member_id, e.product, e.model, prior
                                order by prior nulls first, e.member_id, e.product, e.model
                                """)
                        .params(id, orgId, period, period, orgId)
                        .query((rs, n) ->
                                new UsageSum(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getLong(5)))
                        .list();
        long total = 0;
        List<InvoiceLineRow> lines = new ArrayList<>();
        for (UsageSum sum : sums) {
            Money amount = Money.ofNanos(sum.extraNanos()).roundToMinorUnits(digits);
            total = Math.addExact(total, amount.nanos());
            lines.add(new InvoiceLineRow(sum, amount.nanos()));
        }
        // Set in the transaction that issues it: no one sees the invoice before its total.
        jdbc.sql("update invoice set total_nanos = ? where org_id = ? and id = ?")
                .params(total, orgId, id)
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
        long invoiceTotal = total;
        int lineCount = lines.size();
        webhooks.enqueue(
                orgId,
                WebhookType.INVOICE_ISSUED,
                () -> {
                    String amount = Money.ofNanos(invoiceTotal).toDecimalString();
                    return new WebhookOutbox.Event(
                            Map.of(
                                    "invoiceId", id,
                                    "period", period,
                                    "total", amount,
                                    "currency", org.currency(),
                                    "lines", lineCount),
                            "The invoice of "
                                    + org.name()
                                    + " for "
                                    + period
                                    + " was issued: "
                                    + amount
                                    + " "
                                    + org.currency()
                                    + ".");
                });
        return true;
    }
}
