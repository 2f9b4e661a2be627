package dev.headroom.metering;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the usage counters: windows, member and org spend per period. */
@Repository
class UsageStore {
    private final JdbcClient jdbc;

    UsageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        for (WindowUsage w : windows) {
            jdbc.sql(
                            """
                            insert into usage_window (org_id, member_id, window_name, started_at, used_nanos)
                            values (?, ?, ?, ?, ?)
                            on conflict (org_id, member_id, window_name)
                            do update set started_at = excluded.started_at, used_nanos = excluded.used_nanos
                            """)
                    .params(orgId, memberId, w.name(), Timestamp.from(w.startedAt()), w.usedNanos())
                    .update();
        }
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
}
