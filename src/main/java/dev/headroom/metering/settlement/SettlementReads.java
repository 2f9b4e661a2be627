package dev.headroom.metering.settlement;

import dev.headroom.core.db.RoundTrip;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.allowances.IncludedAllowances;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.SettlementRows.StoredEvent;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a settling transaction reads for the {@link SettlementPlan}s of a group, one statement per
 * table for all of its orgs and all of them in one round trip (issue 15): the reports' members —
 * locked in one order, org then member id, so two groups never deadlock — then their settings and
 * allowances, their windows and, when asked, the stored events of the reports' request ids.
 */
@Component
public class SettlementReads {
    private final ExtraUsageSettingsService settings;
    private final MemberService members;
    private final UsageEvents events;
    private final UsageStore usage;
    private final IncludedAllowances allowances;
    private final JdbcTemplate jdbc;

    public SettlementReads(
            ExtraUsageSettingsService settings,
            MemberService members,
            UsageEvents events,
            UsageStore usage,
            IncludedAllowances allowances,
            JdbcTemplate jdbc) {
        this.settings = settings;
        this.members = members;
        this.events = events;
        this.usage = usage;
        this.allowances = allowances;
        this.jdbc = jdbc;
    }

    /** The reports of one org in a group. */
    public record OrgReports(Org org, List<PricedReport> reports) {}

    /**
     * Each org's inputs, in org id order. Without {@code lookUpStored} the plans take every report
     * for new (the common case, one statement fewer); should one have been stored before, the
     * insert finds it and the caller plans again with the lookup.
     */
    public SortedMap<String, SettlementPlan.Inputs> load(
            List<OrgReports> group, boolean lookUpStored) {
        SortedMap<String, OrgReports> byOrg = new TreeMap<>();
        SortedMap<String, TreeSet<String>> memberIds = new TreeMap<>();
        Map<String, List<String>> requestIds = new HashMap<>();
        for (OrgReports o : group) {
            byOrg.put(o.org().id(), o);
            TreeSet<String> ids = memberIds.computeIfAbsent(o.org().id(), id -> new TreeSet<>());
            o.reports().forEach(r -> ids.add(r.report().memberId()));
            requestIds.put(
                    o.org().id(), o.reports().stream().map(r -> r.report().requestId()).toList());
        }
        SortedMap<String, TreeSet<String>> withWindows = new TreeMap<>();
        byOrg.forEach((orgId, o) -> {
            if (o.org().plan() != Plan.ENTERPRISE_USAGE) {
                withWindows.put(orgId, memberIds.get(orgId));
            }
        });
        // The lock first: the queries after it, statements of their own, see what it waited for.
        RoundTrip.Query<List<Member>> lock = members.locking(memberIds);
        RoundTrip.Query<Map<String, ExtraUsageSettings>> settingsByOrg =
                settings.ofOrgs(byOrg.keySet());
        RoundTrip.Query<Map<String, Map<SeatType, List<WindowAllowance>>>> bySeat =
                allowances.ofOrgs(byOrg.keySet());
        RoundTrip.Query<Map<String, Map<String, Map<String, WindowUsage>>>> windows =
                usage.windowsOf(withWindows);
        // For this transaction only. Each read below looks rows up by key, org by org or member by
        // member, so the plan made once serves every group; left to choose, PostgreSQL planned
        // three of them anew for each group, a tenth of its time across 100 orgs (BENCHMARKS.md).
        // And the group's write announces its rows itself (GroupWrite), so their triggers stay off.
        RoundTrip.Query<Void> forThisTransaction =
                new RoundTrip.Query<>(
                        "select set_config('plan_cache_mode', 'force_generic_plan', true),"
                                + " set_config('headroom.settlement_announces', 'on', true)",
                        rs -> null);
        List<RoundTrip.Query<?>> queries =
                new ArrayList<>(List.of(forThisTransaction, lock, settingsByOrg, bySeat, windows));
        Optional<RoundTrip.Query<Map<String, Map<String, StoredEvent>>>> stored =
                lookUpStored ? Optional.of(events.stored(requestIds)) : Optional.empty();
        stored.ifPresent(queries::add);
        RoundTrip.run(jdbc, queries);
        Map<String, Map<String, Member>> locked = new HashMap<>();
        byOrg.keySet().forEach(id -> locked.put(id, new HashMap<>()));
        lock.result().forEach(m -> locked.get(m.orgId()).put(m.id(), m));
        SortedMap<String, SettlementPlan.Inputs> inputs = new TreeMap<>();
        byOrg.forEach((orgId, o) -> {
            Map<String, Map<String, WindowUsage>> ofMembers = new HashMap<>();
            windows.result()
                    .getOrDefault(orgId, Map.of())
                    .forEach((memberId, ofMember) -> {
                        if (locked.get(orgId).containsKey(memberId)) {
                            ofMembers.put(memberId, ofMember);
                        }
                    });
            inputs.put(
                    orgId,
                    new SettlementPlan.Inputs(
                            o.org(),
                            o.reports(),
                            locked.get(orgId),
                            settingsByOrg.result().get(orgId),
                            stored.map(q -> q.result().getOrDefault(orgId, Map.of()))
                                    .orElse(Map.of()),
                            ofMembers,
                            bySeat.result().get(orgId)));
        });
        return inputs;
    }
}
