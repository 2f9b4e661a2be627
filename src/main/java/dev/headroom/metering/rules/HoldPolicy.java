package dev.headroom.metering.rules;

import dev.headroom.metering.rules.Admission.AllowedExtra;
import dev.headroom.metering.rules.Admission.AllowedIncluded;
import dev.headroom.metering.rules.Admission.Denied;
import dev.headroom.organization.Plan;
import dev.headroom.pricing.WorstCase;

/**
 * EX-1, strict caps: an admission reserves the request's worst case (a <em>hold</em>) against the
 * member's included room, the member's cap, the org's cap and the Team balance, on top of settled
 * spend and every live hold. Where the worst case does not fit but one with fewer output tokens
 * would, {@code max_tokens} is lowered to the largest that fits, down to the floor; below it, the
 * request is denied with the reason of the limit that has the least room.
 *
 * <p>Included usage is held first, as settlement spends it first: the holds of one member never
 * count on the same included room twice, so their extra parts add up to at least what their
 * settlements can charge as extra.
 */
public final class HoldPolicy {
    private HoldPolicy() {}

    /** What live holds reserve now: the member's included and extra parts, the org's extra. */
    public record Held(long memberIncludedNanos, long memberExtraNanos, long orgExtraNanos) {
        public static final Held NONE = new Held(0, 0, 0);
    }

    /** The request as asked: its worst case, its {@code max_tokens}, and the org's floor. */
    public record Ask(WorstCase worstCase, long maxTokens, long floorTokens) {
        public Ask {
            if (maxTokens < 1 || floorTokens < 1) {
                throw new IllegalArgumentException("max_tokens and the floor are at least 1");
            }
        }
    }

    /** The outcome: a hold (with the admission it goes with), or a denial. */
    public sealed interface Decision {
        Admission admission();

        /** {@code maxTokens} is lower than asked when the whole worst case did not fit. */
        record Hold(Admission admission, long includedNanos, long extraNanos, long maxTokens)
                implements Decision {
            public long amountNanos() {
                return includedNanos + extraNanos;
            }
        }

        record Refused(Denied admission) implements Decision {}
    }

    public static Decision decide(AdmissionInput in, Held held, Ask ask) {
        Admission base = AdmissionPolicy.decide(withHolds(in, held));
        if (base instanceof Denied denied) {
            return new Decision.Refused(denied);
        }
        long included =
                in.plan() == Plan.ENTERPRISE_USAGE
                        ? 0
                        : Math.max(
                                0,
                                IncludedUsage.remainingNanos(in.windows())
                                        - held.memberIncludedNanos());
        Tightest extra = tightestExtraRoom(in, held);
        long room = saturatedAdd(included, extra.roomNanos());
        WorstCase worst = ask.worstCase();
        long maxTokens = ask.maxTokens();
        if (worst.costOf(maxTokens) > room) {
            long fits =
                    room < worst.promptNanos()
                            ? 0
                            : worst.outputNanosPerToken() == 0
                                    ? maxTokens
                                    : (room - worst.promptNanos()) / worst.outputNanosPerToken();
            if (fits < ask.floorTokens()) {
                return new Decision.Refused(
                        new Denied(
                                extra.reason(),
                                AdmissionPolicy.resumesAt(extra.reason(), in),
                                in.requestLink()
                                        .actionFor(new Denied(extra.reason(), null, null))));
            }
            maxTokens = Math.min(maxTokens, fits);
        }
        long cost = worst.costOf(maxTokens);
        long includedPart = Math.min(cost, included);
        long extraPart = cost - includedPart;
        assert extraPart <= extra.roomNanos() : "a hold never exceeds the room it was given";
        Admission admitted =
                extraPart == 0
                        ? new AllowedIncluded(base.requestAction())
                        : new AllowedExtra(base.requestAction());
        return new Decision.Hold(admitted, includedPart, extraPart, maxTokens);
    }

    /** The limit with the least room for extra spend, and the reason a denial by it gives. */
    private record Tightest(long roomNanos, DenialReason reason) {}

    private static Tightest tightestExtraRoom(AdmissionInput in, Held held) {
        boolean eligible = in.plan() == Plan.ENTERPRISE_USAGE || in.extraUsageEligible();
        if (!eligible) {
            return new Tightest(0, DenialReason.INCLUDED_EXHAUSTED);
        }
        Tightest tightest = new Tightest(Long.MAX_VALUE, DenialReason.ORG_CAP_REACHED);
        if (in.plan().hasSeats() && in.memberCap().capNanos() != null) {
            tightest =
                    tighter(
                            tightest,
                            in.memberCap().capNanos()
                                    - in.memberMtdNanos()
                                    - held.memberExtraNanos(),
                            in.memberCap().source() == CapSource.SEAT_TYPE
                                    ? DenialReason.SEAT_TYPE_CAP_REACHED
                                    : DenialReason.MEMBER_CAP_REACHED);
        }
        if (in.orgCapNanos() != null) {
            tightest =
                    tighter(
                            tightest,
                            in.orgCapNanos() - in.orgMtdNanos() - held.orgExtraNanos(),
                            DenialReason.ORG_CAP_REACHED);
        }
        if (in.balanceNanos() != null) {
            tightest =
                    tighter(
                            tightest,
                            in.balanceNanos() - held.orgExtraNanos(),
                            DenialReason.BALANCE_EXHAUSTED);
        }
        return tightest;
    }

    private static Tightest tighter(Tightest so, long room, DenialReason reason) {
        long positive = Math.max(0, room);
        return positive < so.roomNanos() ? new Tightest(positive, reason) : so;
    }

    /** Settled spend as if every live hold were charged in full. */
    private static AdmissionInput withHolds(AdmissionInput in, Held held) {
        return new AdmissionInput(
                in.plan(),
                in.orgSuspended(),
                in.windows(),
                in.extraUsageEligible(),
                in.memberCap(),
                in.memberMtdNanos() + held.memberExtraNanos(),
                in.orgCapNanos(),
                in.orgMtdNanos() + held.orgExtraNanos(),
                in.balanceNanos() == null ? null : in.balanceNanos() - held.orgExtraNanos(),
                in.periodEnd(),
                in.requestLink());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
