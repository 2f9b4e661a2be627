package dev.headroom.pricing;

/**
 * EX-1: the most a request can cost, as a prompt part and a price per output token. The prompt is
 * priced at the highest rate any prompt token can have — input, cache write (5 minutes or 1 hour)
 * or cache read — because a request does not say which of its tokens the upstream will cache; when
 * the prompt may exceed a long-context threshold, at the higher of both tiers. Server tools (web
 * search) are priced per call and cannot be bounded before the answer: they are not included.
 */
public record WorstCase(long promptNanos, long outputNanosPerToken) {
    public WorstCase {
        if (promptNanos < 0 || outputNanosPerToken < 0) {
            throw new IllegalArgumentException("a worst case is not negative");
        }
    }

    /** For a prompt of at most {@code promptTokens} tokens. */
    public static WorstCase of(PriceVersion price, long promptTokens) {
        TokenPrices base = price.base();
        long input = highestPromptRate(base);
        long output = base.outputNanos();
        LongContextTier longContext = price.longContext();
        if (longContext != null && promptTokens > longContext.thresholdInputTokens()) {
            input = Math.max(input, highestPromptRate(longContext.prices()));
            output = Math.max(output, longContext.prices().outputNanos());
        }
        return new WorstCase(Math.multiplyExact(promptTokens, input), output);
    }

    public long costOf(long maxTokens) {
        return Math.addExact(promptNanos, Math.multiplyExact(maxTokens, outputNanosPerToken));
    }

    private static long highestPromptRate(TokenPrices p) {
        return Math.max(
                Math.max(p.inputNanos(), p.cacheReadNanos()),
                Math.max(p.cacheWrite5mNanos(), p.cacheWrite1hNanos()));
    }
}
