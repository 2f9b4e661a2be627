package dev.headroom.metering.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** XU-19: included first, the rest extra when eligible, otherwise an unbilled overshoot. */
class SettlementSplitTest {

    @ParameterizedTest(name = "cost {0}, remaining {1}, eligible {2} -> included {3}, extra {4}")
    @CsvSource({
        "100, 500, true, 100, 0",
        "100, 30, true, 30, 70",
        "100, 0, true, 0, 100",
        "100, 30, false, 100, 0",
        "0, 0, true, 0, 0"
    })
    void XU19_costFillsIncludedFirst(
            long cost, long remaining, boolean eligible, long included, long extra) {
        assertThat(SettlementSplit.of(cost, remaining, eligible))
                .isEqualTo(new SettlementSplit(included, extra));
    }

    /** A case of the split: a cost, what included usage has left, and eligibility. */
    record Case(long cost, long remaining, boolean eligible) {}

    @Test
    void XU19_theSplitAlwaysAddsUpToTheCost() {
        Properties.forAll(
                19L,
                10_000,
                random ->
                        new Case(
                                Properties.longUpTo(random, 1_000_000_000_000L),
                                Properties.longUpTo(random, 1_000_000_000_000L),
                                random.nextBoolean()),
                c -> {
                    SettlementSplit split =
                            SettlementSplit.of(c.cost(), c.remaining(), c.eligible());
                    assertThat(split.includedNanos() + split.extraNanos()).isEqualTo(c.cost());
                    assertThat(split.extraNanos()).isNotNegative();
                    if (c.eligible()) {
                        assertThat(split.includedNanos()).isLessThanOrEqualTo(c.remaining());
                    } else {
                        assertThat(split.extraNanos()).isZero();
                    }
                });
    }
}
