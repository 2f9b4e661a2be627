package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** EX-15: the growing delay, from the failures of the last 15 minutes. */
class SignInThrottleTest {
    static final Instant LAST = Instant.parse("2027-01-01T10:00:00Z");

    static SignInThrottle.Failures failures(long count) {
        return new SignInThrottle.Failures(count, LAST);
    }

    @Test
    void EX15_fourFailuresCostNothing() {
        assertThat(failures(4).waitAt(LAST)).isEmpty();
    }

    @Test
    void EX15_theFifthFailureCostsAMinuteAndEachFurtherOneDoublesIt() {
        assertThat(failures(5).waitAt(LAST.plusSeconds(20))).contains(Duration.ofSeconds(40));
        assertThat(failures(6).waitAt(LAST)).contains(Duration.ofMinutes(2));
        assertThat(failures(7).waitAt(LAST)).contains(Duration.ofMinutes(4));
        assertThat(failures(8).waitAt(LAST)).contains(Duration.ofMinutes(8));
    }

    @Test
    void EX15_theDelayStopsGrowingAtFifteenMinutes() {
        assertThat(failures(9).waitAt(LAST)).contains(Duration.ofMinutes(15));
        assertThat(failures(500).waitAt(LAST)).contains(Duration.ofMinutes(15));
    }

    @Test
    void EX15_afterTheDelayTheNextAttemptIsFree() {
        assertThat(failures(5).waitAt(LAST.plus(Duration.ofMinutes(1)))).isEmpty();
        assertThat(failures(9).waitAt(LAST.plus(Duration.ofMinutes(15)))).isEmpty();
    }
}
