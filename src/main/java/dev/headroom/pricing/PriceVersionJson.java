package dev.headroom.pricing;

import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.Money;
import java.time.Instant;
import java.util.List;

/**
 * A price version as the API and the price-book data file write it: money strings per million
 * tokens (and per thousand web searches), as the public price lists do.
 */
public record PriceVersionJson(
        String model,
        List<String> aliases,
        Instant effectiveFrom,
        String inputPerMTok,
        String outputPerMTok,
        String cacheWrite5mPerMTok,
        String cacheWrite1hPerMTok,
        String cacheReadPerMTok,
        LongContextJson longContext,
        String webSearchPerThousand,
        Integer batchDiscountPercent) {

    public static final int DEFAULT_BATCH_DISCOUNT_PERCENT = 50;

    public record LongContextJson(
            Long thresholdInputTokens,
            String inputPerMTok,
            String outputPerMTok,
            String cacheWrite5mPerMTok,
            String cacheWrite1hPerMTok,
            String cacheReadPerMTok) {}

    public PriceVersion toVersion(String modelId) {
        if (modelId == null || !modelId.matches("[A-Za-z0-9._:@/-]{1,100}")) {
            throw ApiException.validation(
                    "model must be 1 to 100 letters, digits or . _ : @ / - characters.");
        }
        if (effectiveFrom == null) {
            throw ApiException.validation("effectiveFrom is required.");
        }
        TokenPrices base =
                new TokenPrices(
                        perToken("inputPerMTok", inputPerMTok),
                        perToken("outputPerMTok", outputPerMTok),
                        perToken("cacheWrite5mPerMTok", cacheWrite5mPerMTok),
                        perToken("cacheWrite1hPerMTok", cacheWrite1hPerMTok),
                        perToken("cacheReadPerMTok", cacheReadPerMTok));
        LongContextTier tier = null;
        if (longContext != null) {
            if (longContext.thresholdInputTokens() == null
                    || longContext.thresholdInputTokens() <= 0) {
                throw ApiException.validation(
                        "longContext.thresholdInputTokens must be a positive token count.");
            }
            tier =
                    new LongContextTier(
                            longContext.thresholdInputTokens(),
                            new TokenPrices(
                                    perToken(
                                            "longContext.inputPerMTok", longContext.inputPerMTok()),
                                    perToken(
                                            "longContext.outputPerMTok",
                                            longContext.outputPerMTok()),
                                    perToken(
                                            "longContext.cacheWrite5mPerMTok",
                                            longContext.cacheWrite5mPerMTok()),
                                    perToken(
                                            "longContext.cacheWrite1hPerMTok",
                                            longContext.cacheWrite1hPerMTok()),
                                    perToken(
                                            "longContext.cacheReadPerMTok",
                                            longContext.cacheReadPerMTok())));
        }
        long webSearch =
                webSearchPerThousand == null
                        ? 0
                        : divideExactly(
                                "webSearchPerThousand",
                                Amounts.nonNegative("webSearchPerThousand", webSearchPerThousand),
                                1_000);
        int discount =
                batchDiscountPercent == null
                        ? DEFAULT_BATCH_DISCOUNT_PERCENT
                        : batchDiscountPercent;
        if (discount < 0 || discount > 100) {
            throw ApiException.validation("batchDiscountPercent must be between 0 and 100.");
        }
        return new PriceVersion(modelId, effectiveFrom, base, tier, webSearch, discount);
    }

    public static PriceVersionJson of(PriceVersion version, List<String> aliases) {
        LongContextJson lc = null;
        if (version.longContext() != null) {
            TokenPrices p = version.longContext().prices();
            lc =
                    new LongContextJson(
                            version.longContext().thresholdInputTokens(),
                            perMTok(p.inputNanos()),
                            perMTok(p.outputNanos()),
                            perMTok(p.cacheWrite5mNanos()),
                            perMTok(p.cacheWrite1hNanos()),
                            perMTok(p.cacheReadNanos()));
        }
        TokenPrices b = version.base();
        return new PriceVersionJson(
                version.model(),
                aliases,
                version.effectiveFrom(),
                perMTok(b.inputNanos()),
                perMTok(b.outputNanos()),
                perMTok(b.cacheWrite5mNanos()),
                perMTok(b.cacheWrite1hNanos()),
                perMTok(b.cacheReadNanos()),
                lc,
                Money.ofNanos(version.webSearchPerCallNanos() * 1_000).toDecimalString(),
                version.batchDiscountPercent());
    }

    private static String perMTok(long nanosPerToken) {
        return Money.ofNanos(Math.multiplyExact(nanosPerToken, 1_000_000L)).toDecimalString();
    }

    private static long perToken(String field, String perMTok) {
        return divideExactly(field, Amounts.nonNegative(field, perMTok), 1_000_000);
    }

    private static long divideExactly(String field, Money amount, long divisor) {
        if (amount.nanos() % divisor != 0) {
            throw ApiException.validation(
                    field
                            + " must come to a whole number of nano-units per "
                            + (divisor == 1_000 ? "call" : "token")
                            + " (at most "
                            + (divisor == 1_000 ? 6 : 3)
                            + " decimals), got "
                            + amount.toDecimalString()
                            + ".");
        }
        return amount.nanos() / divisor;
    }
}
