package dev.headroom.metering;

import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.metering.allowances.IncludedAllowances;
import dev.headroom.metering.rules.EffectiveCap;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.IncludedUsage;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementSplit;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.metering.settlement.GroupCommit;
import dev.headroom.metering.settlement.UsageEvents;
import dev.headroom.metering.settlement.UsageStore;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import dev.headroom.pricing.CostCalculator;
import dev.headroom.pricing.PriceBookService;
import dev.headroom.pricing.PriceVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-17 – XU-19: settles usage reports. A batch is one transaction: the usage events (unique per
 * org and request id), the windows, member and org spend counters and the Team balance debits are
 * written together, and the caller is answered only after the commit (EX-10).
 */
@Service
public class SettlementService {
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int MAX_BATCH = 1_000;
    private static final int RACE_RETRIES = 3;

    private final OrgService orgs;
    private final MemberService members;
    private final PriceBookService prices;
    private final ExtraUsageSettingsService settings;
    private final IncludedAllowances allowances;
    private final UsageStore usage;
    private final UsageEvents events;
    private final BalanceLedger ledger;
    private final dev.headroom.credits.AutoReloads autoReloads;
    private final TransactionTemplate tx;
    private final org.springframework.context.ApplicationEventPublisher spendEvents;
    private final dev.headroom.core.StateChanges changes;
    private final GroupCommit<Queued> groups = new GroupCommit<>(MAX_BATCH);
    // Off: one transaction per single settlement (the naive baseline of the load benchmark).
    private final boolean groupCommit;

    public SettlementService(
            OrgService orgs,
            MemberService members,
            PriceBookService prices,
            ExtraUsageSettingsService settings,
            IncludedAllowances allowances,
            UsageStore usage,
            UsageEvents events,
            BalanceLedger ledger,
            dev.headroom.credits.AutoReloads autoReloads,
            TransactionTemplate tx,
            org.springframework.context.ApplicationEventPublisher spendEvents,
            dev.headroom.core.StateChanges changes,
            @org.springframework.beans.factory.annotation.Value(
                            "${headroom.settlement.group-commit:true}")
                    boolean groupCommit) {
        this.orgs = orgs;
        this.members = members;
        this.prices = prices;
        this.settings = settings;
        this.allowances = allowances;
        this.usage = usage;
        this.events = events;
        this.ledger = ledger;
        this.autoReloads = autoReloads;
        this.tx = tx;
        this.spendEvents = spendEvents;
        this.changes = changes;
        this.groupCommit = groupCommit;
    }

    /**
     * Settles one report, committed together with the concurrent reports of the same org (see
     * {@link GroupCommit}); answered only after that commit. A refusal of this report (its member
     * unknown, its request id reused with other content) is this report's alone.
     */
    public Settlement settle(UsageReport report) {
        if (!groupCommit) {
            return settleAlone(List.of(report)).getFirst();
        }
        return settleGrouped(List.of(report), false).getFirst();
    }

    /**
     * Settles all reports or none; answers in the order given. Concurrent batches and single
     * reports of one org are committed together like {@link #settle}; a refused report refuses its
     * whole batch, never the others of the group.
     */
    public List<Settlement> settleAll(List<UsageReport> reports) {
        if (reports.isEmpty()) {
            throw ApiException.validation("items must hold at least one usage report.");
        }
        if (reports.size() > MAX_BATCH) {
            throw ApiException.validation("A batch holds at most " + MAX_BATCH + " usage reports.");
        }
        return groupCommit ? settleGrouped(reports, true) : settleAlone(reports);
    }

    /** Reports waiting for their group's commit: a single report, or a whole batch. */
    private record Queued(
            List<UsageReport> reports,
            Map<UsageReport, PriceVersion> priced,
            boolean allOrNothing,
            CompletableFuture<List<Settlement>> answer)
            implements GroupCommit.Item<List<Settlement>> {
        @Override
        public int weight() {
            return reports.size();
        }
    }

