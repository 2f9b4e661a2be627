package dev.headroom.metering.settlement;

import dev.headroom.core.Invariant;
import dev.headroom.core.db.OrgKeys;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the usage counters: windows, member and org spend per period. */
@Repository
public class UsageStore {
    private final JdbcClient jdbc;

    public UsageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The stored windows of each member named, per org and member: one query for a whole group.
     * Every member named has a (maybe empty) map.
     */
    public Map<String, Map<String, Map<String, WindowUsage>>> windows(
            Map<String, ? extends Collection<String>> memberIdsByOrg) {
        Map<String, Map<String, Map<String, WindowUsage>>> windows = new HashMap<>();
        OrgKeys members = new OrgKeys();
        memberIdsByOrg.forEach((orgId, ids) -> {
            Map<String, Map<String, WindowUsage>> ofOrg = new HashMap<>();
            windows.put(orgId, ofOrg);
            ids.forEach(id -> {
                ofOrg.put(id, new HashMap<>());
                members.add(orgId, id);
            });
        });
        if (members.isEmpty()) {
            return windows;
        }
        jdbc.sql(
                        "select w.org_id, w.member_id, w.window_name, w.started_at, w.used_nanos"
                                + " from usage_window w join unnest(?::text[], ?::text[]) as k(org_id, member_id)"
                                + " on w.org_id = k.org_id and w.member_id = k.member_id")
                .params(members.orgIds(), members.keys())
                .query(rs -> {
                    windows.get(rs.getString(1))
                            .get(rs.getString(2))
                            .put(
                                    rs.getString(3),
                                    new WindowUsage(
                                            rs.getString(3),
                                            rs.getTimestamp(4).toInstant(),
                                            rs.getLong(5)));
                });
        return windows;
    }

    /** The windows every plan of the group charged, in one statement. */
    public void saveWindows(List<PlannedOrg> group) {
        OrgKeys members = new OrgKeys();
        List<String> names = new ArrayList<>();
        List<Timestamp> startedAt = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        group.forEach(o ->
                o.plan()
                        .windowWrites()
                        .forEach((memberId, windows) ->
                                windows.forEach(w -> {
                                    members.add(o.orgId(), memberId);
                                    names.add(w.name());
                                    startedAt.add(Timestamp.from(w.startedAt()));
                                    used.add(w.usedNanos());
                                })));
        if (names.isEmpty()) {
            return;
        }
        int written =
                jdbc.sql(
                                """
                                insert into usage_window (org_id, member_id, window_name, started_at, used_nanos)
                                select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[])
                                on conflict (org_id, member_id, window_name)
                                do update set started_at = excluded.started_at, used_nanos = excluded.used_nanos
                                """)
                        .params(
                                members.orgIds(),
                                members.keys(),
                                names.toArray(String[]::new),
                                startedAt.toArray(Timestamp[]::new),
                                used.stream().mapToLong(Long::longValue).toArray())
                        .update();
        Invariant.holds(written == names.size(), "a window row per window given");
    }

