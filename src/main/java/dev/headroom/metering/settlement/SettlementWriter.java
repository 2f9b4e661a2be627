package dev.headroom.metering.settlement;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.core.StateChanges;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.metering.ExtraSpendSettled;
import dev.headroom.metering.MeteringMetrics;
import dev.headroom.metering.admission.SettledFigures;
import dev.headroom.metering.holds.HoldStore;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.SettlementRows.BalanceDebit;
import dev.headroom.metering.rules.SettlementRows.MemberPeriod;
import dev.headroom.metering.rules.SettlementRows.NewEvent;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Applies a {@link SettlementPlan} in the caller's transaction: events, daily sums, windows, member
 * and org spend in one statement ({@link GroupWrite}), the Team balance's debits (and a reload that
 * a crossing starts, XU-6). Spend that reached a cap is announced for the alerts (EX-8).
 */
@Component
public class SettlementWriter {
    private final GroupWrite rows;
    private final BalanceLedger ledger;
    private final AutoReloads autoReloads;
    private final StateChanges changes;
    private final ApplicationEventPublisher spendEvents;
    private final JdbcClient jdbc;
    private final HoldStore holds;
    private final MeteringMetrics metrics;

    public SettlementWriter(
            GroupWrite rows,
            BalanceLedger ledger,
            AutoReloads autoReloads,
            StateChanges changes,
            ApplicationEventPublisher spendEvents,
            JdbcClient jdbc,
            HoldStore holds,
            MeteringMetrics metrics) {
        this.holds = holds;
        this.metrics = metrics;
        this.rows = rows;
        this.ledger = ledger;
        this.autoReloads = autoReloads;
        this.changes = changes;
        this.spendEvents = spendEvents;
        this.jdbc = jdbc;
    }

    /**
     * Writes the plans of a group, in org id order, its usage rows in one statement for all of its
     * orgs (issue 15). Answers {@code false}, having written nothing else, when one of the request
     * ids was stored before: the caller rolls back and plans again with the stored rows.
     */
    public boolean apply(List<PlannedOrg> group) {
        List<PlannedOrg> writing =
                group.stream().filter(o -> !o.plan().events().isEmpty()).toList();
        if (writing.isEmpty()) {
            return true;
        }
        // Told when the transaction ends; on commit, with the figures its writes returned.
        Map<String, Settled> settled = new HashMap<>();
        writing.forEach(o -> tellStateChanged(o, settled));
        Optional<GroupWrite.Written> written = rows.apply(writing);
        if (written.isEmpty()) {
            return false;
        }
        writing.stream()
                .filter(o -> o.inputs().settings().strict())
                .forEach(o -> releaseHolds(o.org(), o.plan().events()));
        Map<String, Map<MemberPeriod, Long>> memberAfter = written.get().memberExtra();
        Map<String, Map<String, Long>> orgAfter = written.get().orgExtra();
        for (PlannedOrg o : writing) {
            Map<MemberPeriod, Long> membersAfter = memberAfter.get(o.orgId());
            Map<String, Long> orgPeriodsAfter = orgAfter.get(o.orgId());
            settled.put(
                    o.orgId(), Settled.of(o, written.get().xid(), membersAfter, orgPeriodsAfter));
            announceSpend(o, membersAfter, orgPeriodsAfter);
            if (o.org().plan() == Plan.TEAM && !o.plan().debits().isEmpty()) {
                debit(o.org(), o.plan(), o.now());
            }
        }
        return true;
    }

