package dev.headroom.metering.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.organization.SeatType;
import org.junit.jupiter.api.Test;

/** XU-11, XU-12: the most specific cap wins; a seat-type cap is a per-member default. */
class EffectiveCapTest {

    @Test
    void XU12_memberOwnCapWinsOverSeatTypeCap_evenWhenHigher() {
        assertThat(EffectiveCap.resolve(80L, 50L))
                .isEqualTo(new EffectiveCap(80L, CapSource.MEMBER));
        assertThat(EffectiveCap.resolve(20L, 50L))
                .isEqualTo(new EffectiveCap(20L, CapSource.MEMBER));
    }

    @Test
    void XU12_withoutAnOwnCapTheSeatTypeCapApplies() {
        assertThat(EffectiveCap.resolve(null, 50L))
                .isEqualTo(new EffectiveCap(50L, CapSource.SEAT_TYPE));
    }

    @Test
    void XU12_withNeitherThereIsNoMemberCap() {
        assertThat(EffectiveCap.resolve(null, null)).isEqualTo(EffectiveCap.UNLIMITED);
        assertThat(EffectiveCap.UNLIMITED.reachedBy(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void XU11_eachSeatTypeHasItsOwnCap() {
        ExtraUsageSettings s =
                new ExtraUsageSettings(true, ExtraUsageScope.ORG, true, false, null, 50L, 200L);
        assertThat(s.seatTypeLimitNanos(SeatType.STANDARD)).isEqualTo(50L);
        assertThat(s.seatTypeLimitNanos(SeatType.PREMIUM)).isEqualTo(200L);
    }

    @Test
    void XU9_scopeAndTheMemberSwitchDecideEligibility() {
        ExtraUsageSettings org =
                new ExtraUsageSettings(true, ExtraUsageScope.ORG, true, false, null, null, null);
        ExtraUsageSettings selected =
                new ExtraUsageSettings(
                        true, ExtraUsageScope.SELECTED, true, false, null, null, null);
        ExtraUsageSettings off =
                new ExtraUsageSettings(false, ExtraUsageScope.ORG, true, false, null, null, null);
        assertThat(org.eligible(null)).isTrue();
        assertThat(org.eligible(false)).isFalse();
        assertThat(selected.eligible(null)).isFalse();
        assertThat(selected.eligible(true)).isTrue();
        // XU-14: off means off for everyone, whatever the member switch says.
        assertThat(off.eligible(true)).isFalse();
    }
}
