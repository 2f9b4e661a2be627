package dev.headroom.metering.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XU-2: windows that start at the first usage after the previous one ended. */
class IncludedUsageTest {
    static final List<WindowAllowance> WINDOWS =
            List.of(
                    new WindowAllowance("session", Duration.ofHours(5), 5_000),
                    new WindowAllowance("weekly", Duration.ofDays(7), 40_000));
    static final Instant T0 = Instant.parse("2026-11-02T09:30:00Z");

    @Test
    void XU2_noUsageYetMeansFullAllowanceAndNoResetTime() {
        List<WindowState> states = IncludedUsage.at(WINDOWS, Map.of(), T0);
        assertThat(states)
                .containsExactly(
                        new WindowState("session", 0, 5_000, null),
                        new WindowState("weekly", 0, 40_000, null));
        assertThat(IncludedUsage.remainingNanos(states)).isEqualTo(5_000);
    }

    @Test
    void XU2_theFirstUsageStartsEveryWindow() {
        Map<String, WindowUsage> usages = toMap(IncludedUsage.charge(WINDOWS, Map.of(), T0, 1_000));
        List<WindowState> states = IncludedUsage.at(WINDOWS, usages, T0.plusSeconds(60));
        assertThat(states)
                .containsExactly(
                        new WindowState("session", 1_000, 5_000, T0.plus(Duration.ofHours(5))),
                        new WindowState("weekly", 1_000, 40_000, T0.plus(Duration.ofDays(7))));
    }

    @Test
    void XU2_aWindowResetsAtItsEndAndTheNextStartsWithTheNextUsage() {
        Map<String, WindowUsage> usages = toMap(IncludedUsage.charge(WINDOWS, Map.of(), T0, 5_000));
        assertThat(
                        IncludedUsage.remainingNanos(
                                IncludedUsage.at(
                                        WINDOWS,
                                        usages,
                                        T0.plus(Duration.ofHours(5)).minusNanos(1))))
                .isZero();
        Instant afterReset = T0.plus(Duration.ofHours(6));
        assertThat(IncludedUsage.remainingNanos(IncludedUsage.at(WINDOWS, usages, afterReset)))
                .isEqualTo(5_000);
        Map<String, WindowUsage> next =
                toMap(IncludedUsage.charge(WINDOWS, usages, afterReset, 2_000));
        assertThat(next.get("session")).isEqualTo(new WindowUsage("session", afterReset, 2_000));
        assertThat(next.get("weekly")).isEqualTo(new WindowUsage("weekly", T0, 7_000));
    }

    @Test
    void XU2_theSmallestRemainderOfAllWindowsIsWhatIsLeft() {
        Map<String, WindowUsage> usages = new HashMap<>();
        usages.put("session", new WindowUsage("session", T0, 1_000));
        usages.put("weekly", new WindowUsage("weekly", T0, 39_000));
        assertThat(IncludedUsage.remainingNanos(IncludedUsage.at(WINDOWS, usages, T0)))
                .isEqualTo(1_000);
    }

    @Test
    void lateUsageBeforeTheRunningWindowCountsInTheRunningWindow() {
        Map<String, WindowUsage> usages = toMap(IncludedUsage.charge(WINDOWS, Map.of(), T0, 1_000));
        Map<String, WindowUsage> late =
                toMap(IncludedUsage.charge(WINDOWS, usages, T0.minusSeconds(30), 500));
        assertThat(late.get("session")).isEqualTo(new WindowUsage("session", T0, 1_500));
    }

    @Test
    void availableAgainIsTheLatestResetOfTheExhaustedWindows() {
        List<WindowState> states =
                List.of(
                        new WindowState("session", 5_000, 5_000, T0.plusSeconds(10)),
                        new WindowState("weekly", 40_000, 40_000, T0.plusSeconds(100)));
        assertThat(IncludedUsage.availableAgainAt(states)).isEqualTo(T0.plusSeconds(100));
        assertThat(IncludedUsage.availableAgainAt(List.of(new WindowState("x", 1, 5, T0))))
                .isNull();
    }

    private static Map<String, WindowUsage> toMap(List<WindowUsage> usages) {
        Map<String, WindowUsage> map = new HashMap<>();
        usages.forEach(u -> map.put(u.name(), u));
        return map;
    }
}
