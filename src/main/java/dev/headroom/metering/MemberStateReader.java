package dev.headroom.metering;

import dev.headroom.core.BillingPeriod;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgRows;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads a member's state from committed rows, in one statement (the member, the org's settings, the
 * seat's windows and the member's usage of them, this period's spend and the balance). Admission
 * reads it fresh each time, so once a settlement is acknowledged every node's next admission sees
 * it (XU-18).
 */
@Component
class MemberStateReader {
    private static final String STATE =
            """
            select m.*,
              s.enabled as s_enabled, s.scope as s_scope, s.requests_enabled as s_requests, s.strict as s_strict,
              s.spend_limit_nanos as s_org_limit, s.standard_limit_nanos as s_standard, s.premium_limit_nanos as s_premium,
              (select extra_nanos from member_period_spend p
                where p.org_id = m.org_id and p.member_id = m.id and p.period = :period) as member_extra,
              (select extra_nanos from org_period_spend p where p.org_id = m.org_id and p.period = :period) as org_extra,
              (select balance_nanos from balance b where b.org_id = m.org_id) as org_balance,
              (select array_agg(window_name order by position) from included_allowance a
                where a.org_id = m.org_id and a.seat_type = m.seat_type) as a_names,
              (select array_agg(duration_seconds order by position) from included_allowance a
                where a.org_id = m.org_id and a.seat_type = m.seat_type) as a_durations,
              (select array_agg(allowance_nanos order by position) from included_allowance a
                where a.org_id = m.org_id and a.seat_type = m.seat_type) as a_allowances,
              (select array_agg(window_name order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_names,
              (select array_agg(started_at order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_starts,
              (select array_agg(used_nanos order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_used
            from member m left join extra_usage_settings s on s.org_id = m.org_id
            where m.org_id = :org and m.id = :member
            """;

    private final OrgService orgs;
    private final JdbcClient jdbc;
    private final RequestLinks requests;

    MemberStateReader(OrgService orgs, JdbcClient jdbc, RequestLinks requests) {
        this.orgs = orgs;
        this.jdbc = jdbc;
        this.requests = requests;
    }

    /** The member's state now, or empty when the org has no such member. */
    Optional<MemberState> read(Org org, String memberId) {
        Instant now = orgs.now(org);
        BillingPeriod period = BillingPeriod.containing(now, org.timeZone());
        // The request link is read after the row is mapped: a query inside the row mapper would
        // hold one pooled connection while waiting for another, and under load the pool runs dry.
        return jdbc.sql(STATE)
                .param("org", org.id())
                .param("member", memberId)
                .param("period", period.key())
                .query((rs, n) -> state(rs, org, now, period))
                .optional()
                .map(state ->
                        state.withRequestLink(
                                requestLink(org, state.member(), state.settings(), now)));
    }

    private MemberState state(ResultSet rs, Org org, Instant now, BillingPeriod period)
            throws SQLException {
        Member member = OrgRows.member(rs);
        ExtraUsageSettings s =
                rs.getString("s_scope") == null
                        ? ExtraUsageSettings.DEFAULT
                        : new ExtraUsageSettings(
                                rs.getBoolean("s_enabled"),
                                ExtraUsageScope.valueOf(rs.getString("s_scope")),
                                rs.getBoolean("s_requests"),
                                rs.getBoolean("s_strict"),
                                nullableLong(rs, "s_org_limit"),
                                nullableLong(rs, "s_standard"),
                                nullableLong(rs, "s_premium"));
        List<WindowAllowance> allowances = new ArrayList<>();
        String[] names = strings(rs.getArray("a_names"));
        Long[] durations = longs(rs.getArray("a_durations"));
        Long[] amounts = longs(rs.getArray("a_allowances"));
        for (int i = 0; i < names.length; i++) {
            allowances.add(
                    new WindowAllowance(names[i], Duration.ofSeconds(durations[i]), amounts[i]));
        }
        Map<String, WindowUsage> usages = new HashMap<>();
        String[] used = strings(rs.getArray("w_names"));
        Object starts =
                rs.getArray("w_starts") == null
                        ? new Timestamp[0]
                        : rs.getArray("w_starts").getArray();
        Long[] usedNanos = longs(rs.getArray("w_used"));
        for (int i = 0; i < used.length; i++) {
            usages.put(
                    used[i],
                    new WindowUsage(used[i], ((Timestamp[]) starts)[i].toInstant(), usedNanos[i]));
        }
        Long memberExtra = nullableLong(rs, "member_extra");
        Long orgExtra = nullableLong(rs, "org_extra");
        return new MemberState(
                org,
                member,
                s,
                now,
                period,
                IncludedUsage.at(allowances, usages, now),
                s.capOf(org.plan(), member),
                memberExtra == null ? 0 : memberExtra,
                orgExtra == null ? 0 : orgExtra,
                nullableLong(rs, "org_balance"),
                RequestLink.NONE);
    }

    private RequestLink requestLink(Org org, Member member, ExtraUsageSettings s, Instant now) {
        if (org.plan() != Plan.ENTERPRISE_SEAT || !s.requestsEnabled()) {
            return RequestLink.NONE;
        }
        RequestLinks.RequestState state = requests.stateOf(org.id(), member.id(), now);
        return new RequestLink(state.pending() || !state.coolingDown(), state.pending());
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    private static Long[] longs(Array array) throws SQLException {
        return array == null ? new Long[0] : (Long[]) array.getArray();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
