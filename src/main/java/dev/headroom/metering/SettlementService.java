package dev.headroom.metering;

import dev.headroom.core.GroupCommit;
import dev.headroom.core.StateChanges;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.SettlementRefusal;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.metering.rules.UsageReportRules;
import dev.headroom.metering.rules.UsageReportRules.PricedReport;
import dev.headroom.metering.settlement.PlannedOrg;
import dev.headroom.metering.settlement.SettlementReads;
import dev.headroom.metering.settlement.SettlementWriter;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.pricing.PriceBook;
import dev.headroom.pricing.PriceBookService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-17 – XU-19: settles usage reports. Concurrent reports and batches of the orgs that share a
 * lane are committed together in one transaction ({@link GroupCommit}): for each org the
 * transaction reads what the {@link SettlementPlan} needs, the plan decides, the writer applies it,
 * and each caller is answered only after the commit (EX-10).
 */
@Service
public class SettlementService {
    /** The largest batch, and the largest group of reports committed together. */
    public static final int REPORTS_PER_GROUP_MAX = 1_000;

    /**
     * Lanes for single reports unless configured: two settled the single reports of 100 orgs
     * 1.3–1.5× as fast as four, and as fast as one, which would leave every org's reports behind
     * any lock one org waits for (BENCHMARKS.md).
     */
    public static final int LANES_DEFAULT = 2;

    private static final int RACE_RETRIES_MAX = 3;
    private static final Logger log = LoggerFactory.getLogger(SettlementService.class);

    private final OrgService orgs;
    private final PriceBookService prices;
    private final SettlementReads reads;
    private final SettlementWriter writer;
    private final TransactionTemplate tx;
    private final MeteringMetrics metrics;
    private final StateChanges changes;
    private final GroupCommit<Queued> groups = new GroupCommit<>(REPORTS_PER_GROUP_MAX);
    // The load benchmark's naive baseline: one transaction per call, no group commit.
    private final boolean naiveForBenchmark;
    private final int lanes;

    public SettlementService(
            OrgService orgs,
            PriceBookService prices,
            SettlementReads reads,
            SettlementWriter writer,
            TransactionTemplate tx,
            MeteringMetrics metrics,
            StateChanges changes,
            @Value("${headroom.benchmark.naive-settlement:false}") boolean naiveForBenchmark,
            @Value("${headroom.settlement.lanes:" + LANES_DEFAULT + "}") int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("headroom.settlement.lanes must be at least 1.");
        }
        this.lanes = lanes;
        this.metrics = metrics;
        this.changes = changes;
        this.orgs = orgs;
        this.prices = prices;
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

    /**
     * Single reports of all orgs share a fixed number of lanes, so that a group can hold the
     * reports of many quiet orgs (one commit, one fsync); an org's single reports always take the
     * same lane, so they stay in order. A batch is a group already: it takes its own org's lane,
     * where it is grouped with the org's other batches only — measured, ten orgs' batches in one
     * serial transaction settled fewer events per second than each org's batches on their own
     * (BENCHMARKS.md). An org's batches and single reports may then commit side by side, as on two
     * nodes: their member locks, taken in id order, keep that exact.
     */
    private String laneOf(String orgId, boolean batch) {
        return batch ? "org " + orgId : "lane " + lane(orgId, lanes);
    }

    private String laneOf(Queued queued) {
        return laneOf(queued.orgId(), queued.allOrNothing());
    }

    /** Single reports queued in {@code orgId}'s lane, behind the commit under way (tests). */
    int waitingInLaneOf(String orgId) {
        return groups.waiting(laneOf(orgId, false));
    }

    static int lane(String orgId, int lanes) {
        return Math.floorMod(orgId.hashCode(), lanes);
    }

    private SettlementOutcome measured(SettlementOutcome outcome) {
        metrics.settled(outcome);
        return outcome;
    }

    /** Reports waiting for their group's commit: a single report, or a whole batch. */
    private record Queued(
            Org org,
            List<PricedReport> reports,
            boolean allOrNothing,
            boolean durableOnAnswer,
            CompletableFuture<SettlementOutcome> answer)
            implements GroupCommit.Item<SettlementOutcome> {
        @Override
        public int weight() {
            return reports.size();
        }

        String orgId() {
            return org.id();
        }
    }

