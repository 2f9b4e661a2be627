package dev.headroom.metering.rules;

/**
 * XU-19: a request's cost first fills what is left of the included allowance; the remainder is
 * extra usage when the member is eligible at settlement time, otherwise an unbilled included
 * overshoot. Caps and balance gate admissions only and never change the split.
 */
public record SettlementSplit(long includedNanos, long extraNanos) {

    public static SettlementSplit of(
            long costNanos, long includedRemainingNanos, boolean extraEligible) {
        if (costNanos < 0 || includedRemainingNanos < 0) {
            throw new IllegalArgumentException("cost and remaining allowance must not be negative");
        }
        long included = Math.min(costNanos, includedRemainingNanos);
        long rest = costNanos - included;
        return extraEligible
                ? new SettlementSplit(included, rest)
                : new SettlementSplit(costNanos, 0);
    }
}
