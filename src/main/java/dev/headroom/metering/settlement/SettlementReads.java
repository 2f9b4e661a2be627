package dev.headroom.metering.settlement;

import dev.headroom.metering.allowances.IncludedAllowances;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * What a settling transaction reads for its {@link SettlementPlan}: the reports' members, locked in
 * id order (so two groups never deadlock), the stored events of their request ids, their windows
 * and their seat types' allowances.
 */
@Component
public class SettlementReads {
    private final MemberService members;
    private final UsageEvents events;
    private final UsageStore usage;
    private final IncludedAllowances allowances;

    public SettlementReads(
            MemberService members,
            UsageEvents events,
            UsageStore usage,
            IncludedAllowances allowances) {
        this.members = members;
        this.events = events;
        this.usage = usage;
        this.allowances = allowances;
    }

    public SettlementPlan.Inputs load(
            Org org, List<PricedReport> reports, ExtraUsageSettings settings) {
        TreeSet<String> memberIds = new TreeSet<>();
        reports.forEach(r -> memberIds.add(r.report().memberId()));
        Map<String, Member> locked = new HashMap<>();
        members.lockAll(org.id(), List.copyOf(memberIds)).forEach(m -> locked.put(m.id(), m));
        Map<SeatType, List<WindowAllowance>> bySeat = new EnumMap<>(SeatType.class);
        locked.values().stream()
                .map(Member::seatType)
                .filter(seat -> seat != null)
                .distinct()
                .forEach(seat -> bySeat.put(seat, allowances.forSeat(org.id(), seat)));
        Map<String, Map<String, WindowUsage>> windows =
                org.plan() == Plan.ENTERPRISE_USAGE
                        ? Map.of()
                        : usage.windows(org.id(), locked.keySet());
        return new SettlementPlan.Inputs(
                org,
                reports,
                locked,
                settings,
                events.find(org.id(), reports.stream().map(r -> r.report().requestId()).toList()),
                windows,
                bySeat);
    }
}
