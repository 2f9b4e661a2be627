package dev.headroom.metering.rules;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Invariant;
import dev.headroom.metering.rules.SettlementRows.BalanceDebit;
import dev.headroom.metering.rules.SettlementRows.DailyKey;
import dev.headroom.metering.rules.SettlementRows.DailySum;
import dev.headroom.metering.rules.SettlementRows.MemberPeriod;
import dev.headroom.metering.rules.SettlementRows.NewEvent;
import dev.headroom.metering.rules.SettlementRows.SpendDelta;
import dev.headroom.metering.rules.SettlementRows.StoredEvent;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import dev.headroom.pricing.CostCalculator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XU-17 – XU-19 as one pure step: what settling a group of reports does, given what the transaction
 * read. Each report is a duplicate (same request id and content: the first answer), a refusal
 * (other content, an unknown member, one who left before it), or a new event that fills the
 * member's included windows first and bills the rest as extra usage when they are eligible. The
 * writer applies the plan as it is; nothing here reads or writes anything.
 *
 * @param outcomes each report's outcome, in the order given
 * @param events the usage events to insert
 * @param windowWrites the windows of every member charged, after the charges
 * @param memberSpend what to add to each member's period spend
 * @param orgSpend what to add to the org's spend, per period
 * @param daily what to add to the daily aggregates (EX-3)
 * @param debits the prepaid balance's debits (Team)
 */
