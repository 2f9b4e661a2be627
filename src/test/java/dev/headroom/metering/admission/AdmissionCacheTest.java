package dev.headroom.metering.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.RequestLinks;
import dev.headroom.organization.Member;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 6 / XU-18: when the in-memory admission state may be used, and when it must not. */
class AdmissionCacheTest {
    static final AdmissionCache.MemberPart PART =
            new AdmissionCache.MemberPart(
                    new Member(
                            "org", "m1", "a@b.c", "A", Role.MEMBER, SeatType.STANDARD, null, null),
                    Map.of(),
                    "2027-01",
                    0,
                    RequestLinks.RequestFacts.NONE);

    final AtomicInteger loads = new AtomicInteger();

    AdmissionCache.MemberPart read(AdmissionCache cache, String period) {
        return cache.member(
                "org",
                "m1",
                part -> part.period().equals(period),
                () -> {
                    loads.incrementAndGet();
                    return PART;
                });
    }

    @Test
    void aCurrentPartIsReadFromMemoryUntilItChanges() {
        AdmissionCache cache = new AdmissionCache(true, true);
        read(cache, "2027-01");
        read(cache, "2027-01");
        assertThat(loads).hasValue(1);
        cache.memberChanged("org", "m1");
        read(cache, "2027-01");
        assertThat(loads).hasValue(2);
        // Another member's change may share a stripe, never hides this member's change.
        cache.memberChanged("org", "m2");
        read(cache, "2027-01");
        assertThat(loads.get()).isBetween(2, 3);
    }

    @Test
    void aPartOfAnotherBillingPeriodIsLoadedAgain() {
        AdmissionCache cache = new AdmissionCache(true, true);
        read(cache, "2027-01");
        read(cache, "2027-02");
        assertThat(loads).hasValue(2);
    }

    @Test
    void XU18_aLoadThatRacedACommitIsNeverUsed() {
        AdmissionCache cache = new AdmissionCache(true, true);
        // The change commits while the load is reading: what it read may be from before.
        cache.member(
                "org",
                "m1",
                part -> true,
                () -> {
                    loads.incrementAndGet();
                    cache.memberChanged("org", "m1");
                    return PART;
                });
        read(cache, "2027-01");
        assertThat(loads).hasValue(2);
        read(cache, "2027-01");
        assertThat(loads).hasValue(2);
    }

    @Test
    void withoutTheNotificationChannelEveryReadGoesToTheDatabase() {
        AdmissionCache cache = new AdmissionCache(true, false);
        read(cache, "2027-01");
        read(cache, "2027-01");
        assertThat(loads).hasValue(2);
        cache.reset(true);
        read(cache, "2027-01");
        read(cache, "2027-01");
        assertThat(loads).hasValue(3);
        // Losing the channel forgets everything kept so far.
        cache.reset(false);
        read(cache, "2027-01");
        assertThat(loads).hasValue(4);
    }

    @Test
    void aDisabledCacheAlwaysLoadsAndAnUnknownMemberIsNotKept() {
        AdmissionCache off = new AdmissionCache(false, true);
        read(off, "2027-01");
        read(off, "2027-01");
        assertThat(loads).hasValue(2);
        AdmissionCache on = new AdmissionCache(true, true);
        for (int i = 0; i < 2; i++) {
            assertThat(
                            on.member(
                                    "org",
                                    "ghost",
                                    p -> true,
                                    () -> {
                                        loads.incrementAndGet();
                                        return null;
                                    }))
                    .isNull();
        }
        assertThat(loads).hasValue(4);
    }
}
