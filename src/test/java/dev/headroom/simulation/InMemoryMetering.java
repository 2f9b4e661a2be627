package dev.headroom.simulation;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.IncludedUsage;
import dev.headroom.metering.rules.RequestLink;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.SettlementRows.MemberPeriod;
import dev.headroom.metering.rules.SettlementRows.NewEvent;
import dev.headroom.metering.rules.SettlementRows.StoredEvent;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import dev.headroom.pricing.PriceVersion;
import dev.headroom.pricing.TokenPrices;
import dev.headroom.pricing.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One org's metering with Headroom's own pure rules and nothing else: {@link SettlementPlan} for
 * settlement, {@link MemberState#admission()} (so {@code AdmissionPolicy}) for admission, and maps
 * in place of the tables the writer fills. The plan-level simulation runs it against {@link
 * ReferenceModel} at millions of operations.
 */
final class InMemoryMetering {
    static final Instant PRICED_FROM = Instant.parse("2020-01-01T00:00:00Z");
    static final Map<String, PriceVersion> PRICES = new HashMap<>();

    static {
        ReferenceModel.PRICES.forEach((model, nanos) ->
                PRICES.put(
                        model,
                        new PriceVersion(
                                model,
                                PRICED_FROM,
                                new TokenPrices(nanos[0], nanos[1], 0, 0, 0),
                                null,
                                0,
                                50)));
    }

    private Org org;
    private ExtraUsageSettings settings;
    private final Map<String, Member> members = new HashMap<>();
    private final Map<SeatType, List<WindowAllowance>> allowances = new EnumMap<>(SeatType.class);
    private final Map<String, StoredEvent> stored = new HashMap<>();
    private final Map<String, Map<String, WindowUsage>> windows = new HashMap<>();
    private final Map<MemberPeriod, Long> memberExtra = new HashMap<>();
    private final Map<String, Long> orgExtra = new HashMap<>();
    private long balance;

    InMemoryMetering(boolean team, ZoneId zone, Instant now, Map<String, Long> sessionAllowance) {
        org =
                new Org(
                        "org_sim",
                        "Simulated",
                        team ? Plan.TEAM : Plan.ENTERPRISE_SEAT,
                        "USD",
                        zone,
                        true,
                        now,
                        false);
        settings = new ExtraUsageSettings(true, ExtraUsageScope.ORG, true, false, null, null, null);
        sessionAllowance.forEach((seat, nanos) ->
                allowances.put(
                        SeatType.valueOf(seat),
                        List.of(
                                new WindowAllowance("session", Duration.ofHours(5), nanos),
                                new WindowAllowance("weekly", Duration.ofDays(7), nanos * 8))));
    }

    Instant now() {
        return org.testClockNow();
    }

    void advanceTo(Instant to) {
        org =
                new Org(
                        org.id(),
                        org.name(),
                        org.plan(),
                        org.currency(),
                        org.timeZone(),
                        true,
                        to,
                        false);
    }

    void addMember(String id, String seat) {
        members.put(
                id,
                new Member(
                        org.id(),
                        id,
                        id + "@sim.example",
                        id,
                        dev.headroom.organization.Role.MEMBER,
                        SeatType.valueOf(seat),
                        null,
                        null));
    }

    void changeMember(String id, String seat, Boolean extraSwitch, Long capNanos, boolean setCap) {
        Member m = members.get(id);
        members.put(
                id,
                new Member(
                        m.orgId(),
                        m.id(),
                        m.email(),
                        m.name(),
                        m.role(),
                        seat == null ? m.seatType() : SeatType.valueOf(seat),
                        extraSwitch == null ? m.extraUsageOverride() : extraSwitch,
                        setCap
                                ? (capNanos == null ? null : Money.ofNanos(capNanos))
                                : m.spendLimit()));
    }

    void settings(ExtraUsageSettings changed) {
        settings = changed;
    }

    ExtraUsageSettings settings() {
        return settings;
    }

    void purchase(long nanos) {
        balance = Math.addExact(balance, nanos);
    }

    /** Settles reports as one group (a batch, all or nothing), and applies what it plans. */
    List<SettlementPlan.Outcome> settle(List<UsageReport> reports) {
        List<PricedReport> priced =
                reports.stream().map(r -> new PricedReport(r, PRICES.get(r.model()))).toList();
        SettlementPlan plan =
                SettlementPlan.of(
                        new SettlementPlan.Inputs(
                                org, priced, members, settings, stored, windows, allowances));
        if (reports.size() > 1
                && plan.outcomes().stream()
                        .anyMatch(o -> o instanceof SettlementPlan.Outcome.Refused)) {
            return plan.outcomes();
        }
        apply(plan);
        return plan.outcomes();
    }

    /** What the writer does to the tables, done to the maps. */
    private void apply(SettlementPlan plan) {
        for (NewEvent e : plan.events()) {
            stored.put(e.report().requestId(), new StoredEvent(e.contentHash(), e.settlement()));
        }
        plan.windowWrites()
                .forEach((memberId, written) -> {
                    Map<String, WindowUsage> byName = new HashMap<>();
                    written.forEach(w -> byName.put(w.name(), w));
                    windows.put(memberId, byName);
                });
        plan.memberSpend().forEach((key, d) -> memberExtra.merge(key, d.extraNanos(), Long::sum));
        plan.orgSpend().forEach((period, d) -> orgExtra.merge(period, d.extraNanos(), Long::sum));
        balance = Math.subtractExact(balance, plan.debitTotalNanos());
    }

    /** The member's state now, as admission and the usage view read it. */
    MemberState state(String memberId) {
        Instant now = now();
        BillingPeriod period = BillingPeriod.containing(now, org.timeZone());
        Member member = members.get(memberId);
        List<WindowAllowance> seatWindows = allowances.get(member.seatType());
        return new MemberState(
                org,
                member,
                settings,
                now,
                period,
                IncludedUsage.at(seatWindows, windows.getOrDefault(memberId, Map.of()), now),
                settings.capOf(org.plan(), member),
                memberExtra.getOrDefault(new MemberPeriod(memberId, period.key()), 0L),
                orgExtra.getOrDefault(period.key(), 0L),
                org.plan() == Plan.TEAM ? balance : null,
                new RequestLink(
                        org.plan() == Plan.ENTERPRISE_SEAT && settings.requestsEnabled(), false));
    }

    Admission admit(String memberId) {
        return state(memberId).admission();
    }

    long orgExtraNow() {
        return orgExtra.getOrDefault(BillingPeriod.containing(now(), org.timeZone()).key(), 0L);
    }

    long balance() {
        return balance;
    }

    static UsageReport report(
            String id, String memberId, String model, Instant at, long in, long out) {
        return new UsageReport(
                id,
                "org_sim",
                memberId,
                "CLAUDE_CODE",
                model,
                at,
                new TokenUsage(in, out, 0, 0, 0, 0, false));
    }
}
