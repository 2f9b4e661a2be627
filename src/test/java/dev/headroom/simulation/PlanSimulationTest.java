package dev.headroom.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.HoldPolicy;
import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.metering.rules.WindowState;
import dev.headroom.support.Properties;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The model check at scale (issue 13): {@link SettlementPlan} and the admission policy, in memory
 * ({@link InMemoryMetering}), against {@link ReferenceModel} — the same seeded operations as {@link
 * SimulationTest} (windows, caps, seat changes, months, replays, conflicts) plus batches, with no
 * HTTP and no SQL. Every answer and every window, MTD and balance figure must agree after every
 * operation; a failing org's operations are reduced greedily and printed with the seed.
 *
 * <p>{@code ./test.sh} runs {@value #DEFAULT_OPERATIONS} operations; {@code
 * reliability/plan-check.sh OPS SEED} runs more (ten million in about a minute).
 */
class PlanSimulationTest {
    static final int DEFAULT_OPERATIONS = 100_000;
    static final int PER_ORG = 500;
    static final Map<String, Long> SESSION =
            Map.of("STANDARD", ReferenceModel.USD / 5, "PREMIUM", 3 * ReferenceModel.USD / 5);

    @Test
    void theSettlementPlanAndAdmissionAgreeWithTheReferenceModel() {
        long seed = Long.getLong("headroom.plansim.seed", 1301L);
        int operations = Integer.getInteger("headroom.plansim.ops", DEFAULT_OPERATIONS);
        Random random = new Random(seed);
        long started = System.nanoTime();
        int done = 0;
        int orgs = 0;
        int batches = 0;
        int holds = 0;
        while (done < operations) {
            boolean team = random.nextBoolean();
            ZoneId zone =
                    ZoneId.of(
                            SimulationTest.ZONES.get(random.nextInt(SimulationTest.ZONES.size())));
            Instant start =
                    Instant.parse("2027-01-27T00:00:00Z")
                            .plus(Duration.ofHours(random.nextInt(24 * 40)));
            List<SimulationTest.Op> ops =
                    withHolds(
                            random,
                            withBatches(
                                    random,
                                    SimulationTest.generate(
                                            random, team, Math.min(PER_ORG, operations - done))));
            String failure = run(team, zone, start, ops);
            if (failure != null) {
                List<SimulationTest.Op> reduced =
                        Properties.reduce(
                                ops, candidate -> run(team, zone, start, candidate) != null);
                throw new AssertionError(
                        "Plan simulation seed "
                                + seed
                                + ", org "
                                + orgs
                                + " ("
                                + (team ? "TEAM" : "ENTERPRISE_SEAT")
                                + ", "
                                + zone
                                + ", from "
                                + start
                                + "): "
                                + failure
                                + "\nreduced sequence ("
                                + reduced.size()
                                + "): "
                                + reduced
                                + "\nreduced failure: "
                                + run(team, zone, start, reduced));
            }
            batches += (int) ops.stream().filter(op -> op.kind().equals("batch")).count();
            holds += (int) ops.stream().filter(op -> op.kind().equals("hold")).count();
            done += ops.size();
            orgs++;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println(
                "PLAN SIMULATION: seed "
                        + seed
                        + ", "
                        + done
                        + " operations ("
                        + batches
                        + " batches, "
                        + holds
                        + " holds) on "
                        + orgs
                        + " orgs in "
                        + millis
                        + " ms, all agreed");
        assertThat(done).isGreaterThanOrEqualTo(operations);
    }

    /** About one settlement in eight becomes a batch of 2 to 4 reports of several members. */
    static List<SimulationTest.Op> withBatches(Random random, List<SimulationTest.Op> ops) {
        List<SimulationTest.Op> out = new ArrayList<>(ops.size());
        for (SimulationTest.Op op : ops) {
            out.add(
                    op.kind().equals("settle") && random.nextInt(8) == 0
                            ? new SimulationTest.Op(
                                    "batch", op.member(), op.a(), op.b(), 2 + random.nextInt(3))
                            : op);
        }
        return out;
    }

    /**
     * EX-1 in a third of the orgs: half of their settlements become holds (prompt tokens a,
     * max_tokens b) whose usage comes later, in any order, with several in flight at once.
     */
    static List<SimulationTest.Op> withHolds(Random random, List<SimulationTest.Op> ops) {
        if (random.nextInt(3) != 0) {
            return ops;
        }
        List<SimulationTest.Op> out = new ArrayList<>(ops.size());
        for (SimulationTest.Op op : ops) {
            if (op.kind().equals("settle") && random.nextBoolean()) {
                out.add(
                        new SimulationTest.Op(
                                "hold", op.member(), op.a(), 1 + random.nextInt(20_000), 0));
            } else {
                out.add(op);
            }
            if (random.nextInt(3) == 0) {
                out.add(
                        new SimulationTest.Op(
                                "release",
                                op.member(),
                                random.nextInt(101),
                                random.nextInt(101),
                                random.nextInt(8)));
            }
        }
        return out;
    }

    /** Runs {@code ops} on a fresh org in memory and in the model: the first disagreement. */
    static String run(boolean team, ZoneId zone, Instant start, List<SimulationTest.Op> ops) {
        InMemoryMetering headroom = new InMemoryMetering(team, zone, start, SESSION);
        ReferenceModel model = new ReferenceModel(team, zone, start, SESSION);
        List<String> ids = List.of("m0", "m1", "m2");
        List<String> seats = List.of("STANDARD", "STANDARD", "PREMIUM");
        for (int i = 0; i < 3; i++) {
            headroom.addMember(ids.get(i), seats.get(i));
            model.members.put(ids.get(i), new ReferenceModel.Member(seats.get(i)));
        }
        if (team) {
            headroom.purchase(ReferenceModel.USD);
            model.balance = ReferenceModel.USD;
        }
        model.enabled = true;
        List<UsageReport> sent = new ArrayList<>();
        // EX-1: the holds Headroom's policy took, and what each may be settled with.
        Map<String, HeldRequest> live = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            SimulationTest.Op op = ops.get(i);
            String member = ids.get(op.member());
            ReferenceModel.Member modelMember = model.members.get(member);
            String where = "op " + i + " " + op + ": ";
            String mismatch =
                    switch (op.kind()) {
                        case "admit" -> {
                            String actual = describe(headroom.admit(member));
                            String expected = model.admit(member);
                            yield actual.equals(expected)
                                    ? null
                                    : where + "admission " + actual + ", model " + expected;
                        }
                        case "settle", "late" -> {
                            Instant at =
                                    op.kind().equals("late")
                                            ? model.now.minus(Duration.ofHours(op.back()))
                                            : model.now.plusSeconds(op.back() * 120L);
                            UsageReport report = report("s" + i, member, at, op.a(), op.b());
                            sent.add(report);
                            yield compare(
                                    where,
                                    headroom.settle(List.of(report)).getFirst(),
                                    settle(model, report));
                        }
                        case "batch" -> {
                            List<UsageReport> batch = new ArrayList<>();
                            for (int k = 0; k < op.back(); k++) {
                                String who = ids.get((op.member() + k) % 3);
                                batch.add(
                                        report(
                                                "b" + i + "-" + k,
                                                who,
                                                model.now.plusSeconds(k),
                                                op.a() + 1_000L * k,
                                                op.b()));
                            }
                            List<SettlementPlan.Outcome> outcomes = headroom.settle(batch);
                            String first = null;
                            for (int k = 0; k < batch.size() && first == null; k++) {
                                sent.add(batch.get(k));
                                first =
                                        compare(
                                                where + "item " + k + ": ",
                                                outcomes.get(k),
                                                settle(model, batch.get(k)));
                            }
                            yield first;
                        }
                        case "hold" -> holdStep(where, "h" + i, headroom, model, member, op, live);
                        case "release" -> {
                            if (live.isEmpty()) {
                                yield null;
                            }
                            String id = new ArrayList<>(live.keySet()).get(op.back() % live.size());
                            HeldRequest held = live.remove(id);
                            UsageReport report =
                                    report(
                                            id,
                                            held.member(),
                                            model.now,
                                            held.input() * op.a() / 100,
                                            held.maxTokens() * op.b() / 100,
                                            held.model());
                            sent.add(report);
                            yield compare(
                                    where,
                                    headroom.settle(List.of(report)).getFirst(),
                                    settle(model, report));
                        }
                        case "replay", "conflict" -> {
                            if (sent.isEmpty()) {
                                yield null;
                            }
                            UsageReport again = sent.get(Math.max(0, sent.size() - op.back()));
                            if (op.kind().equals("conflict")) {
                                again =
                                        report(
                                                again.requestId(),
                                                again.memberId(),
                                                again.timestamp(),
                                                7,
                                                7,
                                                again.model());
                            }
                            yield compare(
                                    where,
                                    headroom.settle(List.of(again)).getFirst(),
                                    settle(model, again));
                        }
                        case "orgCap" -> {
                            model.orgCap = op.a() < 0 ? null : op.a() * 10_000_000L;
                            headroom.settings(
                                    with(headroom.settings(), model.orgCap, null, null, false));
                            yield null;
                        }
                        case "seatCap" -> {
                            String seat = op.member() == 2 ? "PREMIUM" : "STANDARD";
                            Long cap = op.a() < 0 ? null : op.a() * 10_000_000L;
                            model.seatCaps.put(seat, cap);
                            ExtraUsageSettings s = headroom.settings();
                            headroom.settings(
                                    new ExtraUsageSettings(
                                            s.enabled(),
                                            s.scope(),
                                            s.requestsEnabled(),
                                            s.strict(),
                                            s.spendLimitNanos(),
                                            seat.equals("STANDARD") ? cap : s.standardLimitNanos(),
                                            seat.equals("PREMIUM") ? cap : s.premiumLimitNanos()));
                            yield null;
                        }
                        case "memberCap" -> {
                            modelMember.cap = op.a() < 0 ? null : op.a() * 10_000_000L;
                            headroom.changeMember(member, null, null, modelMember.cap, true);
                            yield null;
                        }
                        case "memberSwitch" -> {
                            modelMember.extraSwitch = op.a() == 1;
                            headroom.changeMember(member, null, op.a() == 1, null, false);
                            yield null;
                        }
                        case "enable" -> {
                            model.enabled = op.a() == 1;
                            model.scopeSelected = op.b() == 1;
                            headroom.settings(
                                    with(
                                            headroom.settings(),
                                            null,
                                            model.enabled,
                                            model.scopeSelected,
                                            true));
                            yield null;
                        }
                        case "seat" -> {
                            modelMember.seat = op.a() == 1 ? "PREMIUM" : "STANDARD";
                            headroom.changeMember(member, modelMember.seat, null, null, false);
                            yield null;
                        }
                        case "purchase" -> {
                            model.balance += op.a() * 10_000_000L;
                            headroom.purchase(op.a() * 10_000_000L);
                            yield null;
                        }
                        case "advance" -> {
                            model.now = model.now.plus(Duration.ofMinutes(op.a()));
                            headroom.advanceTo(model.now);
                            yield null;
                        }
                        // Requests and reloads live outside metering's plan: SimulationTest runs
                        // them.
                        case "file", "approve", "dismiss", "toggle", "reload", "card", "outage" ->
                                null;
                        default -> throw new IllegalStateException(op.kind());
                    };
            if (mismatch == null) {
                mismatch = compareFigures(where, headroom, model, member, team);
            }
            if (mismatch != null) {
                return mismatch;
            }
        }
        return null;
    }