    private List<Settlement> settleGrouped(List<UsageReport> reports, boolean allOrNothing) {
        Org org = orgs.require(reports.getFirst().orgId());
        Queued queued =
                new Queued(
                        reports,
                        validateAndPrice(org, reports),
                        allOrNothing,
                        new CompletableFuture<>());
        groups.submit(org.id(), queued, this::commitGroup);
        try {
            return queued.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The naive path: one transaction of its own (the load benchmark's baseline). */
    private List<Settlement> settleAlone(List<UsageReport> reports) {
        Org org = orgs.require(reports.getFirst().orgId());
        Map<UsageReport, PriceVersion> priced = validateAndPrice(org, reports);
        return inTransaction(() -> {
            List<Settlement> settled = new ArrayList<>(reports.size());
            for (Outcome outcome : settleInTransaction(org, reports, priced)) {
                switch (outcome) {
                    case Settled ok -> settled.add(ok.settlement());
                    case Refused refused -> throw refused.reason();
                }
            }
            return settled;
        });
    }

    private Map<UsageReport, PriceVersion> validateAndPrice(Org org, List<UsageReport> reports) {
        Instant now = orgs.now(org);
        Map<UsageReport, PriceVersion> priced = new HashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            UsageReport report = reports.get(i);
            validate(report, org.id(), now, reports.size() > 1 ? "items[" + i + "]: " : "");
            priced.put(report, prices.priceAt(report.model(), report.timestamp()));
        }
        return priced;
    }

    /**
     * One transaction for the group; each single report answered on its own, each batch as a whole.
     * A batch with a refused report rolls the group's transaction back and the group is committed
     * again without it: only the first refused batch is taken out each time, because a later
     * batch's refusal may stem from an earlier batch's request id.
     */
    private void commitGroup(List<Queued> group) {
        Org org = orgs.require(group.getFirst().reports().getFirst().orgId());
        List<Queued> pending = new ArrayList<>(group);
        while (!pending.isEmpty()) {
            List<Queued> round = List.copyOf(pending);
            List<UsageReport> reports = new ArrayList<>();
            Map<UsageReport, PriceVersion> priced = new HashMap<>();
            round.forEach(q -> {
                reports.addAll(q.reports());
                priced.putAll(q.priced());
            });
            List<Outcome> outcomes;
            try {
                outcomes =
                        inTransaction(() -> {
                            List<Outcome> all = settleInTransaction(org, reports, priced);
                            refuseFirstFailedBatch(round, all);
                            return all;
                        });
            } catch (BatchRefused refused) {
                refused.batch().answer().completeExceptionally(refused.reason());
                pending.remove(refused.batch());
                continue;
            }
            answer(round, outcomes);
            pending.clear();
        }
    }

    private static void refuseFirstFailedBatch(List<Queued> round, List<Outcome> outcomes) {
        int at = 0;
        for (Queued q : round) {
            if (q.allOrNothing()) {
                for (Outcome o : outcomes.subList(at, at + q.reports().size())) {
                    if (o instanceof Refused refused) {
                        throw new BatchRefused(q, refused.reason());
                    }
                }
            }
            at += q.reports().size();
        }
    }

    private static void answer(List<Queued> round, List<Outcome> outcomes) {
        int at = 0;
        for (Queued q : round) {
            List<Settlement> settled = new ArrayList<>(q.reports().size());
            for (Outcome o : outcomes.subList(at, at + q.reports().size())) {
                switch (o) {
                    case Settled ok -> settled.add(ok.settlement());
                    // Only a single report gets here refused: a refused batch was taken out.
                    case Refused refused -> q.answer().completeExceptionally(refused.reason());
                }
            }
            q.answer().complete(settled);
            at += q.reports().size();
        }
    }

    /** Rolls a group's transaction back because one of its batches has a refused report. */
    private static final class BatchRefused extends RuntimeException {
        private final transient Queued batch;
        private final ApiException reason;

        BatchRefused(Queued batch, ApiException reason) {
            super(null, null, false, false);
            this.batch = batch;
            this.reason = reason;
        }

        Queued batch() {
            return batch;
        }

        ApiException reason() {
            return reason;
        }
    }

    /** What became of one report of a group or batch. */
    private sealed interface Outcome {}

    private record Settled(Settlement settlement) implements Outcome {}

    private record Refused(ApiException reason) implements Outcome {}

    private <R> R inTransaction(java.util.function.Supplier<R> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> work.get());
            } catch (UsageEvents.ConcurrentInsert race) {
                // Another transaction stored one of these request ids first; the retry answers it
                // as a duplicate (or a conflict) from the stored row.
                if (attempt == RACE_RETRIES) {
                    throw ApiException.conflict(
                            "The same request id is being settled concurrently; retry.");
                }
            }
        }
    }

    /**
     * Settles the reports in the caller's transaction. A refused report is refused before it
     * changes anything, so the others can still be committed (a group) or all rolled back (a
     * batch).
     */
    private List<Outcome> settleInTransaction(
            Org org, List<UsageReport> reports, Map<UsageReport, PriceVersion> priced) {
        Set<String> memberIds = new TreeSet<>();
        reports.forEach(r -> memberIds.add(r.memberId()));
        Map<String, Member> locked = new HashMap<>();
        members.lockAll(org.id(), List.copyOf(memberIds)).forEach(m -> locked.put(m.id(), m));
        ExtraUsageSettings s = settings.get(org.id());
        Map<String, UsageEvents.Stored> stored =
                events.find(org.id(), reports.stream().map(UsageReport::requestId).toList());
        Map<SeatType, List<WindowAllowance>> allowanceBySeat = new EnumMap<>(SeatType.class);
        Map<String, Map<String, WindowUsage>> windowsByMember =
                org.plan() == Plan.ENTERPRISE_USAGE
                        ? new HashMap<>()
                        : usage.windows(org.id(), locked.keySet());
        Set<String> charged = new HashSet<>();
        Map<UsageStore.MemberPeriod, long[]> memberPeriodDeltas = new LinkedHashMap<>();
        Map<String, long[]> orgPeriodDeltas = new LinkedHashMap<>();
        List<UsageEvents.NewEvent> newEvents = new ArrayList<>();
        List<Outcome> results = new ArrayList<>(reports.size());

        for (UsageReport report : reports) {
            String hash = report.contentHash();
            UsageEvents.Stored previous = stored.get(report.requestId());
            if (previous != null) {
                results.add(
                        previous.contentHash().equals(hash)
                                ? new Settled(previous.settlement().asDuplicate())
                                : new Refused(
                                        ApiException.conflict(
                                                "Request id '"
                                                        + report.requestId()
                                                        + "' was already reported with different content; the first report stands.")));
                continue;
            }
            Member member = locked.get(report.memberId());
            if (member == null) {
                results.add(
                        new Refused(
                                ApiException.notFound(
                                        "Member '"
                                                + report.memberId()
                                                + "' does not exist in organisation '"
                                                + org.id()
                                                + "'.")));
                continue;
            }
            if (member.removed() && report.timestamp().isAfter(member.removedAt())) {
                // EX-13: a request in flight when they left is still billed; nothing after it.
                results.add(
                        new Refused(
                                ApiException.notFound(
                                        "Member '"
                                                + report.memberId()
                                                + "' left organisation '"
                                                + org.id()
                                                + "' at "
                                                + member.removedAt()
                                                + "; usage after that is not accepted.")));
                continue;
            }
            List<WindowAllowance> windowAllowances =
                    member.seatType() == null
                            ? List.of()
                            : allowanceBySeat.computeIfAbsent(
                                    member.seatType(), seat -> allowances.forSeat(org.id(), seat));
            Map<String, WindowUsage> windows = windowsByMember.get(member.id());
            long cost = CostCalculator.costNanos(priced.get(report), report.usage());
            SettlementSplit split;
            if (org.plan() == Plan.ENTERPRISE_USAGE) {
                split = new SettlementSplit(0, cost);
            } else {
                long remaining =
                        IncludedUsage.remainingNanos(
                                IncludedUsage.at(windowAllowances, windows, report.timestamp()));
                split =
                        SettlementSplit.of(
                                cost, remaining, s.eligible(member.extraUsageOverride()));
                for (WindowUsage window :
                        IncludedUsage.charge(
                                windowAllowances,
                                windows,
                                report.timestamp(),
                                split.includedNanos())) {
                    windows.put(window.name(), window);
                }
                charged.add(member.id());
            }
            String period = BillingPeriod.containing(report.timestamp(), org.timeZone()).key();
            add(memberPeriodDeltas, new UsageStore.MemberPeriod(member.id(), period), split);
            add(orgPeriodDeltas, period, split);
            Settlement settlement =
                    new Settlement(
                            report.requestId(),
                            cost,
                            split.includedNanos(),
                            split.extraNanos(),
                            false);
            newEvents.add(
                    new UsageEvents.NewEvent(
                            report,
                            priced.get(report).model(),
                            member.seatType(),
                            period,
                            hash,
                            settlement));
            stored.put(report.requestId(), new UsageEvents.Stored(hash, settlement));
            results.add(new Settled(settlement));
        }

        Instant receivedAt = orgs.now(org);
        if (!newEvents.isEmpty()) {
            changes.orgChanged(org.id());
            newEvents.stream()
                    .map(e -> e.report().memberId())
                    .distinct()
                    .forEach(id -> changes.memberChanged(org.id(), id));
        }
        events.insertAll(org.id(), newEvents, receivedAt);
        usage.addDaily(org.id(), dailySums(org, newEvents));
        Map<String, Collection<WindowUsage>> changedWindows = new HashMap<>();
        charged.forEach(id -> changedWindows.put(id, windowsByMember.get(id).values()));
        usage.saveWindows(org.id(), changedWindows);
        String currentPeriod = BillingPeriod.containing(receivedAt, org.timeZone()).key();
        Map<UsageStore.MemberPeriod, Long> spendAfter =
                usage.addMemberSpend(org.id(), memberPeriodDeltas);
        memberPeriodDeltas.forEach((key, d) -> {
            if (d[1] > 0 && key.period().equals(currentPeriod)) {
                long after = spendAfter.get(key);
                EffectiveCap cap = s.capOf(org.plan(), locked.get(key.memberId()));
                spendEvents.publishEvent(
                        new ExtraSpendSettled(
                                org.id(),
                                key.memberId(),
                                key.period(),
                                after - d[1],
                                after,
                                cap.capNanos()));
            }
        });
        orgPeriodDeltas.forEach((period, d) -> {
            long after = usage.addOrgSpend(org.id(), period, d[0], d[1]);
            if (d[1] > 0 && period.equals(currentPeriod)) {
                spendEvents.publishEvent(
                        new ExtraSpendSettled(
                                org.id(), null, period, after - d[1], after, s.spendLimitNanos()));
            }
        });
        if (org.plan() == Plan.TEAM) {
            debitBalance(org, newEvents, receivedAt);
        }
        return results;
    }

    /** The batch's events summed per local day, member, seat type, product and model (EX-3). */
    private static Map<UsageStore.DailyKey, long[]> dailySums(
            Org org, List<UsageEvents.NewEvent> newEvents) {
        Map<UsageStore.DailyKey, long[]> sums = new HashMap<>();
        for (UsageEvents.NewEvent e : newEvents) {
            UsageReport r = e.report();
            UsageStore.DailyKey key =
                    new UsageStore.DailyKey(
                            r.timestamp().atZone(org.timeZone()).toLocalDate(),
                            r.memberId(),
                            e.seatType() == null ? "" : e.seatType().name(),
                            r.product(),
                            e.canonicalModel());
            long[] v = sums.computeIfAbsent(key, k -> new long[9]);
            long[] add = {
                1,
                e.settlement().includedNanos(),
                e.settlement().extraNanos(),
                r.usage().inputTokens(),
                r.usage().outputTokens(),
                r.usage().cacheWrite5mTokens(),
                r.usage().cacheWrite1hTokens(),
                r.usage().cacheReadTokens(),
                r.usage().webSearchRequests()
            };
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.addExact(v[i], add[i]);
            }
        }
        return sums;
    }

    /** XU-19: extra usage is debited from the prepaid balance; a reload may start (XU-6). */
    private void debitBalance(Org org, List<UsageEvents.NewEvent> newEvents, Instant now) {
        List<BalanceLedger.NewEntry> debits = new ArrayList<>();
        long total = 0;
        for (UsageEvents.NewEvent event : newEvents) {
            long extra = event.settlement().extraNanos();
            if (extra > 0) {
                debits.add(
                        new BalanceLedger.NewEntry(
                                event.report().timestamp(),
                                "USAGE",
                                Money.ofNanos(-extra),
                                event.report().requestId(),
                                event.report().memberId()));
                total = Math.addExact(total, extra);
            }
        }
        if (!debits.isEmpty()) {
            long after = ledger.appendAll(org.id(), debits).nanos();
            autoReloads.afterDebits(org, after + total, after, now);
        }
    }

    private static <K> void add(Map<K, long[]> deltas, K key, SettlementSplit split) {
        long[] d = deltas.computeIfAbsent(key, k -> new long[2]);
        d[0] = Math.addExact(d[0], split.includedNanos());
        d[1] = Math.addExact(d[1], split.extraNanos());
    }

    private static void validate(UsageReport report, String orgId, Instant now, String where) {
        if (report.requestId() == null
                || report.requestId().isBlank()
                || report.requestId().length() > 200) {
            throw ApiException.validation(where + "requestId is required (1 to 200 characters).");
        }
        if (!orgId.equals(report.orgId())) {
            throw ApiException.validation(
                    where + "all items of a batch must belong to one organisation.");
        }
        if (report.memberId() == null) {
            throw ApiException.validation(where + "memberId is required.");
        }
        try {
            AdmissionService.checkProduct(report.product());
        } catch (ApiException e) {
            throw ApiException.validation(where + e.getMessage());
        }
        if (report.timestamp() == null) {
            throw ApiException.validation(where + "timestamp is required.");
        }
        if (report.timestamp().isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw ApiException.validation(
                    where
                            + "timestamp "
                            + report.timestamp()
                            + " is more than 5 minutes ahead of the organisation's clock ("
                            + now
                            + ").");
        }
        if (report.usage() == null) {
            throw ApiException.validation(where + "usage is required.");
        }
    }
}
