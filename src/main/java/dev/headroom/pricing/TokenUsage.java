package dev.headroom.pricing;

/**
 * What one model request consumed, by token class (XU-17). Cache writes are split by lifetime;
 * {@code batch} marks a request made through the Message Batches API.
 */
public record TokenUsage(
        long inputTokens,
        long outputTokens,
        long cacheWrite5mTokens,
        long cacheWrite1hTokens,
        long cacheReadTokens,
        long webSearchRequests,
        boolean batch) {

    public TokenUsage {
        if (inputTokens < 0
                || outputTokens < 0
                || cacheWrite5mTokens < 0
                || cacheWrite1hTokens < 0
                || cacheReadTokens < 0
                || webSearchRequests < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    /** All prompt tokens, which decide whether the long-context tier applies. */
    public long promptTokens() {
        return Math.addExact(
                Math.addExact(inputTokens, cacheReadTokens),
                Math.addExact(cacheWrite5mTokens, cacheWrite1hTokens));
    }
}
