package dev.headroom.metering.settlement;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * What a settling transaction reads for the {@link SettlementPlan}s of a group, one statement per
 * table for all of its orgs (issue 15): their settings and allowances, the reports' members —
 * locked in one order, org then member id, so two groups never deadlock — their windows and, when
 * asked, the stored events of the reports' request ids.
 */
@Component
public class SettlementReads {
    private final ExtraUsageSettingsService settings;
    private final MemberService members;
    private final UsageEvents events;
    private final UsageStore usage;
    private final IncludedAllowances allowances;

    public SettlementReads(
            ExtraUsageSettingsService settings,
            MemberService members,
            UsageEvents events,
            UsageStore usage,
            IncludedAllowances allowances) {
        this.settings = settings;
        this.members = members;
        this.events = events;
        this.usage = usage;
        this.allowances = allowances;
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
        Map<String, ExtraUsageSettings> settingsByOrg = settings.getAll(byOrg.keySet());
        Map<String, Map<String, Member>> locked = new HashMap<>();
        byOrg.keySet().forEach(id -> locked.put(id, new HashMap<>()));
        members.lockAll(memberIds).forEach(m -> locked.get(m.orgId()).put(m.id(), m));
        Map<String, Map<SeatType, List<WindowAllowance>>> bySeat =
                allowances.forOrgs(byOrg.keySet());
        SortedMap<String, TreeSet<String>> withWindows = new TreeMap<>();
        byOrg.forEach((orgId, o) -> {
            if (o.org().plan() != Plan.ENTERPRISE_USAGE) {
                withWindows.put(orgId, new TreeSet<>(locked.get(orgId).keySet()));
            }
        });
        Map<String, Map<String, Map<String, WindowUsage>>> windows = usage.windows(withWindows);
        Map<String, Map<String, StoredEvent>> stored =
                lookUpStored ? events.find(requestIds) : Map.of();
        SortedMap<String, SettlementPlan.Inputs> inputs = new TreeMap<>();
        byOrg.forEach((orgId, o) ->
                inputs.put(
                        orgId,
                        new SettlementPlan.Inputs(
                                o.org(),
                                o.reports(),
                                locked.get(orgId),
                                settingsByOrg.get(orgId),
                                stored.getOrDefault(orgId, Map.of()),
                                windows.getOrDefault(orgId, Map.of()),
                                bySeat.get(orgId))));
        return inputs;
    }
}
