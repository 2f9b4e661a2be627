package dev.headroom.metering.rules;

import dev.headroom.organization.Plan;
import java.time.Instant;
import java.util.List;

/**
 * Everything the admission policy looks at, read at one instant. Spend figures are settled extra
 * usage of the current billing period; {@code balanceNanos} is {@code null} off Team.
 */
public record AdmissionInput(
        Plan plan,
        boolean orgSuspended,
        List<WindowState> windows,
        boolean extraUsageEligible,
        EffectiveCap memberCap,
        long memberMtdNanos,
        Long orgCapNanos,
        long orgMtdNanos,
        Long balanceNanos,
        Instant periodEnd,
        RequestLink requestLink) {}
