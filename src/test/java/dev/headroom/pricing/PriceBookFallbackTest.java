package dev.headroom.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EX-2: an unknown model is unpriced unless the operator named a fallback for its family. */
class PriceBookFallbackTest {
    static final PriceVersion OPUS =
            new PriceVersion(
                    "claude-opus-5-5",
                    Instant.parse("2026-01-01T00:00:00Z"),
                    new TokenPrices(4_000, 20_000, 5_000, 8_000, 200),
                    null,
                    10_000_000,
                    50);

    @Test
    void EX2_withoutAFallbackAnUnknownModelIsUnpriced() {
        PriceBook book = new PriceBook(List.of(OPUS), Map.of());
        assertThat(book.resolve("claude-opus-6")).isEmpty();
        assertThat(book.resolve("claude-opus-5-5-20260918")).contains("claude-opus-5-5");
    }

    @Test
    void EX2_theOperatorsFallbackPricesTheFamilyAndTheLongestPrefixWins() {
        PriceBook book =
                new PriceBook(
                        List.of(OPUS),
                        Map.of(),
                        PriceBookService.parseFallbacks(
                                "claude-opus-*=claude-opus-5-5, claude-opus-9-*=claude-missing"));
        assertThat(book.resolve("claude-opus-6")).contains("claude-opus-5-5");
        // A fallback to a model the book lacks prices nothing; the shorter prefix then applies.
        assertThat(book.resolve("claude-opus-9-1")).contains("claude-opus-5-5");
        assertThat(book.resolve("claude-sonnet-9")).isEmpty();
        assertThat(book.priceAt("claude-opus-6", Instant.parse("2027-01-01T00:00:00Z")))
                .contains(OPUS);
    }

    @Test
    void EX2_aMalformedFallbackStopsTheStart() {
        assertThatThrownBy(() -> PriceBookService.parseFallbacks("claude-opus=claude-opus-5-5"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("claude-opus-*=claude-opus-5-5");
    }
}
