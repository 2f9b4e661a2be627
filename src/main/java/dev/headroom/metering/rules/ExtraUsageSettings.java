package dev.headroom.metering.rules;

/** An org's extra-usage settings; caps are nanos, {@code null} meaning unlimited (XU-8, XU-11). */
public record ExtraUsageSettings(
        boolean enabled,
        ExtraUsageScope scope,
        boolean requestsEnabled,
        boolean strict,
        Long spendLimitNanos,
        Long standardLimitNanos,
        Long premiumLimitNanos) {

    public static final ExtraUsageSettings DEFAULT =
            new ExtraUsageSettings(false, ExtraUsageScope.ORG, true, false, null, null, null);

    /**
     * XU-9, XU-14: eligible when extra usage is on and the member is in scope; a member's own
     * switch ({@code memberOverride}) wins over the org's scope.
     */
    public boolean eligible(Boolean memberOverride) {
        if (!enabled) {
            return false;
        }
        return memberOverride != null ? memberOverride : scope == ExtraUsageScope.ORG;
    }

    /**
     * XU-11, XU-12: a member's effective cap on an org of {@code plan}; usage-based orgs have no
     * member caps.
     */
    public EffectiveCap capOf(
            dev.headroom.organization.Plan plan, dev.headroom.organization.Member member) {
        if (!plan.hasSeats()) {
            return EffectiveCap.UNLIMITED;
        }
        return EffectiveCap.resolve(
                member.spendLimit() == null ? null : member.spendLimit().nanos(),
                seatTypeLimitNanos(member.seatType()));
    }

    public Long seatTypeLimitNanos(dev.headroom.organization.SeatType seatType) {
        if (seatType == null) {
            return null;
        }
        return switch (seatType) {
            case STANDARD -> standardLimitNanos;
            case PREMIUM -> premiumLimitNanos;
        };
    }
}
