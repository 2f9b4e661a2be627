package dev.headroom.pricing;

/** Prices of one tier in nanos per token (a $3 / MTok price is 3,000 nanos per token). */
public record TokenPrices(
        long inputNanos,
        long outputNanos,
        long cacheWrite5mNanos,
        long cacheWrite1hNanos,
        long cacheReadNanos) {

    public TokenPrices {
        if (inputNanos < 0
                || outputNanos < 0
                || cacheWrite5mNanos < 0
                || cacheWrite1hNanos < 0
                || cacheReadNanos < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }
}