    /** A request held by Headroom's policy: its member, model, prompt and max_tokens. */
    record HeldRequest(
            String member,
            String model,
            long input,
            long maxTokens,
            long includedNanos,
            long extraNanos,
            Instant expiresAt) {}

    /**
     * One admission of a strict org: {@code HoldPolicy} on the in-memory state and the live holds,
     * against the model's own rules; a hold taken leaves settled + held within every limit it
     * counted against.
     */
    static String holdStep(
            String where,
            String id,
            InMemoryMetering headroom,
            ReferenceModel model,
            String member,
            SimulationTest.Op op,
            Map<String, HeldRequest> live) {
        live.values().removeIf(h -> !model.now.isBefore(h.expiresAt()));
        String modelName = op.a() % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5";
        dev.headroom.pricing.WorstCase worst =
                dev.headroom.pricing.WorstCase.of(InMemoryMetering.PRICES.get(modelName), op.a());
        long heldIncluded = 0;
        long heldExtra = 0;
        long orgHeld = 0;
        for (HeldRequest h : live.values()) {
            orgHeld += h.extraNanos();
            if (h.member().equals(member)) {
                heldIncluded += h.includedNanos();
                heldExtra += h.extraNanos();
            }
        }
        dev.headroom.metering.MemberState state = headroom.state(member);
        HoldPolicy.Decision decision =
                HoldPolicy.decide(
                        state.admissionInput(),
                        new HoldPolicy.Held(heldIncluded, heldExtra, orgHeld),
                        new HoldPolicy.Ask(worst, op.b(), ReferenceModel.MAX_TOKENS_FLOOR));
        String actual =
                switch (decision) {
                    case HoldPolicy.Decision.Hold h ->
                            "HELD:" + h.amountNanos() + ":" + h.maxTokens();
                    case HoldPolicy.Decision.Refused r -> "DENIED:" + r.admission().reason();
                };
        String expected =
                model.hold(id, member, worst.promptNanos(), worst.outputNanosPerToken(), op.b());
        if (!actual.equals(expected)) {
            return where + "hold " + actual + ", model " + expected;
        }
        if (decision instanceof HoldPolicy.Decision.Hold h) {
            live.put(
                    id,
                    new HeldRequest(
                            member,
                            modelName,
                            op.a(),
                            h.maxTokens(),
                            h.includedNanos(),
                            h.extraNanos(),
                            model.now.plus(ReferenceModel.HOLD_TTL)));
            Long cap = state.cap().capNanos();
            if (h.extraNanos() > 0
                    && cap != null
                    && state.memberMtdNanos() + heldExtra + h.extraNanos() > cap) {
                return where + "settled + held past the member's cap";
            }
            Long orgCap = state.settings().spendLimitNanos();
            if (h.extraNanos() > 0
                    && orgCap != null
                    && state.orgMtdNanos() + orgHeld + h.extraNanos() > orgCap) {
                return where + "settled + held past the org's cap";
            }
            if (h.extraNanos() > 0
                    && state.balanceNanos() != null
                    && orgHeld + h.extraNanos() > state.balanceNanos()) {
                return where + "held past the balance";
            }
        }
        return null;
    }

