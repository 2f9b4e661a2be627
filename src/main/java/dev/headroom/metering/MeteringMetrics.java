package dev.headroom.metering;

import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.Settlement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * EX-17, the hot path's business metrics: admissions by decision and reason, settled reports by
 * outcome, and the size and commit time of each settlement group. Counters are made once per label
 * set (a handful of enum values) and kept, so the hot path only increments.
 */
@Component
public class MeteringMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DistributionSummary groupReports;
    private final DistributionSummary groupOrgs;
    private final Timer groupCommit;

    public MeteringMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.groupReports =
                DistributionSummary.builder("headroom.settlement.group.reports")
                        .description("Usage reports committed together in one transaction")
                        .register(registry);
        this.groupOrgs =
                DistributionSummary.builder("headroom.settlement.group.orgs")
                        .description("Orgs whose usage reports one settlement group committed")
                        .register(registry);
        this.groupCommit =
                Timer.builder("headroom.settlement.commit")
                        .description("One settlement group's transaction, from reads to commit")
                        .register(registry);
    }

    void admitted(Admission admission) {
        String decision =
                switch (admission) {
                    case Admission.AllowedIncluded a -> "ALLOWED_INCLUDED";
                    case Admission.AllowedExtra a -> "ALLOWED_EXTRA";
                    case Admission.Denied d -> "DENIED";
                };
        String reason = admission instanceof Admission.Denied d ? d.reason().name() : "none";
        counter("headroom.admissions", "decision", decision, "reason", reason).increment();
    }

    void settled(SettlementOutcome outcome) {
        switch (outcome) {
            case SettlementOutcome.Settled settled -> {
                for (Settlement s : settled.settlements()) {
                    counter(
                                    "headroom.settlements",
                                    "outcome",
                                    s.duplicate() ? "duplicate" : "settled",
                                    "refusal",
                                    "none")
                            .increment();
                }
            }
            case SettlementOutcome.Refused refused ->
                    counter(
                                    "headroom.settlements",
                                    "outcome",
                                    "refused",
                                    "refusal",
                                    refused.refusal().kind().name())
                            .increment();
        }
    }

    /** EX-1: holds taken (whole or lowered), found again, or refused, by reason. */
    void hold(StrictAdmissions.Answer answer) {
        switch (answer) {
            case StrictAdmissions.Answer.Held held ->
                    counter(
                                    "headroom.holds",
                                    "outcome",
                                    held.replayed()
                                            ? "replayed"
                                            : held.lowered() ? "lowered" : "held",
                                    "reason",
                                    "none")
                            .increment();
            case StrictAdmissions.Answer.Denied denied ->
                    counter(
                                    "headroom.holds",
                                    "outcome",
                                    "refused",
                                    "reason",
                                    denied.admission().reason().name())
                            .increment();
            case StrictAdmissions.Answer.Unheld unheld -> {}
        }
    }

    void holdsExpired(int count) {
        if (count > 0) {
            counter("headroom.holds", "outcome", "expired", "reason", "none").increment(count);
        }
    }

    /** EX-1: a settlement that charged more than its request's hold (an estimate too low). */
    public void holdExceeded() {
        counter("headroom.holds.exceeded", "outcome", "exceeded", "reason", "none").increment();
    }

    Timer.Sample startGroup() {
        return Timer.start(registry);
    }

    void group(int reports, int orgs, Timer.Sample timing) {
        groupReports.record(reports);
        groupOrgs.record(orgs);
        timing.stop(groupCommit);
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        String key = name + '|' + v1 + '|' + v2;
        // A plain read first: the many requests of the hot path never queue on the map's lock.
        Counter known = counters.get(key);
        return known != null
                ? known
                : counters.computeIfAbsent(
                        key, k -> Counter.builder(name).tag(k1, v1).tag(k2, v2).register(registry));
    }
}