    /** What one attempt at a group's transaction came to. */
    private sealed interface Round {
        /** Each org's outcomes, in the order of its queued reports. */
        record Committed(Map<String, List<SettlementPlan.Outcome>> outcomes) implements Round {}

        /** Batches with a refused report (an org's first): taken out, and the rest tried again. */
        record BatchesRefused(Map<Queued, SettlementRefusal> refused) implements Round {}

        /** One of the request ids was stored before: planned again with the stored rows. */
        record Raced() implements Round {}
    }

    /** One attempt: the reports still pending, by org, and whether to read their stored rows. */
    private interface Attempt {
        Round run(SortedMap<String, List<Queued>> round, boolean lookUpStored);
    }

    private SettlementOutcome settle(
            List<UsageReport> reports, boolean allOrNothing, boolean durableOnAnswer) {
        return switch (prepare(reports, allOrNothing, durableOnAnswer)) {
            case Prepared.Refused refused -> refused.outcome();
            case Prepared.Ready ready -> {
                Queued queued = ready.queued();
                // Every caller, leader of its group or not, is answered only once the other nodes
                // have dropped what the commit changed (issue 15) — and no lane is held through
                // that wait.
                changes.acknowledgedAfter(() -> {
                    commitInLane(laneOf(queued), List.of(queued));
                    return null;
                });
                yield answerOf(queued);
            }
        };
    }

