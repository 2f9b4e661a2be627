package dev.headroom.metering;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the usage counters: windows, member and org spend per period. */
@Repository
class UsageStore {
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    UsageStore(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    Map<String, WindowUsage> windows(String orgId, String memberId) {
        Map<String, WindowUsage> windows = new HashMap<>();
        jdbc.sql(
                        "select window_name, started_at, used_nanos from usage_window"
                                + " where org_id = ? and member_id = ?")
                .params(orgId, memberId)
                .query(rs -> {
                    windows.put(
                            rs.getString(1),
                            new WindowUsage(
                                    rs.getString(1),
                                    rs.getTimestamp(2).toInstant(),
                                    rs.getLong(3)));
                });
        return windows;
    }

    void saveWindows(String orgId, String memberId, List<WindowUsage> windows) {
        batch.batchUpdate(
                """
                insert into usage_window (org_id, member_id, window_name, started_at, used_nanos)
                values (?, ?, ?, ?, ?)
                on conflict (org_id, member_id, window_name)
                do update set started_at = excluded.started_at, used_nanos = excluded.used_nanos
                """,
                windows.stream()
                        .map(w ->
                                new Object[] {
                                    orgId,
                                    memberId,
                                    w.name(),
                                    Timestamp.from(w.startedAt()),
                                    w.usedNanos()
                                })
                        .toList());
    }

    long memberExtraNanos(String orgId, String memberId, String period) {
        return jdbc.sql(
                        "select extra_nanos from member_period_spend"
                                + " where org_id = ? and member_id = ? and period = ?")
                .params(orgId, memberId, period)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    Map<String, Long> memberExtraNanos(String orgId, List<String> memberIds, String period) {
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

    long orgExtraNanos(String orgId, String period) {
        return jdbc.sql("select extra_nanos from org_period_spend where org_id = ? and period = ?")
                .params(orgId, period)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /** Adds to a member's spend of a period and returns their extra spend after it. */
    long addMemberSpend(
            String orgId, String memberId, String period, long includedNanos, long extraNanos) {
        return jdbc.sql(
                        """
                        insert into member_period_spend (org_id, member_id, period, included_nanos, extra_nanos)
                        values (?, ?, ?, ?, ?)
                        on conflict (org_id, member_id, period) do update set
                          included_nanos = member_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos
                        returning extra_nanos
                        """)
                .params(orgId, memberId, period, includedNanos, extraNanos)
                .query(Long.class)
                .single();
    }

    /** Adds to the org's spend of a period and returns its extra spend after it. */
    long addOrgSpend(String orgId, String period, long includedNanos, long extraNanos) {
        return jdbc.sql(
                        """
                        insert into org_period_spend (org_id, period, included_nanos, extra_nanos)
                        values (?, ?, ?, ?)
                        on conflict (org_id, period) do update set
                          included_nanos = org_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = org_period_spend.extra_nanos + excluded.extra_nanos
                        returning extra_nanos
                        """)
                .params(orgId, period, includedNanos, extraNanos)
                .query(Long.class)
                .single();
    }

    /** One row of the daily aggregates: a member's usage of one product and model on one day. */
    record DailyKey(
            java.time.LocalDate day,
            String memberId,
            String seatType,
            String product,
            String model) {}

    /** Adds per-batch sums to {@code usage_daily}: requests, included, extra, six token counts. */
    void addDaily(String orgId, Map<DailyKey, long[]> sums) {
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
                            v[0],
                            v[1],
                            v[2],
                            v[3],
                            v[4],
                            v[5],
                            v[6],
                            v[7],
                            v[8]
                        }));
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
    }
}
