package dev.headroom.metering;

import dev.headroom.core.BillingPeriod;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.AdmissionInput;
import dev.headroom.metering.rules.AdmissionPolicy;
import dev.headroom.metering.rules.EffectiveCap;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.RequestLink;
import dev.headroom.metering.rules.WindowState;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import java.time.Instant;
import java.util.List;

/** A member's settled usage state at one instant, as admission and the usage view read it. */
public record MemberState(
        Org org,
        Member member,
        ExtraUsageSettings settings,
        Instant now,
        BillingPeriod period,
        List<WindowState> windows,
        EffectiveCap cap,
        long memberMtdNanos,
        long orgMtdNanos,
        Long balanceNanos,
        RequestLink requestLink) {

    MemberState withRequestLink(RequestLink link) {
        return new MemberState(
                org,
                member,
                settings,
                now,
                period,
                windows,
                cap,
                memberMtdNanos,
                orgMtdNanos,
                balanceNanos,
                link);
    }

    public Admission admission() {
        return AdmissionPolicy.decide(admissionInput());
    }

    public AdmissionInput admissionInput() {
        return new AdmissionInput(
                org.plan(),
                org.suspended(),
                windows,
                org.plan().hasSeats() && settings.eligible(member.extraUsageOverride()),
                cap,
                memberMtdNanos,
                settings.spendLimitNanos(),
                orgMtdNanos,
                balanceNanos,
                period.end(),
                requestLink);
    }
}
