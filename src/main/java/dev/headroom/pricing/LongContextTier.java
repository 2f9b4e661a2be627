package dev.headroom.pricing;

/** Prices that replace the base tier for a whole request whose prompt exceeds the threshold. */
public record LongContextTier(long thresholdInputTokens, TokenPrices prices) {}
