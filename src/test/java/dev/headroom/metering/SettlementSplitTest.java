package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
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

    @Property
    void XU19_theSplitAlwaysAddsUpToTheCost(
            @ForAll @LongRange(max = 1_000_000_000_000L) long cost,
            @ForAll @LongRange(max = 1_000_000_000_000L) long remaining,
            @ForAll boolean eligible) {
        SettlementSplit split = SettlementSplit.of(cost, remaining, eligible);
        assertThat(split.includedNanos() + split.extraNanos()).isEqualTo(cost);
        assertThat(split.extraNanos()).isNotNegative();
        if (eligible) {
            assertThat(split.includedNanos()).isLessThanOrEqualTo(remaining);
        } else {
            assertThat(split.extraNanos()).isZero();
        }
    }
}