    /**
     * Settles reports that their caller has already made durable elsewhere and replays after a
     * crash (the gateway's journal), each on its own as {@link #settle(UsageReport)} would — a
     * refusal is its report's alone — but all from this thread: the reports of a lane are queued at
     * once and so committed in one group, with no thread and no wake-up per report (issue 14: a
     * journal's batch settled through a thread per report took the cores its answers needed). Their
     * group commits without waiting for the disk, unless it holds reports whose callers need that:
     * PostgreSQL loses at most a suffix of such commits, never one before a later synchronous
     * commit, and the replay is idempotent. Outcomes in the order given. A failed commit throws,
     * its reports left to the caller's replay.
     */
    public List<SettlementOutcome> settleEachReplayable(List<UsageReport> reports) {
        SettlementOutcome[] outcomes = new SettlementOutcome[reports.size()];
        Map<Queued, Integer> positions = new IdentityHashMap<>();
        Map<String, List<Queued>> byLane = new LinkedHashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            switch (prepare(List.of(reports.get(i)), false, false)) {
                case Prepared.Refused refused -> outcomes[i] = refused.outcome();
                case Prepared.Ready ready -> {
                    positions.put(ready.queued(), i);
                    byLane.computeIfAbsent(laneOf(ready.queued()), l -> new ArrayList<>())
                            .add(ready.queued());
                }
            }
        }
        changes.acknowledgedAfter(() -> {
            byLane.forEach(this::commitInLane);
            return null;
        });
        positions.forEach((queued, i) -> outcomes[i] = answerOf(queued));
        List<SettlementOutcome> answered = new ArrayList<>(outcomes.length);
        for (SettlementOutcome outcome : outcomes) {
            answered.add(measured(outcome));
        }
        return answered;
    }

    /** Queues one caller's reports in their lane and returns once each is answered. */
    private void commitInLane(String lane, List<Queued> queued) {
        if (naiveForBenchmark) {
            queued.forEach(q -> commitGroup(List.of(q)));
        } else {
            groups.submitAll(lane, queued, this::commitGroup);
        }
    }

    /** Reports priced against the current book and ready to queue, or refused before that. */
    private sealed interface Prepared {
        record Ready(Queued queued) implements Prepared {}

        record Refused(SettlementOutcome.Refused outcome) implements Prepared {}
    }

    private Prepared prepare(
            List<UsageReport> reports, boolean allOrNothing, boolean durableOnAnswer) {
        String orgId = reports.getFirst().orgId();
        Optional<Org> found = orgId == null ? Optional.empty() : orgs.find(orgId);
        if (found.isEmpty()) {
            return new Prepared.Refused(
                    new SettlementOutcome.Refused(
                            new SettlementRefusal(
                                    SettlementRefusal.Kind.UNKNOWN,
                                    "Organisation '" + orgId + "' does not exist.")));
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
                    return new Prepared.Refused(new SettlementOutcome.Refused(invalid.refusal()));
                }
            }
        }
        return new Prepared.Ready(
                new Queued(org, priced, allOrNothing, durableOnAnswer, new CompletableFuture<>()));
    }

    private static SettlementOutcome answerOf(Queued queued) {
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
     * A lane's group, which may hold several orgs' reports (issue 15): all of them in one
     * transaction, one statement per table for all orgs, members locked in (org, id) order so that
     * two groups (on any node) never wait for each other in a cycle. Answers are given only after
     * the commit. The first attempt takes every report for new; should a request id have been
     * stored before, the group goes back and is planned again with the stored rows. Should that
     * fail too — a race, or any fault — nothing of it is answered and each org commits on its own,
     * so one org's fault costs only its own reports.
     */
    private void commitGroup(List<Queued> group) {
        SortedMap<String, List<Queued>> byOrg = new TreeMap<>();
        group.forEach(q -> byOrg.computeIfAbsent(q.orgId(), id -> new ArrayList<>()).add(q));
        boolean lookUpFirst = false;
        if (byOrg.size() > 1) {
            try {
                if (committedTogether(group, byOrg, false)) {
                    return;
                }
                lookUpFirst = true;
                if (committedTogether(group, byOrg, true)) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn(
                        "A settlement group of {} orgs failed; each commits alone",
                        byOrg.size(),
                        e);
            }
        }
        boolean lookUp = lookUpFirst;
        byOrg.forEach((orgId, queued) -> {
            List<Runnable> answers = new ArrayList<>();
            SortedMap<String, List<Queued>> alone = new TreeMap<>(Map.of(orgId, queued));
            try {
                settleRounds(alone, lookUp, answers, this::inOwnTransaction);
            } catch (RuntimeException | Error e) {
                queued.forEach(q -> q.answer().completeExceptionally(e));
                return;
            }
            answers.forEach(Runnable::run);
        });
    }

    /**
     * The whole group in one transaction, answered after its commit; {@code false}, with nothing
     * written or answered, when one of its request ids was stored before.
     */
    private boolean committedTogether(
            List<Queued> group, SortedMap<String, List<Queued>> byOrg, boolean lookUpStored) {
        List<Runnable> answers = new ArrayList<>();
        try {
            transaction(
                    group,
                    status -> {
                        settleRounds(byOrg, lookUpStored, answers, this::withinGroup);
                        return null;
                    });
        } catch (RacedInGroup e) {
            return false;
        }
        answers.forEach(Runnable::run);
        return true;
    }

    /**
     * Settles the reports in rounds until each has its answer (to be given after the commit). Only
     * an org's first refused batch is taken out per round, because a later batch's refusal may stem
     * from an earlier batch's request id. A round that took a stored request id for new is planned
     * again with the stored rows; only races after that count towards giving up.
     */
    private static void settleRounds(
            SortedMap<String, List<Queued>> queued,
            boolean lookUpStored,
            List<Runnable> answers,
            Attempt attempt) {
        SortedMap<String, List<Queued>> pending = new TreeMap<>();
        queued.forEach((orgId, q) -> pending.put(orgId, new ArrayList<>(q)));
        boolean lookUp = lookUpStored;
        int races = 0;
        while (!pending.isEmpty()) {
            SortedMap<String, List<Queued>> round = new TreeMap<>();
            pending.forEach((orgId, q) -> round.put(orgId, List.copyOf(q)));
            switch (attempt.run(round, lookUp)) {
                case Round.Committed committed -> {
                    answers.add(() ->
                            round.forEach(
                                    (orgId, q) -> answer(q, committed.outcomes().get(orgId))));
                    pending.clear();
                }
                case Round.BatchesRefused refused ->
                        refused.refused()
                                .forEach((batch, refusal) -> {
                                    answers.add(() ->
                                            batch.answer()
                                                    .complete(
                                                            new SettlementOutcome.Refused(
                                                                    refusal)));
                                    pending.get(batch.orgId()).remove(batch);
                                    if (pending.get(batch.orgId()).isEmpty()) {
                                        pending.remove(batch.orgId());
                                    }
                                });
                case Round.Raced raced -> {
                    if (lookUp && ++races == RACE_RETRIES_MAX) {
                        SettlementRefusal concurrent =
                                new SettlementRefusal(
                                        SettlementRefusal.Kind.CONCURRENT,
                                        "The same request id is being settled concurrently; retry.");
                        List<Queued> refusedAll =
                                pending.values().stream().flatMap(List::stream).toList();
                        answers.add(() ->
                                refusedAll.forEach(q ->
                                        q.answer()
                                                .complete(
                                                        new SettlementOutcome.Refused(
                                                                concurrent))));
                        pending.clear();
                    }
                    lookUp = true;
                }
            }
        }
    }

    private Round inOwnTransaction(SortedMap<String, List<Queued>> round, boolean lookUpStored) {
        return transaction(
                round.values().stream().flatMap(List::stream).toList(),
                status -> {
                    Round outcome = commitRound(round, lookUpStored);
                    if (!(outcome instanceof Round.Committed)) {
                        status.setRollbackOnly();
                    }
                    return outcome;
                });
    }

    /**
     * A round inside a several-org group's transaction. A refused batch is found before anything is
     * written, so the group is simply planned again without it; a stored request id is found by the
     * insert, after part of the events are written — so the whole group goes back, rather than
     * every group paying for a savepoint.
     */
    private Round withinGroup(SortedMap<String, List<Queued>> round, boolean lookUpStored) {
        Round outcome = commitRound(round, lookUpStored);
        if (outcome instanceof Round.Raced) {
            throw new RacedInGroup();
        }
        return outcome;
    }

    /** A request id of a several-org group was stored before, or concurrently. */
    private static final class RacedInGroup extends RuntimeException {
        RacedInGroup() {
            super("A request id of the group was stored concurrently.", null, false, false);
        }
    }

    /**
     * One measured transaction; its commit waits for the disk unless none of its callers need it.
     */
    private <T> T transaction(List<Queued> items, Function<TransactionStatus, T> work) {
        var timing = metrics.startGroup();
        try {
            return tx.execute(status -> {
                if (items.stream().noneMatch(Queued::durableOnAnswer)) {
                    writer.commitWithoutWaitingForDisk();
                }
                return work.apply(status);
            });
        } finally {
            metrics.group(
                    items.stream().mapToInt(Queued::weight).sum(),
                    (int) items.stream().map(Queued::orgId).distinct().count(),
                    timing);
        }
    }

    private Round commitRound(SortedMap<String, List<Queued>> round, boolean lookUpStored) {
        List<SettlementReads.OrgReports> group = new ArrayList<>();
        round.forEach((orgId, queued) -> {
            List<PricedReport> reports = new ArrayList<>();
            queued.forEach(q -> reports.addAll(q.reports()));
            // The org as read by its latest report.
            group.add(new SettlementReads.OrgReports(queued.getLast().org(), reports));
        });
        Map<String, SettlementPlan.Inputs> inputs = reads.load(group, lookUpStored);
        List<PlannedOrg> planned = new ArrayList<>();
        Map<Queued, SettlementRefusal> refused = new LinkedHashMap<>();
        Map<String, List<SettlementPlan.Outcome>> outcomes = new HashMap<>();
        inputs.forEach((orgId, in) -> {
            SettlementPlan plan = SettlementPlan.of(in);
            firstRefusedBatch(round.get(orgId), plan.outcomes())
                    .ifPresent(r -> refused.put(r.batch(), r.refusal()));
            planned.add(new PlannedOrg(in.org(), in, plan, orgs.now(in.org())));
            outcomes.put(orgId, plan.outcomes());
        });
        if (!refused.isEmpty()) {
            return new Round.BatchesRefused(refused);
        }
        if (!writer.apply(planned)) {
            return new Round.Raced();
        }
        return new Round.Committed(outcomes);
    }

    private record RefusedBatch(Queued batch, SettlementRefusal refusal) {}

    private static Optional<RefusedBatch> firstRefusedBatch(
            List<Queued> round, List<SettlementPlan.Outcome> outcomes) {
        int at = 0;
        for (Queued q : round) {
            if (q.allOrNothing()) {
                for (SettlementPlan.Outcome o : outcomes.subList(at, at + q.reports().size())) {
                    if (o instanceof SettlementPlan.Outcome.Refused refused) {
                        return Optional.of(new RefusedBatch(q, refused.refusal()));
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