    static UsageReport report(String id, String member, Instant at, long input, long output) {
        return report(
                id,
                member,
                at,
                input,
                output,
                input % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5");
    }

    static UsageReport report(
            String id, String member, Instant at, long input, long output, String model) {
        return InMemoryMetering.report(id, member, model, at, input, output);
    }

    static ReferenceModel.Result settle(ReferenceModel model, UsageReport r) {
        return model.settle(
                r.requestId(),
                r.memberId(),
                r.model(),
                r.timestamp(),
                r.usage().inputTokens(),
                r.usage().outputTokens());
    }

    /** The settings with the org cap replaced (when {@code orgCap} is given) or the switch. */
    static ExtraUsageSettings with(
            ExtraUsageSettings s,
            Long orgCap,
            Boolean enabled,
            Boolean selected,
            boolean switching) {
        return new ExtraUsageSettings(
                switching ? enabled : s.enabled(),
                switching ? (selected ? ExtraUsageScope.SELECTED : ExtraUsageScope.ORG) : s.scope(),
                s.requestsEnabled(),
                s.strict(),
                switching ? s.spendLimitNanos() : orgCap,
                s.standardLimitNanos(),
                s.premiumLimitNanos());
    }

    static String describe(Admission admission) {
        return switch (admission) {
            case Admission.AllowedIncluded a -> "ALLOWED_INCLUDED|" + a.requestAction();
            case Admission.AllowedExtra a -> "ALLOWED_EXTRA|" + a.requestAction();
            case Admission.Denied d ->
                    "DENIED:" + d.reason() + "@" + d.resumesAt() + "|" + d.requestAction();
        };
    }

    static String compare(
            String where, SettlementPlan.Outcome outcome, ReferenceModel.Result expected) {
        if (expected == null) {
            return outcome instanceof SettlementPlan.Outcome.Refused r
                            && r.refusal().kind()
                                    == dev.headroom.metering.rules.SettlementRefusal.Kind.CONFLICT
                    ? null
                    : where + "expected a conflict, got " + outcome;
        }
        if (!(outcome instanceof SettlementPlan.Outcome.Settled settled)) {
            return where + "settlement refused: " + outcome;
        }
        var s = settled.settlement();
        String actual = s.costNanos() + "/" + s.includedNanos() + "/" + s.extraNanos();
        String wanted = expected.cost() + "/" + expected.included() + "/" + expected.extra();
        return actual.equals(wanted) ? null : where + "settlement " + actual + ", model " + wanted;
    }

    static String compareFigures(
            String where,
            InMemoryMetering headroom,
            ReferenceModel model,
            String member,
            boolean team) {
        var state = headroom.state(member);
        ReferenceModel.Member m = model.members.get(member);
        long wantedMtd = m.extraByPeriod.getOrDefault(model.period(model.now), 0L);
        if (state.memberMtdNanos() != wantedMtd) {
            return where + "member MTD " + state.memberMtdNanos() + ", model " + wantedMtd;
        }
        for (WindowState window : state.windows()) {
            ReferenceModel.Window w =
                    ReferenceModel.WINDOWS.stream()
                            .filter(x -> x.name().equals(window.name()))
                            .findFirst()
                            .orElseThrow();
            long used = model.used(m, w, model.now);
            if (window.usedNanos() != used) {
                return where
                        + "window "
                        + w.name()
                        + " used "
                        + window.usedNanos()
                        + ", model "
                        + used;
            }
        }
        long orgMtd = model.orgExtraByPeriod.getOrDefault(model.period(model.now), 0L);
        if (headroom.orgExtraNow() != orgMtd) {
            return where + "org MTD " + headroom.orgExtraNow() + ", model " + orgMtd;
        }
        if (team && headroom.balance() != model.balance) {
            return where + "balance " + headroom.balance() + ", model " + model.balance;
        }
        return null;
    }
}