public record SettlementPlan(
        List<Outcome> outcomes,
        List<NewEvent> events,
        Map<String, List<WindowUsage>> windowWrites,
        Map<MemberPeriod, SpendDelta> memberSpend,
        Map<String, SpendDelta> orgSpend,
        Map<DailyKey, DailySum> daily,
        List<BalanceDebit> debits) {

    /** What became of one report. */
    public sealed interface Outcome {
        record Settled(Settlement settlement) implements Outcome {}

        record Refused(SettlementRefusal refusal) implements Outcome {}
    }

    /**
     * What the settling transaction read.
     *
     * @param members the reports' members, locked ({@code removedAt} set for those who left)
     * @param stored the stored events with the reports' request ids
     * @param windows each member's current windows by name (changed by the plan's own charges)
     * @param allowances the included windows of each seat type the members hold
     */
    public record Inputs(
            Org org,
            List<PricedReport> reports,
            Map<String, Member> members,
            ExtraUsageSettings settings,
            Map<String, StoredEvent> stored,
            Map<String, Map<String, WindowUsage>> windows,
            Map<SeatType, List<WindowAllowance>> allowances) {}

    public static SettlementPlan of(Inputs in) {
        Builder plan = new Builder(in);
        in.reports().forEach(plan::settle);
        return plan.build();
    }

    /** The sum of the debits, which the balance loses. */
    public long debitTotalNanos() {
        long total = 0;
        for (BalanceDebit d : debits) {
            total = Math.addExact(total, d.amountNanos());
        }
        return total;
    }

    private static final class Builder {
        private final Inputs in;
        private final Map<String, StoredEvent> seen;
        private final Map<String, Map<String, WindowUsage>> windows = new HashMap<>();
        private final List<Outcome> outcomes = new ArrayList<>();
        private final List<NewEvent> events = new ArrayList<>();
        private final Map<MemberPeriod, SpendDelta> memberSpend = new LinkedHashMap<>();
        private final Map<String, SpendDelta> orgSpend = new LinkedHashMap<>();
        private final Map<DailyKey, DailySum> daily = new HashMap<>();
        private final List<BalanceDebit> debits = new ArrayList<>();

        Builder(Inputs in) {
            this.in = in;
            this.seen = new HashMap<>(in.stored());
        }

        void settle(PricedReport priced) {
            UsageReport report = priced.report();
            String hash = report.contentHash();
            StoredEvent previous = seen.get(report.requestId());
            if (previous != null) {
                outcomes.add(
                        previous.contentHash().equals(hash)
                                ? new Outcome.Settled(previous.settlement().asDuplicate())
                                : refused(
                                        SettlementRefusal.Kind.CONFLICT,
                                        "Request id '"
                                                + report.requestId()
                                                + "' was already reported with different content;"
                                                + " the first report stands."));
                return;
            }
            Member member = in.members().get(report.memberId());
            if (member == null) {
                outcomes.add(
                        new Outcome.Refused(
                                SettlementRefusal.memberUnknown(in.org().id(), report.memberId())));
                return;
            }
            if (member.removed() && report.timestamp().isAfter(member.removedAt())) {
                // EX-13: a request in flight when they left is still billed; nothing after it.
                outcomes.add(
                        refused(
                                SettlementRefusal.Kind.MEMBER_LEFT,
                                "Member '"
                                        + report.memberId()
                                        + "' left organisation '"
                                        + in.org().id()
                                        + "' at "
                                        + member.removedAt()
                                        + "; usage after that is not accepted."));
                return;
            }
            long cost = CostCalculator.costNanos(priced.price(), report.usage());
            SettlementSplit split = split(member, report, cost);
            Invariant.holds(
                    split.includedNanos() + split.extraNanos() == cost
                            && split.includedNanos() >= 0
                            && split.extraNanos() >= 0,
                    "included + extra = cost, neither negative",
                    report.requestId());
            String period = BillingPeriod.containing(report.timestamp(), in.org().timeZone()).key();
            Settlement settlement =
                    new Settlement(
                            report.requestId(),
                            cost,
                            split.includedNanos(),
                            split.extraNanos(),
                            false);
            NewEvent event =
                    new NewEvent(
                            report,
                            priced.price().model(),
                            member.seatType(),
                            period,
                            hash,
                            settlement);
            record(member, event, split);
            seen.put(report.requestId(), new StoredEvent(hash, settlement));
            outcomes.add(new Outcome.Settled(settlement));
        }

        /** XU-19: included first, the rest extra when eligible; usage-based orgs pay it all. */
        private SettlementSplit split(Member member, UsageReport report, long cost) {
            if (in.org().plan() == Plan.ENTERPRISE_USAGE) {
                return new SettlementSplit(0, cost);
            }
            List<WindowAllowance> allowances =
                    member.seatType() == null
                            ? List.of()
                            : in.allowances().getOrDefault(member.seatType(), List.of());
            Map<String, WindowUsage> current =
                    windows.computeIfAbsent(
                            member.id(),
                            id -> new HashMap<>(in.windows().getOrDefault(id, Map.of())));
            long remaining =
                    IncludedUsage.remainingNanos(
                            IncludedUsage.at(allowances, current, report.timestamp()));
            SettlementSplit split =
                    SettlementSplit.of(
                            cost, remaining, in.settings().eligible(member.extraUsageOverride()));
            for (WindowUsage window :
                    IncludedUsage.charge(
                            allowances, current, report.timestamp(), split.includedNanos())) {
                Invariant.holds(window.usedNanos() >= 0, "window use never negative", window);
                current.put(window.name(), window);
            }
            return split;
        }

        private void record(Member member, NewEvent event, SettlementSplit split) {
            events.add(event);
            memberSpend.merge(
                    new MemberPeriod(member.id(), event.period()),
                    SpendDelta.NONE.plus(split),
                    (a, b) -> a.plus(split));
            orgSpend.merge(event.period(), SpendDelta.NONE.plus(split), (a, b) -> a.plus(split));
            UsageReport r = event.report();
            DailyKey day =
                    new DailyKey(
                            r.timestamp().atZone(in.org().timeZone()).toLocalDate(),
                            r.memberId(),
                            member.seatType() == null ? "" : member.seatType().name(),
                            r.product(),
                            event.canonicalModel());
            daily.merge(day, DailySum.NONE.plus(event), (a, b) -> a.plus(event));
            if (in.org().plan() == Plan.TEAM && split.extraNanos() > 0) {
                debits.add(
                        new BalanceDebit(
                                r.timestamp(), split.extraNanos(), r.requestId(), r.memberId()));
            }
        }

        private static Outcome refused(SettlementRefusal.Kind kind, String message) {
            return new Outcome.Refused(new SettlementRefusal(kind, message));
        }

        SettlementPlan build() {
            Map<String, List<WindowUsage>> windowWrites = new LinkedHashMap<>();
            windows.forEach((id, byName) -> windowWrites.put(id, List.copyOf(byName.values())));
            SettlementPlan plan =
                    new SettlementPlan(
                            List.copyOf(outcomes),
                            List.copyOf(events),
                            windowWrites,
                            memberSpend,
                            orgSpend,
                            daily,
                            List.copyOf(debits));
            long extra = 0;
            for (NewEvent e : events) {
                extra = Math.addExact(extra, e.settlement().extraNanos());
            }
            long orgExtra = 0;
            for (SpendDelta d : orgSpend.values()) {
                orgExtra = Math.addExact(orgExtra, d.extraNanos());
            }
            Invariant.holds(
                    orgExtra == extra, "the org's spend deltas add up to the events' extra");
            Invariant.holds(
                    in.org().plan() != Plan.TEAM || plan.debitTotalNanos() == extra,
                    "a Team org's debits add up to the events' extra");
            return plan;
        }
    }
}
