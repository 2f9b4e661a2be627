package dev.headroom.metering;

/**
 * Published inside a settlement transaction when extra spend of the current period grew: for a
 * member ({@code memberId} set) with their effective cap, or for the org ({@code memberId} {@code
 * null}) with the org cap. Caps are {@code null} when unlimited.
 */
public record ExtraSpendSettled(
        String orgId,
        String memberId,
        String period,
        long beforeNanos,
        long afterNanos,
        Long capNanos) {

    /**
     * True when this settlement took spend from below {@code percent} % of the cap to at or above
     * it.
     */
    public boolean crossed(int percent) {
        if (capNanos == null || capNanos <= 0) {
            return false;
        }
        // Compare spend x 100 with cap x percent so that no fraction of a nano is rounded away.
        long threshold = Math.multiplyExact(capNanos, (long) percent);
        return Math.multiplyExact(beforeNanos, 100L) < threshold
                && Math.multiplyExact(afterNanos, 100L) >= threshold;
    }
}
