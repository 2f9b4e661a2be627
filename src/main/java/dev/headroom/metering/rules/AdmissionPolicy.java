package dev.headroom.metering.rules;

import dev.headroom.metering.rules.Admission.AllowedExtra;
import dev.headroom.metering.rules.Admission.AllowedIncluded;
import dev.headroom.metering.rules.Admission.Denied;
import dev.headroom.organization.Plan;
import java.time.Instant;

/**
 * XU-16 and XU-18: decides an admission from settled state only. A request is denied only when a
 * cap or the balance is already reached by settled usage, so one request may overshoot; the most
 * specific reason wins (member cap, then org cap, then balance).
 */
public final class AdmissionPolicy {
    private AdmissionPolicy() {}

    public static Admission memberUnknown() {
        return new Denied(DenialReason.MEMBER_UNKNOWN, null, RequestAction.UNAVAILABLE);
    }

    public static Admission decide(AdmissionInput in) {
        Admission decision = decideIgnoringRequests(in);
        RequestAction action =
                in.requestLink().actionFor(decision instanceof Denied denied ? denied : null);
        return switch (decision) {
            case AllowedIncluded a -> new AllowedIncluded(action);
            case AllowedExtra a -> new AllowedExtra(action);
            case Denied d -> new Denied(d.reason(), d.resumesAt(), action);
        };
    }

    private static Admission decideIgnoringRequests(AdmissionInput in) {
        RequestAction action = RequestAction.UNAVAILABLE;
        if (in.orgSuspended()) {
            return new Denied(DenialReason.ORG_SUSPENDED, null, RequestAction.UNAVAILABLE);
        }
        if (in.plan() == Plan.ENTERPRISE_USAGE) {
            // XU-1: metered from the first token, bounded only by an operator-set org cap.
            if (in.orgCapNanos() != null && in.orgMtdNanos() >= in.orgCapNanos()) {
                return new Denied(DenialReason.ORG_CAP_REACHED, in.periodEnd(), action);
            }
            return new AllowedExtra(action);
        }
        if (IncludedUsage.remainingNanos(in.windows()) > 0) {
            return new AllowedIncluded(action);
        }
        Instant includedAgain = IncludedUsage.availableAgainAt(in.windows());
        if (!in.extraUsageEligible()) {
            return new Denied(DenialReason.INCLUDED_EXHAUSTED, includedAgain, action);
        }
        Instant capResumes = earliest(includedAgain, in.periodEnd());
        if (in.memberCap().reachedBy(in.memberMtdNanos())) {
            DenialReason reason =
                    in.memberCap().source() == CapSource.SEAT_TYPE
                            ? DenialReason.SEAT_TYPE_CAP_REACHED
                            : DenialReason.MEMBER_CAP_REACHED;
            return new Denied(reason, capResumes, action);
        }
        if (in.orgCapNanos() != null && in.orgMtdNanos() >= in.orgCapNanos()) {
            return new Denied(DenialReason.ORG_CAP_REACHED, capResumes, action);
        }
        if (in.balanceNanos() != null && in.balanceNanos() <= 0) {
            return new Denied(DenialReason.BALANCE_EXHAUSTED, includedAgain, action);
        }
        return new AllowedExtra(action);
    }

    /**
     * When a member denied for {@code reason} can next work: an included window's reset for
     * included usage and the balance; for a cap, that reset or the period's end, whichever comes
     * first.
     */
    static Instant resumesAt(DenialReason reason, AdmissionInput in) {
        Instant includedAgain = IncludedUsage.availableAgainAt(in.windows());
        return switch (reason) {
            case MEMBER_CAP_REACHED, SEAT_TYPE_CAP_REACHED, ORG_CAP_REACHED ->
                    in.plan() == Plan.ENTERPRISE_USAGE
                            ? in.periodEnd()
                            : earliest(includedAgain, in.periodEnd());
            case INCLUDED_EXHAUSTED, BALANCE_EXHAUSTED -> includedAgain;
            case MEMBER_UNKNOWN, ORG_SUSPENDED -> null;
        };
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
