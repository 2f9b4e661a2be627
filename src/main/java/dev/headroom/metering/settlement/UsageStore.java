package dev.headroom.metering.settlement;

import dev.headroom.core.Invariant;
import dev.headroom.metering.rules.SettlementRows.DailyKey;
import dev.headroom.metering.rules.SettlementRows.DailySum;
import dev.headroom.metering.rules.SettlementRows.MemberPeriod;
import dev.headroom.metering.rules.SettlementRows.SpendDelta;
import dev.headroom.metering.rules.WindowUsage;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the usage counters: windows, member and org spend per period. */
@Repository
public class UsageStore {
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public UsageStore(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** The stored windows of each of {@code memberIds}: one query for a whole group or batch. */
    public Map<String, Map<String, WindowUsage>> windows(
            String orgId, Collection<String> memberIds) {
        Map<String, Map<String, WindowUsage>> windows = new HashMap<>();
        memberIds.forEach(id -> windows.put(id, new HashMap<>()));
        jdbc.sql(
                        "select member_id, window_name, started_at, used_nanos from usage_window"
                                + " where org_id = ? and member_id = any(?)")
                .params(orgId, memberIds.toArray(String[]::new))
                .query(rs -> {
                    windows.get(rs.getString(1))
                            .put(
                                    rs.getString(2),
                                    new WindowUsage(
                                            rs.getString(2),
                                            rs.getTimestamp(3).toInstant(),
                                            rs.getLong(4)));
                });
        return windows;
    }

    /** Writes the windows of every member given, as one JDBC batch. */
    public void saveWindows(
            String orgId, Map<String, ? extends Collection<WindowUsage>> windowsByMember) {
        List<Object[]> rows = new ArrayList<>();
        windowsByMember.forEach((memberId, windows) ->
                windows.forEach(w ->
                        rows.add(
                                new Object[] {
                                    orgId,
                                    memberId,
                                    w.name(),
                                    Timestamp.from(w.startedAt()),
                                    w.usedNanos()
                                })));
        if (rows.isEmpty()) {
            return;
        }
        int[] windowsWritten =
                batch.batchUpdate(
                        """
                        insert into usage_window (org_id, member_id, window_name, started_at, used_nanos)
                        values (?, ?, ?, ?, ?)
                        on conflict (org_id, member_id, window_name)
                        do update set started_at = excluded.started_at, used_nanos = excluded.used_nanos
                        """,
                        rows);
        rowsWritten(windowsWritten, rows.size(), "a window row per window given");
    }

    public long memberExtraNanos(String orgId, String memberId, String period) {
        return jdbc.sql(
                        "select extra_nanos from member_period_spend"
                                + " where org_id = ? and member_id = ? and period = ?")
                .params(orgId, memberId, period)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    public Map<String, Long> memberExtraNanos(String orgId, List<String> memberIds, String period) {
        Map<String, Long> spend = new HashMap<>();
        jdbc.sql(
                        "select member_id, extra_nanos from member_period_spend"
                                + " where org_id = ? and period = ? and member_id = any(?)")
                .params(orgId, period, memberIds.toArray(String[]::new))
                .query(rs -> {
                    spend.put(rs.getString(1), rs.getLong(2));
                });
        return spend;
    }

    public long orgExtraNanos(String orgId, String period) {
        return jdbc.sql("select extra_nanos from org_period_spend where org_id = ? and period = ?")
                .params(orgId, period)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /**
     * Adds to members' spend, one statement for all of them, and returns each member's extra spend
     * of the period after it.
     */
    public Map<MemberPeriod, Long> addMemberSpend(
            String orgId, Map<MemberPeriod, SpendDelta> deltas) {
        Map<MemberPeriod, Long> after = new HashMap<>();
        if (deltas.isEmpty()) {
            return after;
        }
        jdbc.sql(
                        """
                        insert into member_period_spend (org_id, member_id, period, included_nanos, extra_nanos)
                        select ?, d.member_id, d.period, d.included_nanos, d.extra_nanos
                        from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])
                          as d(member_id, period, included_nanos, extra_nanos)
                        on conflict (org_id, member_id, period) do update set
                          included_nanos = member_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos
                        returning member_id, period, extra_nanos
                        """)
                .params(
                        orgId,
                        deltas.keySet().stream().map(MemberPeriod::memberId).toArray(String[]::new),
                        deltas.keySet().stream().map(MemberPeriod::period).toArray(String[]::new),
                        deltas.values().stream().mapToLong(SpendDelta::includedNanos).toArray(),
                        deltas.values().stream().mapToLong(SpendDelta::extraNanos).toArray())
                .query(rs -> {
                    after.put(new MemberPeriod(rs.getString(1), rs.getString(2)), rs.getLong(3));
                });
        Invariant.holds(after.size() == deltas.size(), "a member spend row per delta given");
        return after;
    }

    /** Adds to the org's spend of a period and returns its extra spend after it. */
    public long addOrgSpend(String orgId, String period, SpendDelta delta) {
        return jdbc.sql(
                        """
                        insert into org_period_spend (org_id, period, included_nanos, extra_nanos)
                        values (?, ?, ?, ?)
                        on conflict (org_id, period) do update set
                          included_nanos = org_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = org_period_spend.extra_nanos + excluded.extra_nanos
                        returning extra_nanos
                        """)
                .params(orgId, period, delta.includedNanos(), delta.extraNanos())
                .query(Long.class)
                .single();
    }

    /** Adds per-batch sums to {@code usage_daily}: requests, included, extra, six token counts. */
    public void addDaily(String orgId, Map<DailyKey, DailySum> sums) {
        List<Object[]> rows = new java.util.ArrayList<>(sums.size());
        sums.forEach((k, v) ->
                rows.add(
                        new Object[] {
                            orgId,
                            java.sql.Date.valueOf(k.day()),
                            k.memberId(),
                            k.seatType(),
                            k.product(),
                            k.model(),
                            v.requests(),
                            v.includedNanos(),
                            v.extraNanos(),
                            v.inputTokens(),
                            v.outputTokens(),
                            v.cacheWrite5mTokens(),
                            v.cacheWrite1hTokens(),
                            v.cacheReadTokens(),
                            v.webSearchRequests()
                        }));
        int[] dailyWritten =
                batch.batchUpdate(
                        """
                        insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests,
                          included_nanos, extra_nanos, input_tokens, output_tokens, cache_write_5m_tokens,
                          cache_write_1h_tokens, cache_read_tokens, web_search_requests)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (org_id, day, member_id, seat_type, product, model) do update set
                          requests = usage_daily.requests + excluded.requests,
                          included_nanos = usage_daily.included_nanos + excluded.included_nanos,
                          extra_nanos = usage_daily.extra_nanos + excluded.extra_nanos,
                          input_tokens = usage_daily.input_tokens + excluded.input_tokens,
                          output_tokens = usage_daily.output_tokens + excluded.output_tokens,
                          cache_write_5m_tokens = usage_daily.cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                          cache_write_1h_tokens = usage_daily.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                          cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,
                          web_search_requests = usage_daily.web_search_requests + excluded.web_search_requests
                        """,
                        rows);
        rowsWritten(dailyWritten, rows.size(), "a daily row per sum given");
    }

    /** Every statement of a batch wrote its one row (or the driver could not say). */
    private static void rowsWritten(int[] counts, int expected, String invariant) {
        Invariant.holds(counts.length == expected, invariant);
        for (int count : counts) {
            Invariant.holds(count == 1 || count == java.sql.Statement.SUCCESS_NO_INFO, invariant);
        }
    }
}
