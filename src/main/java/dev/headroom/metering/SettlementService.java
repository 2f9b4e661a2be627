package dev.headroom.metering;

import dev.headroom.core.StateChanges;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.SettlementRefusal;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.metering.rules.UsageReportRules;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.metering.settlement.GroupCommit;
import dev.headroom.metering.settlement.SettlementReads;
import dev.headroom.metering.settlement.SettlementWriter;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.pricing.PriceBook;
import dev.headroom.pricing.PriceBookService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-17 – XU-19: settles usage reports. Concurrent reports and batches of one org are committed
 * together in one transaction ({@link GroupCommit}): the transaction reads what the {@link
 * SettlementPlan} needs, the plan decides, the writer applies it, and each caller is answered only
 * after the commit (EX-10).
 */
@Service
public class SettlementService {
    /** The largest batch, and the largest group of reports committed together. */
    public static final int REPORTS_PER_GROUP_MAX = 1_000;

    private static final int RACE_RETRIES_MAX = 3;

    private final OrgService orgs;
    private final PriceBookService prices;
    private final ExtraUsageSettingsService settings;
    private final SettlementReads reads;
    private final SettlementWriter writer;
    private final TransactionTemplate tx;
    private final MeteringMetrics metrics;
    private final StateChanges changes;
    private final GroupCommit<Queued> groups = new GroupCommit<>(REPORTS_PER_GROUP_MAX);
    // The load benchmark's naive baseline: one transaction per call, no group commit.
    private final boolean naiveForBenchmark;

    public SettlementService(
            OrgService orgs,
            PriceBookService prices,
            ExtraUsageSettingsService settings,
            SettlementReads reads,
            SettlementWriter writer,
            TransactionTemplate tx,
            MeteringMetrics metrics,
            StateChanges changes,
            @Value("${headroom.benchmark.naive-settlement:false}") boolean naiveForBenchmark) {
        this.metrics = metrics;
        this.changes = changes;
        this.orgs = orgs;
        this.prices = prices;
        this.settings = settings;
        this.reads = reads;
        this.writer = writer;
        this.tx = tx;
        this.naiveForBenchmark = naiveForBenchmark;
    }

    /**
     * Settles one report, committed together with the concurrent reports of the same org; answered
     * only after that commit. A refusal of this report (its member unknown, its request id reused
     * with other content) is this report's alone.
     */
    public SettlementOutcome settle(UsageReport report) {
        return measured(settle(List.of(report), false, true));
    }

    /**
     * Settles one report that its caller has already made durable elsewhere and replays after a
     * crash (the gateway's journal): its group commits without waiting for the disk, unless the
     * group holds reports whose callers need that. PostgreSQL loses at most a suffix of such
     * commits, never one before a later synchronous commit, and the replay is idempotent.
     */
    public SettlementOutcome settleReplayable(UsageReport report) {
        return measured(settle(List.of(report), false, false));
    }

    /**
     * Settles all reports or none; answers in the order given. A refused report refuses its whole
     * batch, never the others of its group.
     */
    public SettlementOutcome settleAll(List<UsageReport> reports) {
        if (reports.isEmpty()) {
            return refusedInvalid("items must hold at least one usage report.");
        }
        if (reports.size() > REPORTS_PER_GROUP_MAX) {
            return refusedInvalid(
                    "A batch holds at most " + REPORTS_PER_GROUP_MAX + " usage reports.");
        }
        return measured(settle(reports, true, true));
    }

    private SettlementOutcome measured(SettlementOutcome outcome) {
        metrics.settled(outcome);
        return outcome;
    }

    /** Reports waiting for their group's commit: a single report, or a whole batch. */
    private record Queued(
            List<PricedReport> reports,
            boolean allOrNothing,
            boolean durableOnAnswer,
            CompletableFuture<SettlementOutcome> answer)
            implements GroupCommit.Item<SettlementOutcome> {
        @Override
        public int weight() {
            return reports.size();
        }
    }

    /** What one attempt at a group's transaction came to. */
    private sealed interface Round {
        record Committed(List<SettlementPlan.Outcome> outcomes) implements Round {}

        /** A batch with a refused report: taken out, and the rest tried again. */
        record BatchRefused(Queued batch, SettlementRefusal refusal) implements Round {}

        /** Another transaction stored one of the request ids first: tried again. */
        record Raced() implements Round {}
    }

