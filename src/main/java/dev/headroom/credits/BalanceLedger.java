package dev.headroom.credits;

import dev.headroom.core.Invariant;
import dev.headroom.core.Money;
import dev.headroom.core.StateChanges;
import dev.headroom.organization.OrgCreated;
import dev.headroom.organization.Plan;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The Team prepaid balance: an append-only ledger whose sum is cached in {@code balance}, both
 * changed in the caller's transaction. Each entry records the balance after it, taken from the same
 * row update, so the ledger reads as a running total.
 */
@Service
public class BalanceLedger {
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final StateChanges changes;

    public BalanceLedger(JdbcClient jdbc, JdbcTemplate batch, StateChanges changes) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.changes = changes;
    }

    /** An entry to append; its balance-after is worked out when it is appended. */
    public record NewEntry(
            Instant at, String kind, Money amount, String reference, String memberId) {}

    /**
     * Appends entries in order with one update of the balance row (a settled group's usage debits):
     * each entry still records the running balance after it. Returns the final balance.
     */
    public Money appendAll(String orgId, List<NewEntry> entries) {
        changes.orgChanged(orgId);
        long total = 0;
        for (NewEntry e : entries) {
            total = Math.addExact(total, e.amount().nanos());
        }
        long after =
                jdbc.sql(
                                "update balance set balance_nanos = balance_nanos + ? where org_id = ?"
                                        + " returning balance_nanos")
                        .params(total, orgId)
                        .query(Long.class)
                        .single();
        long lastEntry =
                jdbc.sql(
                                "select balance_after_nanos from balance_entry where org_id = ?"
                                        + " order by seq desc limit 1")
                        .param(orgId)
                        .query(Long.class)
                        .optional()
                        .orElse(0L);
        // The balance row is locked by the update above, so no other entry can come between.
        Invariant.holds(lastEntry + total == after, "the running balance equals its ledger", orgId);
        long running = after - total;
        List<Object[]> rows = new java.util.ArrayList<>(entries.size());
        for (NewEntry e : entries) {
            running += e.amount().nanos();
            rows.add(
                    new Object[] {
                        orgId,
                        Timestamp.from(e.at()),
                        e.kind(),
                        e.amount().nanos(),
                        running,
                        e.reference(),
                        e.memberId()
                    });
        }
        int[] written =
                batch.batchUpdate(
                        "insert into balance_entry (org_id, at, kind, amount_nanos,"
                                + " balance_after_nanos, reference, member_id)"
                                + " values (?, ?, ?, ?, ?, ?, ?)",
                        rows);
        Invariant.holds(written.length == entries.size(), "a ledger row per entry given", orgId);
        return Money.ofNanos(after);
    }

    @EventListener
    void onOrgCreated(OrgCreated event) {
        if (event.org().plan() == Plan.TEAM) {
            jdbc.sql("insert into balance (org_id, balance_nanos) values (?, 0)")
                    .param(event.org().id())
                    .update();
        }
    }

    /** The balance, or {@code null} for orgs without one (not Team). */
    public Long balanceNanos(String orgId) {
        return jdbc.sql("select balance_nanos from balance where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .optional()
                .orElse(null);
    }

    /** Adds an entry (negative for usage) and returns the balance after it. */
    public Money append(
            String orgId,
            Instant at,
            String kind,
            Money amount,
            String reference,
            String memberId) {
        return appendAll(orgId, List.of(new NewEntry(at, kind, amount, reference, memberId)));
    }

    /**
     * The balance history, newest first: purchases and reloads one by one, usage debits summed per
     * hour (UTC) and member so the list stays readable; the amounts still sum to the balance.
     */
    public List<BalanceEntry> history(String orgId, int limit, int offset) {
        return jdbc.sql(
                        """
                        select at, kind, amount_nanos, balance_after_nanos, member_id, entries from (
                          select at, kind, amount_nanos, balance_after_nanos, member_id, 1 as entries, seq
                          from balance_entry where org_id = ? and kind <> 'USAGE'
                          union all
                          select date_trunc('hour', at, 'UTC'), 'USAGE', sum(amount_nanos),
                                 (array_agg(balance_after_nanos order by seq desc))[1], member_id, count(*), max(seq)
                          from balance_entry where org_id = ? and kind = 'USAGE'
                          group by date_trunc('hour', at, 'UTC'), member_id
                        ) history order by seq desc limit ? offset ?
                        """)
                .params(orgId, orgId, limit, offset)
                .query((rs, n) ->
                        new BalanceEntry(
                                rs.getTimestamp(1).toInstant(),
                                rs.getString(2),
                                Money.ofNanos(rs.getLong(3)),
                                Money.ofNanos(rs.getLong(4)),
                                rs.getString(5),
                                rs.getInt(6)))
                .list();
    }

    public long historyCount(String orgId) {
        return jdbc.sql(
                        """
                        select (select count(*) from balance_entry where org_id = ? and kind <> 'USAGE')
                             + (select count(*) from (select 1 from balance_entry where org_id = ? and kind = 'USAGE'
                                group by date_trunc('hour', at, 'UTC'), member_id) usage)
                        """)
                .params(orgId, orgId)
                .query(Long.class)
                .single();
    }

    /** The sum of every ledger entry: always equal to the cached balance (checked in tests). */
    public long ledgerSumNanos(String orgId) {
        return jdbc.sql("select coalesce(sum(amount_nanos), 0) from balance_entry where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .single();
    }

    public boolean everFunded(String orgId) {
        return jdbc.sql(
                        "select exists (select 1 from purchase where org_id = ? and status = 'SUCCEEDED')")
                .param(orgId)
                .query(Boolean.class)
                .single();
    }
}
