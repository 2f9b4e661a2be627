package dev.headroom.metering.settlement;

import dev.headroom.core.db.OrgKeys;
import dev.headroom.core.db.RoundTrip;
import dev.headroom.metering.rules.WindowUsage;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads of the usage counters: windows, member and org spend per period ({@link GroupWrite} writes
 * them).
 */
@Repository
public class UsageStore {
    private final JdbcClient jdbc;

    public UsageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The query of the stored windows of each member named, per org and member, for a whole group.
     * Every member named has a (maybe empty) map.
     */
    public RoundTrip.Query<Map<String, Map<String, Map<String, WindowUsage>>>> windowsOf(
            Map<String, ? extends Collection<String>> memberIdsByOrg) {
        OrgKeys members = OrgKeys.of(memberIdsByOrg);
        return new RoundTrip.Query<>(
                // A lookup by key per member (SettlementReads): joined to the whole array, the
                // planner read the whole table once a group held a few members (BENCHMARKS.md).
                "select w.org_id, w.member_id, w.window_name, w.started_at, w.used_nanos"
                        + " from unnest(?::text[], ?::text[]) as k(org_id, member_id)"
                        + " cross join lateral (select * from usage_window u"
                        + " where u.org_id = k.org_id and u.member_id = k.member_id offset 0) w",
                rs -> {
                    Map<String, Map<String, Map<String, WindowUsage>>> windows = new HashMap<>();
                    memberIdsByOrg.forEach((orgId, ids) -> {
                        Map<String, Map<String, WindowUsage>> ofOrg = new HashMap<>();
                        windows.put(orgId, ofOrg);
                        ids.forEach(id -> ofOrg.put(id, new HashMap<>()));
                    });
                    while (rs.next()) {
                        windows.get(rs.getString(1))
                                .get(rs.getString(2))
                                .put(
                                        rs.getString(3),
                                        new WindowUsage(
                                                rs.getString(3),
                                                rs.getTimestamp(4).toInstant(),
                                                rs.getLong(5)));
                    }
                    return windows;
                },
                members.orgIds(),
                members.keys());
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
}