    private long transactionId() {
        return jdbc.sql("select pg_current_xact_id()::text::bigint").query(Long.class).single();
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
     * Adds to the members' spend of every plan of the group, one statement for all of them, and
     * returns each member's extra spend of the period after it, per org.
     */
    public Map<String, Map<MemberPeriod, Long>> addMemberSpend(List<PlannedOrg> group) {
        Map<String, Map<MemberPeriod, Long>> after = new HashMap<>();
        OrgKeys members = new OrgKeys();
        List<String> periods = new ArrayList<>();
        List<SpendDelta> deltas = new ArrayList<>();
        group.forEach(o -> {
            after.put(o.orgId(), new HashMap<>());
            o.plan()
                    .memberSpend()
                    .forEach((key, delta) -> {
                        members.add(o.orgId(), key.memberId());
                        periods.add(key.period());
                        deltas.add(delta);
                    });
        });
        if (deltas.isEmpty()) {
            return after;
        }
        int[] rows = {0};
        jdbc.sql(
                        """
                        insert into member_period_spend (org_id, member_id, period, included_nanos, extra_nanos)
                        select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])
                        on conflict (org_id, member_id, period) do update set
                          included_nanos = member_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos
                        returning org_id, member_id, period, extra_nanos
                        """)
                .params(
                        members.orgIds(),
                        members.keys(),
                        periods.toArray(String[]::new),
                        deltas.stream().mapToLong(SpendDelta::includedNanos).toArray(),
                        deltas.stream().mapToLong(SpendDelta::extraNanos).toArray())
                .query(rs -> {
                    rows[0]++;
                    after.get(rs.getString(1))
                            .put(new MemberPeriod(rs.getString(2), rs.getString(3)), rs.getLong(4));
                });
        Invariant.holds(rows[0] == deltas.size(), "a member spend row per delta given");
        return after;
    }

    /**
     * Each org's extra spend per period after a group's writes, and the id of the transaction that
     * wrote them, as the announcements of its writes name it.
     */
    public record OrgSpendAfter(Map<String, Map<String, Long>> extra, long xid) {}

    /**
     * Adds to the org spend of every plan of the group, one statement for all, in org id order (the
     * group's lock order); returns each org's extra spend per period after it.
     */
    public OrgSpendAfter addOrgSpend(List<PlannedOrg> group) {
        Map<String, Map<String, Long>> after = new HashMap<>();
        OrgKeys periods = new OrgKeys();
        List<SpendDelta> deltas = new ArrayList<>();
        group.forEach(o -> {
            after.put(o.orgId(), new HashMap<>());
            new java.util.TreeMap<>(o.plan().orgSpend())
                    .forEach((period, delta) -> {
                        periods.add(o.orgId(), period);
                        deltas.add(delta);
                    });
        });
        if (deltas.isEmpty()) {
            return new OrgSpendAfter(after, transactionId());
        }
        long[] xid = {0};
        int[] rows = {0};
        jdbc.sql(
                        """
                        insert into org_period_spend (org_id, period, included_nanos, extra_nanos)
                        select * from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])
                        on conflict (org_id, period) do update set
                          included_nanos = org_period_spend.included_nanos + excluded.included_nanos,
                          extra_nanos = org_period_spend.extra_nanos + excluded.extra_nanos
                        returning org_id, period, extra_nanos, pg_current_xact_id()::text::bigint
                        """)
                .params(
                        periods.orgIds(),
                        periods.keys(),
                        deltas.stream().mapToLong(SpendDelta::includedNanos).toArray(),
                        deltas.stream().mapToLong(SpendDelta::extraNanos).toArray())
                .query(rs -> {
                    rows[0]++;
                    after.get(rs.getString(1)).put(rs.getString(2), rs.getLong(3));
                    xid[0] = rs.getLong(4);
                });
        Invariant.holds(rows[0] == deltas.size(), "an org spend row per delta given");
        return new OrgSpendAfter(after, xid[0]);
    }

    /**
     * Adds the group's daily sums to {@code usage_daily} (requests, included, extra, six token
     * counts) in one statement.
     */
    public void addDaily(List<PlannedOrg> group) {
        List<String> orgIds = new ArrayList<>();
        List<DailyKey> keys = new ArrayList<>();
        List<DailySum> sums = new ArrayList<>();
        group.forEach(o ->
                o.plan()
                        .daily()
                        .forEach((k, v) -> {
                            orgIds.add(o.orgId());
                            keys.add(k);
                            sums.add(v);
                        }));
        if (sums.isEmpty()) {
            return;
        }
        int written =
                jdbc.sql(
                                """
                                insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests,
                                  included_nanos, extra_nanos, input_tokens, output_tokens, cache_write_5m_tokens,
                                  cache_write_1h_tokens, cache_read_tokens, web_search_requests)
                                select * from unnest(?::text[], ?::date[], ?::text[], ?::text[], ?::text[], ?::text[],
                                  ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                  ?::bigint[], ?::bigint[], ?::bigint[])
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
                                """)
                        .params(
                                orgIds.toArray(String[]::new),
                                keys.stream().map(k -> k.day().toString()).toArray(String[]::new),
                                keys.stream().map(DailyKey::memberId).toArray(String[]::new),
                                keys.stream().map(DailyKey::seatType).toArray(String[]::new),
                                keys.stream().map(DailyKey::product).toArray(String[]::new),
                                keys.stream().map(DailyKey::model).toArray(String[]::new),
                                sums.stream().mapToLong(DailySum::requests).toArray(),
                                sums.stream().mapToLong(DailySum::includedNanos).toArray(),
                                sums.stream().mapToLong(DailySum::extraNanos).toArray(),
                                sums.stream().mapToLong(DailySum::inputTokens).toArray(),
                                sums.stream().mapToLong(DailySum::outputTokens).toArray(),
                                sums.stream().mapToLong(DailySum::cacheWrite5mTokens).toArray(),
                                sums.stream().mapToLong(DailySum::cacheWrite1hTokens).toArray(),
                                sums.stream().mapToLong(DailySum::cacheReadTokens).toArray(),
                                sums.stream().mapToLong(DailySum::webSearchRequests).toArray())
                        .update();
        Invariant.holds(written == sums.size(), "a daily row per sum given");
    }
}