    private SettlementOutcome settle(
            List<UsageReport> reports, boolean allOrNothing, boolean durableOnAnswer) {
        String orgId = reports.getFirst().orgId();
        Optional<Org> found = orgId == null ? Optional.empty() : orgs.find(orgId);
        if (found.isEmpty()) {
            return new SettlementOutcome.Refused(
                    new SettlementRefusal(
                            SettlementRefusal.Kind.UNKNOWN,
                            "Organisation '" + orgId + "' does not exist."));
        }
        Org org = found.get();
        Instant now = orgs.now(org);
        PriceBook book = prices.current();
        List<PricedReport> priced = new ArrayList<>(reports.size());
        for (int i = 0; i < reports.size(); i++) {
            String where = reports.size() > 1 ? "items[" + i + "]: " : "";
            switch (UsageReportRules.check(reports.get(i), org.id(), now, book, where)) {
                case UsageReportRules.Checked.Valid valid -> priced.add(valid.priced());
                case UsageReportRules.Checked.Invalid invalid -> {
                    return new SettlementOutcome.Refused(invalid.refusal());
                }
            }
        }
        Queued queued =
                new Queued(priced, allOrNothing, durableOnAnswer, new CompletableFuture<>());
        // Every caller, leader of its group or not, is answered only once the other nodes have
        // dropped what the commit changed (issue 15) — and no lane is held through that wait.
        changes.acknowledgedAfter(() -> {
            if (naiveForBenchmark) {
                commitGroup(List.of(queued));
            } else {
                groups.submit(org.id(), queued, this::commitGroup);
            }
            return null;
        });
        try {
            return queued.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * One transaction for the group; each single report answered on its own, each batch as a whole.
     * Only the first refused batch is taken out per attempt, because a later batch's refusal may
     * stem from an earlier batch's request id.
     */
    private void commitGroup(List<Queued> group) {
        Org org = orgs.require(group.getFirst().reports().getFirst().report().orgId());
        List<Queued> pending = new ArrayList<>(group);
        int races = 0;
        while (!pending.isEmpty()) {
            List<Queued> round = List.copyOf(pending);
            var timing = metrics.startGroup();
            Round outcome = tx.execute(status -> commitRound(org, round, status));
            metrics.group(round.stream().mapToInt(Queued::weight).sum(), timing);
            switch (outcome) {
                case Round.Committed committed -> {
                    answer(round, committed.outcomes());
                    pending.clear();
                }
                case Round.BatchRefused refused -> {
                    refused.batch()
                            .answer()
                            .complete(new SettlementOutcome.Refused(refused.refusal()));
                    pending.remove(refused.batch());
                }
                case Round.Raced raced -> {
                    if (++races == RACE_RETRIES_MAX) {
                        SettlementRefusal concurrent =
                                new SettlementRefusal(
                                        SettlementRefusal.Kind.CONCURRENT,
                                        "The same request id is being settled concurrently; retry.");
                        pending.forEach(q ->
                                q.answer().complete(new SettlementOutcome.Refused(concurrent)));
                        pending.clear();
                    }
                }
                case null -> throw new IllegalStateException("A settlement round had no outcome.");
            }
        }
    }

    private Round commitRound(Org org, List<Queued> round, TransactionStatus status) {
        List<PricedReport> reports = new ArrayList<>();
        round.forEach(q -> reports.addAll(q.reports()));
        if (round.stream().noneMatch(Queued::durableOnAnswer)) {
            writer.commitWithoutWaitingForDisk();
        }
        ExtraUsageSettings s = settings.get(org.id());
        SettlementPlan.Inputs inputs = reads.load(org, reports, s);
        SettlementPlan plan = SettlementPlan.of(inputs);
        Optional<Round.BatchRefused> refused = firstRefusedBatch(round, plan.outcomes());
        if (refused.isPresent()) {
            status.setRollbackOnly();
            return refused.get();
        }
        if (!writer.apply(org, plan, inputs.members(), s, orgs.now(org))) {
            status.setRollbackOnly();
            return new Round.Raced();
        }
        return new Round.Committed(plan.outcomes());
    }

    private static Optional<Round.BatchRefused> firstRefusedBatch(
            List<Queued> round, List<SettlementPlan.Outcome> outcomes) {
        int at = 0;
        for (Queued q : round) {
            if (q.allOrNothing()) {
                for (SettlementPlan.Outcome o : outcomes.subList(at, at + q.reports().size())) {
                    if (o instanceof SettlementPlan.Outcome.Refused refused) {
                        return Optional.of(new Round.BatchRefused(q, refused.refusal()));
                    }
                }
            }
            at += q.reports().size();
        }
        return Optional.empty();
    }

    private static void answer(List<Queued> round, List<SettlementPlan.Outcome> outcomes) {
        int at = 0;
        for (Queued q : round) {
            List<Settlement> settled = new ArrayList<>();
            SettlementRefusal refusal = null;
            for (SettlementPlan.Outcome o : outcomes.subList(at, at + q.reports().size())) {
                switch (o) {
                    case SettlementPlan.Outcome.Settled ok -> settled.add(ok.settlement());
                    // Only a single report gets here refused: a refused batch was taken out.
                    case SettlementPlan.Outcome.Refused r -> refusal = r.refusal();
                }
            }
            q.answer()
                    .complete(
                            refusal != null
                                    ? new SettlementOutcome.Refused(refusal)
                                    : new SettlementOutcome.Settled(settled));
            at += q.reports().size();
        }
    }

    private static SettlementOutcome refusedInvalid(String message) {
        return new SettlementOutcome.Refused(SettlementRefusal.invalid(message));
    }
}
