package dev.headroom.metering.admission;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.db.DbSnapshot;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.RequestLinks;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.IncludedUsage;
import dev.headroom.metering.rules.RequestLink;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgRows;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A member's admission state now, from committed rows: the org's part (org, settings, allowances,
 * org spend, balance) and the member's part (member, windows, member spend, requests), each one
 * statement, each kept in the {@link AdmissionCache} while nothing changes it. Time-dependent
 * figures (window resets, the billing period, a dismissal's bar) are worked out at each read.
 */
@Component
public class MemberStateReader {
    private static final String ORG_PART =
            """
            select s.enabled as s_enabled, s.scope as s_scope, s.requests_enabled as s_requests,
              s.strict as s_strict, s.spend_limit_nanos as s_org_limit,
              s.standard_limit_nanos as s_standard, s.premium_limit_nanos as s_premium,
              (select extra_nanos from org_period_spend p where p.org_id = :org and p.period = :period) as org_extra,
              (select balance_nanos from balance b where b.org_id = :org) as org_balance,
              (select array_agg(seat_type order by seat_type, position) from included_allowance a
                where a.org_id = :org) as a_seats,
              (select array_agg(window_name order by seat_type, position) from included_allowance a
                where a.org_id = :org) as a_names,
              (select array_agg(duration_seconds order by seat_type, position) from included_allowance a
                where a.org_id = :org) as a_durations,
              (select array_agg(allowance_nanos order by seat_type, position) from included_allowance a
                where a.org_id = :org) as a_allowances,
              pg_current_snapshot()::text as seen
            from (select 1) one left join extra_usage_settings s on s.org_id = :org
            """;
    private static final String MEMBER_PART =
            """
            select m.*,
              (select extra_nanos from member_period_spend p
                where p.org_id = m.org_id and p.member_id = m.id and p.period = :period) as member_extra,
              (select array_agg(window_name order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_names,
              (select array_agg(started_at order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_starts,
              (select array_agg(used_nanos order by window_name) from usage_window w
                where w.org_id = m.org_id and w.member_id = m.id) as w_used,
              pg_current_snapshot()::text as seen
            from member m
            where m.org_id = :org and m.id = any(:members) and m.removed_at is null
            """;

    private final OrgService orgs;
    private final JdbcClient jdbc;
    private final RequestLinks requests;
    private final AdmissionCache cache;

    public MemberStateReader(
            OrgService orgs, JdbcClient jdbc, RequestLinks requests, AdmissionCache cache) {
        this.orgs = orgs;
        this.jdbc = jdbc;
        this.requests = requests;
        this.cache = cache;
    }

    /** The member's state now, or empty when the org has no such member. */
    public Optional<MemberState> read(String orgId, String memberId) {
        return read(orgPart(orgId), memberId);
    }

    /** The same, for an org part the caller already holds (so it is read once per admission). */
    public Optional<MemberState> read(AdmissionCache.OrgPart org, String memberId) {
        String orgId = org.org().id();
        Instant now = orgs.now(org.org());
        BillingPeriod period = BillingPeriod.containing(now, org.org().timeZone());
        AdmissionCache.MemberPart member =
                cache.member(
                        orgId,
                        memberId,
                        part -> part.period().equals(period.key()),
                        () -> loadMember(org.org(), memberId, period.key()));
        return Optional.ofNullable(member).map(m -> state(org, m, now));
    }

    /**
     * These members' states read from the database in the caller's transaction, past every cache
     * (EX-1: a hold is decided on what is committed); the org is read once. Absent: no such member.
     */
    public Map<String, MemberState> readFromDatabase(String orgId, Collection<String> memberIds) {
        Org org = orgs.require(orgId);
        Instant now = orgs.now(org);
        String period = BillingPeriod.containing(now, org.timeZone()).key();
        AdmissionCache.OrgPart part = loadOrg(org, period);
        Map<String, MemberState> found = new HashMap<>();
        for (AdmissionCache.MemberPart member : loadMembers(org, memberIds, period)) {
            String id = member.member().id();
            found.put(id, state(part, withRequestFacts(org, member), now));
        }
        return found;
    }

    private MemberState state(
            AdmissionCache.OrgPart org, AdmissionCache.MemberPart member, Instant now) {
        BillingPeriod period = BillingPeriod.containing(now, org.org().timeZone());
        ExtraUsageSettings s = org.settings();
        List<WindowAllowance> allowances =
                member.member().seatType() == null
                        ? List.of()
                        : org.allowances().getOrDefault(member.member().seatType(), List.of());
        return new MemberState(
                org.org(),
                member.member(),
                s,
                now,
                period,
                IncludedUsage.at(allowances, member.windows(), now),
                s.capOf(org.org().plan(), member.member()),
                member.memberExtraNanos(),
                org.orgExtraNanos(),
                org.balanceNanos(),
                requestLink(org.org(), s, member.requests(), now));
    }

    /** The org's admission inputs (404 when there is no such org). */
    public AdmissionCache.OrgPart orgPart(String orgId) {
        return cache.org(
                orgId,
                part -> part.period().equals(periodNow(part.org()).key()),
                () -> loadOrg(orgs.require(orgId)));
    }

    private BillingPeriod periodNow(Org org) {
        return BillingPeriod.containing(orgs.now(org), org.timeZone());
    }

    private AdmissionCache.OrgPart loadOrg(Org org) {
        return loadOrg(org, periodNow(org).key());
    }

    private AdmissionCache.OrgPart loadOrg(Org org, String period) {
        return jdbc.sql(ORG_PART)
                .param("org", org.id())
                .param("period", period)
                .query((rs, n) -> orgPart(rs, org, period))
                .single();
    }

    private AdmissionCache.MemberPart loadMember(Org org, String memberId, String period) {
        return loadMembers(org, List.of(memberId), period).stream()
                .findFirst()
                .map(part -> withRequestFacts(org, part))
                .orElse(null);
    }

    // The request facts are read after the row is mapped: a query inside the row mapper would
    // hold one pooled connection while waiting for another, and under load the pool runs dry.
    private AdmissionCache.MemberPart withRequestFacts(Org org, AdmissionCache.MemberPart part) {
        return org.plan() == Plan.ENTERPRISE_SEAT
                ? new AdmissionCache.MemberPart(
                        part.member(),
                        part.windows(),
                        part.period(),
                        part.memberExtraNanos(),
                        requests.factsOf(org.id(), part.member().id()),
                        part.seen())
                : part;
    }

    /** The members' parts in one statement, without their request facts. */
    private List<AdmissionCache.MemberPart> loadMembers(
            Org org, Collection<String> memberIds, String period) {
        return jdbc.sql(MEMBER_PART)
                .param("org", org.id())
                .param("members", memberIds.toArray(String[]::new))
                .param("period", period)
                .query((rs, n) -> memberPart(rs, period))
                .list();
    }

    private static AdmissionCache.OrgPart orgPart(ResultSet rs, Org org, String period)
            throws SQLException {
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
        Map<SeatType, List<WindowAllowance>> allowances = new EnumMap<>(SeatType.class);
        String[] seats = strings(rs.getArray("a_seats"));
        String[] names = strings(rs.getArray("a_names"));
        Long[] durations = longs(rs.getArray("a_durations"));
        Long[] amounts = longs(rs.getArray("a_allowances"));
        for (int i = 0; i < seats.length; i++) {
            allowances
                    .computeIfAbsent(SeatType.valueOf(seats[i]), seat -> new ArrayList<>())
                    .add(
                            new WindowAllowance(
                                    names[i], Duration.ofSeconds(durations[i]), amounts[i]));
        }
        Long orgExtra = nullableLong(rs, "org_extra");
        return new AdmissionCache.OrgPart(
                org,
                s,
                allowances,
                period,
                orgExtra == null ? 0 : orgExtra,
                nullableLong(rs, "org_balance"),
                DbSnapshot.parse(rs.getString("seen")));
    }

    private static AdmissionCache.MemberPart memberPart(ResultSet rs, String period)
            throws SQLException {
        Member member = OrgRows.member(rs);
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
        return new AdmissionCache.MemberPart(
                member,
                Map.copyOf(usages),
                period,
                memberExtra == null ? 0 : memberExtra,
                RequestLinks.RequestFacts.NONE,
                DbSnapshot.parse(rs.getString("seen")));
    }

    private static RequestLink requestLink(
            Org org, ExtraUsageSettings s, RequestLinks.RequestFacts facts, Instant now) {
        if (org.plan() != Plan.ENTERPRISE_SEAT || !s.requestsEnabled()) {
            return RequestLink.NONE;
        }
        return new RequestLink(facts.pending() || !facts.barredAt(now), facts.pending());
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
