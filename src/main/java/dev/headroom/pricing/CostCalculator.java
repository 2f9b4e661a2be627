package dev.headroom.pricing;

/**
 * The cost of one request, exactly, in nanos (XU-20). Pure: the caller chooses the price version in
 * force at the request's timestamp.
 *
 * <p>Rules: when the prompt (input plus cache reads and writes) exceeds the long-context threshold,
 * every token class of the request is priced at the long-context tier, as the Messages API bills
 * it. Batch requests get the batch discount on tokens, floored to whole nanos per token; web search
 * is priced per call and never discounted.
 */
public final class CostCalculator {
    private CostCalculator() {}

    public static long costNanos(PriceVersion price, TokenUsage usage) {
        TokenPrices tier = tierFor(price, usage);
        long tokens =
                Math.addExact(
                        Math.addExact(
                                perToken(usage.inputTokens(), tier.inputNanos(), price, usage),
                                perToken(usage.outputTokens(), tier.outputNanos(), price, usage)),
                        Math.addExact(
                                Math.addExact(
                                        perToken(
                                                usage.cacheWrite5mTokens(),
                                                tier.cacheWrite5mNanos(),
                                                price,
                                                usage),
                                        perToken(
                                                usage.cacheWrite1hTokens(),
                                                tier.cacheWrite1hNanos(),
                                                price,
                                                usage)),
                                perToken(
                                        usage.cacheReadTokens(),
                                        tier.cacheReadNanos(),
                                        price,
                                        usage)));
        long webSearch =
                Math.multiplyExact(usage.webSearchRequests(), price.webSearchPerCallNanos());
        return Math.addExact(tokens, webSearch);
    }

    static TokenPrices tierFor(PriceVersion price, TokenUsage usage) {
        LongContextTier longContext = price.longContext();
        if (longContext != null && usage.promptTokens() > longContext.thresholdInputTokens()) {
            return longContext.prices();
        }
        return price.base();
    }

    private static long perToken(
            long tokens, long nanosPerToken, PriceVersion price, TokenUsage usage) {
        long unitPrice =
                usage.batch()
                        ? nanosPerToken * (100 - price.batchDiscountPercent()) / 100
                        : nanosPerToken;
        return Math.multiplyExact(tokens, unitPrice);
    }
}