    /** Spend of the current period that grew is told to the cap alerts (EX-8). */
    private void announceSpend(
            PlannedOrg o, Map<MemberPeriod, Long> memberAfter, Map<String, Long> orgAfter) {
        Org org = o.org();
        ExtraUsageSettings settings = o.inputs().settings();
        String currentPeriod = BillingPeriod.containing(o.now(), org.timeZone()).key();
        o.plan()
                .memberSpend()
                .forEach((key, delta) -> {
                    if (delta.extraNanos() > 0 && key.period().equals(currentPeriod)) {
                        long after = memberAfter.get(key);
                        spendEvents.publishEvent(
                                new ExtraSpendSettled(
                                        org.id(),
                                        key.memberId(),
                                        key.period(),
                                        after - delta.extraNanos(),
                                        after,
                                        settings.capOf(
                                                        org.plan(),
                                                        o.inputs().members().get(key.memberId()))
                                                .capNanos()));
                    }
                });
        o.plan()
                .orgSpend()
                .forEach((period, delta) -> {
                    long after = orgAfter.get(period);
                    if (delta.extraNanos() > 0 && period.equals(currentPeriod)) {
                        spendEvents.publishEvent(
                                new ExtraSpendSettled(
                                        org.id(),
                                        null,
                                        period,
                                        after - delta.extraNanos(),
                                        after,
                                        settings.spendLimitNanos()));
                    }
                });
    }

    /**
     * EX-1: the settled requests' holds end in the transaction that charges them. A request that
     * cost more than its hold (an estimate too low) is charged in full and counted.
     */
    private void releaseHolds(Org org, List<NewEvent> written) {
        Map<String, Long> released =
                holds.release(org.id(), written.stream().map(e -> e.report().requestId()).toList());
        for (NewEvent e : written) {
            Long held = released.get(e.report().requestId());
            if (held != null && e.settlement().costNanos() > held) {
                metrics.holdExceeded();
            }
        }
    }

    /** For the caller's transaction: its commit returns before its WAL reaches the disk. */
    public void commitWithoutWaitingForDisk() {
        jdbc.sql("set local synchronous_commit = off").update();
    }

    /**
     * Before the writes: told when the transaction ends, before anyone is answered (XU-18) — once
     * committed, with what the writes left, so this node's admission state is brought up to date
     * instead of being read again (issue 14).
     */
    private void tellStateChanged(PlannedOrg o, Map<String, Settled> settled) {
        String orgId = o.orgId();
        changes.orgSettled(
                orgId, () -> settled.containsKey(orgId) ? settled.get(orgId).org() : null);
        o.plan().events().stream()
                .map(e -> e.report().memberId())
                .distinct()
                .forEach(id ->
                        changes.memberSettled(
                                orgId,
                                id,
                                () ->
                                        settled.containsKey(orgId)
                                                ? settled.get(orgId).member(id)
                                                : null));
    }

    /** One org's figures after the writes of its plan, in the transaction {@code xid}. */
    private record Settled(
            PlannedOrg o,
            long xid,
            Map<String, Map<String, Long>> memberExtra,
            Map<String, Long> orgExtra) {
        static Settled of(
                PlannedOrg o,
                long xid,
                Map<MemberPeriod, Long> memberAfter,
                Map<String, Long> orgAfter) {
            Map<String, Map<String, Long>> byMember = new HashMap<>();
            memberAfter.forEach((key, after) ->
                    byMember.computeIfAbsent(key.memberId(), m -> new HashMap<>())
                            .put(key.period(), after));
            return new Settled(o, xid, byMember, orgAfter);
        }

        /** {@code null} when a Team balance was debited: the balance is not among the figures. */
        SettledFigures.Org org() {
            return o.plan().debits().isEmpty() ? new SettledFigures.Org(xid, orgExtra) : null;
        }

        SettledFigures.Member member(String memberId) {
            return new SettledFigures.Member(
                    xid,
                    memberExtra.getOrDefault(memberId, Map.of()),
                    o.plan().windowWrites().getOrDefault(memberId, List.of()));
        }
    }

    /** XU-19: extra usage is debited from the prepaid balance; a reload may start (XU-6). */
    private void debit(Org org, SettlementPlan plan, Instant now) {
        List<BalanceLedger.NewEntry> entries =
                plan.debits().stream()
                        .map((BalanceDebit d) ->
                                new BalanceLedger.NewEntry(
                                        d.at(),
                                        "USAGE",
                                        Money.ofNanos(-d.amountNanos()),
                                        d.requestId(),
                                        d.memberId()))
                        .toList();
        long after = ledger.appendAll(org.id(), entries).nanos();
        autoReloads.afterDebits(org, after + plan.debitTotalNanos(), after, now);
    }
}
