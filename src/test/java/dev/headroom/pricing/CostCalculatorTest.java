package dev.headroom.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostCalculatorTest {
    // claude-sonnet-4-5 list prices: $3 in, $15 out, $3.75 / $6 cache writes, $0.30 cache reads,
    // long context above 200k prompt tokens at $6 / $22.50 / $7.50 / $12 / $0.60, $10 per 1000
    // searches.
    static final PriceVersion SONNET =
            new PriceVersion(
                    "claude-sonnet-4-5",
                    Instant.parse("2025-01-01T00:00:00Z"),
                    new TokenPrices(3_000, 15_000, 3_750, 6_000, 300),
                    new LongContextTier(
                            200_000, new TokenPrices(6_000, 22_500, 7_500, 12_000, 600)),
                    10_000_000,
                    50);

    @ParameterizedTest(
            name = "in={0} out={1} w5={2} w1={3} read={4} search={5} batch={6} -> {7} nanos")
    @CsvSource({
        // 1,200 in and 800 out: 0.0036 + 0.012 = $0.0156
        "1200, 800, 0, 0, 0, 0, false, 15600000",
        // one million output tokens cost exactly $15
        "0, 1000000, 0, 0, 0, 0, false, 15000000000",
        // cache classes: 1000 x 3750 + 1000 x 6000 + 10000 x 300
        "0, 0, 1000, 1000, 10000, 0, false, 12750000",
        // web search: 3 calls at $0.01
        "0, 0, 0, 0, 0, 3, false, 30000000",
        // exactly 200k prompt tokens stays on the base tier
        "200000, 0, 0, 0, 0, 0, false, 600000000",
        // one token more moves the whole request, output included, to the long-context tier
        "200001, 1000, 0, 0, 0, 0, false, 1222506000",
        // cache reads count toward the long-context threshold
        "1000, 0, 0, 0, 200000, 0, false, 126000000",
        // batch halves token prices, not web search
        "1200, 800, 0, 0, 0, 2, true, 27800000"
    })
    void XU20_costIsExactFromThePriceBook(
            long in,
            long out,
            long w5,
            long w1,
            long read,
            long search,
            boolean batch,
            long nanos) {
        TokenUsage usage = new TokenUsage(in, out, w5, w1, read, search, batch);
        assertThat(CostCalculator.costNanos(SONNET, usage)).isEqualTo(nanos);
    }

    @Test
    void XU20_aModelWithoutLongContextKeepsItsBasePrices() {
        PriceVersion haiku =
                new PriceVersion(
                        "claude-haiku-4-5",
                        Instant.EPOCH,
                        new TokenPrices(1_000, 5_000, 1_250, 2_000, 100),
                        null,
                        10_000_000,
                        50);
        assertThat(CostCalculator.costNanos(haiku, new TokenUsage(500_000, 0, 0, 0, 0, 0, false)))
                .isEqualTo(500_000_000L);
    }

    @Test
    void XU20_theVersionInForceAtTheTimestampIsUsed() {
        PriceVersion later =
                new PriceVersion(
                        "claude-sonnet-4-5",
                        Instant.parse("2027-01-01T00:00:00Z"),
                        new TokenPrices(2_000, 10_000, 2_500, 4_000, 200),
                        null,
                        10_000_000,
                        50);
        PriceBook book =
                new PriceBook(List.of(later, SONNET), Map.of("sonnet", "claude-sonnet-4-5"));
        assertThat(book.priceAt("claude-sonnet-4-5", Instant.parse("2026-12-31T23:59:59Z")))
                .contains(SONNET);
        assertThat(book.priceAt("claude-sonnet-4-5", Instant.parse("2027-01-01T00:00:00Z")))
                .contains(later);
        assertThat(book.priceAt("claude-sonnet-4-5", Instant.parse("2024-12-31T00:00:00Z")))
                .isEmpty();
        assertThat(book.resolve("claude-sonnet-4-5-20250929")).contains("claude-sonnet-4-5");
        assertThat(book.resolve("sonnet")).contains("claude-sonnet-4-5");
        assertThat(book.resolve("gpt-4")).isEmpty();
    }
}
