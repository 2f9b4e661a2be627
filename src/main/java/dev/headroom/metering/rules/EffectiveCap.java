package dev.headroom.metering.rules;

/**
 * A member's monthly extra-usage cap after XU-12's resolution: the member's own amount, else their
 * seat type's, else none. {@code capNanos} is {@code null} when unlimited.
 */
public record EffectiveCap(Long capNanos, CapSource source) {

    public static final EffectiveCap UNLIMITED = new EffectiveCap(null, CapSource.NONE);

    /** XU-12: the most specific cap wins. */
    public static EffectiveCap resolve(Long memberOwnNanos, Long seatTypeNanos) {
        if (memberOwnNanos != null) {
            return new EffectiveCap(memberOwnNanos, CapSource.MEMBER);
        }
        if (seatTypeNanos != null) {
            return new EffectiveCap(seatTypeNanos, CapSource.SEAT_TYPE);
        }
        return UNLIMITED;
    }

    /** XU-16: a cap is reached when the spend it bounds is greater than or equal to it. */
    public boolean reachedBy(long spendNanos) {
        return capNanos != null && spendNanos >= capNanos;
    }
}
