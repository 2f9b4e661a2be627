package dev.headroom.pricing;

import java.time.Instant;

/**
 * The prices of one model from {@code effectiveFrom} until the next version (XU-20). {@code
 * longContext} is {@code null} for models without a long-context tier.
 */
public record PriceVersion(
        String model,
        Instant effectiveFrom,
        TokenPrices base,
        LongContextTier longContext,
        long webSearchPerCallNanos,
        int batchDiscountPercent) {

    public PriceVersion {
        if (batchDiscountPercent < 0 || batchDiscountPercent > 100) {
            throw new IllegalArgumentException("batch discount must be between 0 and 100");
        }
        if (webSearchPerCallNanos < 0) {
            throw new IllegalArgumentException("web search price must not be negative");
        }
    }
}
