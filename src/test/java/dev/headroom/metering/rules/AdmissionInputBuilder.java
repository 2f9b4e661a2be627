package dev.headroom.metering.rules;

import dev.headroom.organization.Plan;
import java.time.Instant;
import java.util.List;

/** An {@link AdmissionInput} to change one field at a time, as the policy's tests do. */
final class AdmissionInputBuilder {
    private Plan plan;
    private boolean orgSuspended;
    private List<WindowState> windows;
    private boolean extraUsageEligible;
    private EffectiveCap memberCap;
    private long memberMtdNanos;
    private Long orgCapNanos;
    private long orgMtdNanos;
    private Long balanceNanos;
    private Instant periodEnd;
    private RequestLink requestLink;

    static AdmissionInputBuilder from(AdmissionInput in) {
        AdmissionInputBuilder b = new AdmissionInputBuilder();
        b.plan = in.plan();
        b.orgSuspended = in.orgSuspended();
        b.windows = in.windows();
        b.extraUsageEligible = in.extraUsageEligible();
        b.memberCap = in.memberCap();
        b.memberMtdNanos = in.memberMtdNanos();
        b.orgCapNanos = in.orgCapNanos();
        b.orgMtdNanos = in.orgMtdNanos();
        b.balanceNanos = in.balanceNanos();
        b.periodEnd = in.periodEnd();
        b.requestLink = in.requestLink();
        return b;
    }

    AdmissionInputBuilder plan(Plan plan, boolean suspended) {
        this.plan = plan;
        this.orgSuspended = suspended;
        return this;
    }

    AdmissionInputBuilder windows(List<WindowState> windows) {
        this.windows = windows;
        return this;
    }

    AdmissionInputBuilder eligible(boolean eligible) {
        this.extraUsageEligible = eligible;
        return this;
    }

    AdmissionInputBuilder memberCap(EffectiveCap cap, long mtdNanos) {
        this.memberCap = cap;
        this.memberMtdNanos = mtdNanos;
        return this;
    }

    AdmissionInputBuilder orgCap(Long capNanos, long mtdNanos) {
        this.orgCapNanos = capNanos;
        this.orgMtdNanos = mtdNanos;
        return this;
    }

    AdmissionInputBuilder balance(Long balanceNanos) {
        this.balanceNanos = balanceNanos;
        return this;
    }

    AdmissionInputBuilder requestLink(RequestLink link) {
        this.requestLink = link;
        return this;
    }

    AdmissionInput build() {
        return new AdmissionInput(
                plan,
                orgSuspended,
                windows,
                extraUsageEligible,
                memberCap,
                memberMtdNanos,
                orgCapNanos,
                orgMtdNanos,
                balanceNanos,
                periodEnd,
                requestLink);
    }
}
