package dev.headroom.bench;

import dev.headroom.metering.rules.AdmissionInput;
import dev.headroom.metering.rules.AdmissionPolicy;
import dev.headroom.metering.rules.CapSource;
import dev.headroom.metering.rules.EffectiveCap;
import dev.headroom.metering.rules.IncludedUsage;
import dev.headroom.metering.rules.RequestLink;
import dev.headroom.metering.rules.SettlementSplit;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Plan;
import dev.headroom.pricing.CostCalculator;
import dev.headroom.pricing.LongContextTier;
import dev.headroom.pricing.PriceVersion;
import dev.headroom.pricing.TokenPrices;
import dev.headroom.pricing.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** JMH micro-benchmarks of the pure core (issue 6): run with {@code bench/jmh.sh}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreBenchmarks {
    static final Instant NOW = Instant.parse("2027-01-15T12:00:00Z");
    static final PriceVersion SONNET =
            new PriceVersion(
                    "claude-sonnet-4-5",
                    Instant.EPOCH,
                    new TokenPrices(3_000, 15_000, 3_750, 6_000, 300),
                    new LongContextTier(
                            200_000, new TokenPrices(6_000, 22_500, 7_500, 12_000, 600)),
                    10_000_000,
                    50);
    static final TokenUsage USAGE = new TokenUsage(12_000, 800, 2_000, 0, 40_000, 1, false);
    static final List<WindowAllowance> WINDOWS =
            List.of(
                    new WindowAllowance("session", Duration.ofHours(5), 5_000_000_000L),
                    new WindowAllowance("weekly", Duration.ofDays(7), 40_000_000_000L));
    static final Map<String, WindowUsage> USED =
            Map.of(
                    "session", new WindowUsage("session", NOW.minusSeconds(3_600), 5_000_000_000L),
                    "weekly", new WindowUsage("weekly", NOW.minusSeconds(86_400), 12_000_000_000L));
    static final AdmissionInput CAPPED =
            new AdmissionInput(
                    Plan.ENTERPRISE_SEAT,
                    false,
                    IncludedUsage.at(WINDOWS, USED, NOW),
                    true,
                    new EffectiveCap(50_000_000_000L, CapSource.SEAT_TYPE),
                    12_000_000_000L,
                    2_000_000_000_000L,
                    900_000_000_000L,
                    null,
                    Instant.parse("2027-02-01T00:00:00Z"),
                    new RequestLink(true, false));

    @Benchmark
    public Object admissionDecision() {
        return AdmissionPolicy.decide(CAPPED);
    }

    // Read through fields the JIT cannot treat as constants, and varied per call, so that the cost
    // is computed each time rather than folded into a constant.
    private PriceVersion price = SONNET;
    private final TokenUsage[] usages = {
        USAGE,
        new TokenUsage(900, 4_000, 0, 0, 0, 0, false),
        new TokenUsage(230_000, 1_500, 0, 3_000, 10_000, 2, false),
        new TokenUsage(50_000, 20_000, 8_000, 0, 0, 0, true)
    };
    private int next;

    @Benchmark
    public long costOfARequest() {
        next = (next + 1) & 3;
        return CostCalculator.costNanos(price, usages[next]);
    }

    @Benchmark
    public Object settlementSplitWithWindows() {
        long remaining = IncludedUsage.remainingNanos(IncludedUsage.at(WINDOWS, USED, NOW));
        SettlementSplit split =
                SettlementSplit.of(CostCalculator.costNanos(SONNET, USAGE), remaining, true);
        return IncludedUsage.charge(WINDOWS, USED, NOW, split.includedNanos());
    }
}
