package dev.headroom.metering.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.db.DbSnapshot;
import dev.headroom.metering.RequestLinks;
import dev.headroom.metering.rules.WindowUsage;
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
                    RequestLinks.RequestFacts.NONE,
                    DbSnapshot.NONE);

    final AtomicInteger loads = new AtomicInteger();

    AdmissionCache.MemberPart read(AdmissionCache cache, String period) {
        return read(cache, part -> part.period().equals(period), PART);
    }

    /** Reads m1's part; a load, counted, gives {@code loaded}. */
    AdmissionCache.MemberPart read(
            AdmissionCache cache,
            java.util.function.Predicate<AdmissionCache.MemberPart> fresh,
            AdmissionCache.MemberPart loaded) {
        return cache.member("org", "m1", fresh, () -> load(loaded, () -> {}));
    }

    /** Reads m1's part, any period, with {@code meanwhile} done while its load is reading. */
    AdmissionCache.MemberPart readWhile(
            AdmissionCache cache, Runnable meanwhile, AdmissionCache.MemberPart loaded) {
        return cache.member("org", "m1", part -> true, () -> load(loaded, meanwhile));
    }

    AdmissionCache.MemberPart load(AdmissionCache.MemberPart loaded, Runnable meanwhile) {
        loads.incrementAndGet();
        meanwhile.run();
        return loaded;
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
        readWhile(cache, () -> cache.memberChanged("org", "m1"), PART);
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

    static AdmissionCache.MemberPart seen(String snapshot, long memberExtraNanos) {
        return new AdmissionCache.MemberPart(
                PART.member(),
                Map.of(),
                "2027-01",
                memberExtraNanos,
                RequestLinks.RequestFacts.NONE,
                DbSnapshot.parse(snapshot));
    }

    AdmissionCache.MemberPart read(AdmissionCache cache, AdmissionCache.MemberPart loaded) {
        return read(cache, part -> true, loaded);
    }

    @Test
    void issue14_anAnnouncementOfACommitThatTheLoadSawKeepsThePart() {
        AdmissionCache cache = new AdmissionCache(true, true);
        // Loaded after transaction 15 ended (its snapshot sees 15), before 18 had.
        AdmissionCache.MemberPart part = seen("14:19:18", 5);
        read(cache, part);
        cache.memberCommitted("org", "m1", 15);
        assertThat(read(cache, part)).isSameAs(part);
        assertThat(loads).as("15 is held already: not loaded again").hasValue(1);
        cache.memberCommitted("org", "m1", 18);
        read(cache, seen("19:20:", 7));
        assertThat(loads).as("18 ended after the load: dropped").hasValue(2);
        cache.memberCommitted("org", "m1", 21);
        read(cache, part);
        assertThat(loads).as("21 began after the load").hasValue(3);
    }

    @Test
    void issue14_aChangeOfThisNodeDropsThePartWhateverItsSnapshot() {
        AdmissionCache cache = new AdmissionCache(true, true);
        read(cache, seen("14:19:", 5));
        cache.memberChanged("org", "m1");
        read(cache, seen("14:19:", 5));
        assertThat(loads).hasValue(2);
        cache.orgCommitted("org", 3);
        assertThat(
                        cache.org(
                                "org",
                                part -> true,
                                () -> {
                                    loads.incrementAndGet();
                                    return null;
                                }))
                .isNull();
        assertThat(loads).as("an org not kept is simply loaded").hasValue(3);
    }

    @Test
    void issue14_anOlderLoadThatEndsLastDoesNotReplaceANewerOne() {
        AdmissionCache cache = new AdmissionCache(true, true);
        AdmissionCache.MemberPart older = seen("14:19:18", 5);
        AdmissionCache.MemberPart newer = seen("19:20:", 7);
        // The older load is still reading when a newer one (after 18 committed) is kept.
        AdmissionCache.MemberPart answered = readWhile(cache, () -> read(cache, newer), older);
        assertThat(answered).as("its own caller, concurrent with 18, gets it").isSameAs(older);
        // 18's announcement arrives: the kept part saw it, so it stays — and it is the newer one.
        cache.memberCommitted("org", "m1", 18);
        assertThat(read(cache, older)).isSameAs(newer);
        assertThat(loads).hasValue(2);
    }

    static final java.time.Instant START = java.time.Instant.parse("2027-01-05T10:00:00Z");

    static AdmissionCache.MemberPart withWindow(String snapshot, long extra, long used) {
        return new AdmissionCache.MemberPart(
                PART.member(),
                Map.of("session", new WindowUsage("session", START, used)),
                "2027-01",
                extra,
                RequestLinks.RequestFacts.NONE,
                DbSnapshot.parse(snapshot));
    }

    static SettledFigures.Member settled(long xid, long extra, long used) {
        return new SettledFigures.Member(
                xid,
                Map.of("2027-01", extra),
                java.util.List.of(new WindowUsage("session", START, used)));
    }

    @Test
    void issue14_aSettlementOfThisNodeBringsTheKeptPartUpToDateWithoutALoad() {
        AdmissionCache cache = new AdmissionCache(true, true);
        read(cache, withWindow("14:19:", 5, 100));
        cache.memberSettled("org", "m1", settled(22, 9, 130));
        AdmissionCache.MemberPart after = read(cache, PART);
        assertThat(loads).as("answered from memory").hasValue(1);
        assertThat(after.memberExtraNanos()).isEqualTo(9);
        assertThat(after.windows().get("session").usedNanos()).isEqualTo(130);
        // Its own announcement, heard from the database later, keeps it.
        cache.memberCommitted("org", "m1", 22);
        assertThat(read(cache, PART)).isSameAs(after);
        assertThat(loads).hasValue(1);
        // Another transaction it did not see still drops it.
        cache.memberCommitted("org", "m1", 21);
        read(cache, PART);
        assertThat(loads).hasValue(2);
    }

    @Test
    void issue14_aPartAheadOfTheSettlementsFiguresIsDroppedNotSetBack() {
        AdmissionCache cache = new AdmissionCache(true, true);
        // Settlements of one member may end out of order: the later one's figures came first.
        read(cache, withWindow("14:19:", 9, 130));
        cache.memberSettled("org", "m1", settled(22, 5, 100));
        read(cache, PART);
        assertThat(loads).as("spend would go back: loaded again").hasValue(2);
        cache.memberChanged("org", "m1");
        read(cache, withWindow("14:19:", 5, 130));
        cache.memberSettled("org", "m1", settled(23, 5, 100));
        read(cache, PART);
        assertThat(loads).as("a window would go back").hasValue(4);
    }

    @Test
    void issue14_aChangeBetweenTheLoadAndTheSettlementDropsThePart() {
        AdmissionCache cache = new AdmissionCache(true, true);
        read(cache, withWindow("14:19:", 5, 100));
        // Told before the settlement's own news: what is kept is not current any more.
        cache.memberChanged("org", "m1");
        cache.memberSettled("org", "m1", settled(22, 9, 130));
        assertThat(read(cache, PART)).isSameAs(PART);
        assertThat(loads).hasValue(2);
        // A load still reading when the settlement is applied is not kept over it either.
        cache.memberChanged("org", "m1");
        AdmissionCache.MemberPart raced = withWindow("14:19:", 5, 100);
        readWhile(cache, () -> cache.memberSettled("org", "m1", settled(23, 9, 130)), raced);
        read(cache, PART);
        assertThat(loads).as("the racing load's part is not used").hasValue(4);
    }

    @Test
    void issue14_anOrgPartTakesTheOrgsSpendAndKeepsTheRest() {
        AdmissionCache cache = new AdmissionCache(true, true);
        AdmissionCache.OrgPart org =
                new AdmissionCache.OrgPart(
                        null,
                        dev.headroom.metering.rules.ExtraUsageSettings.DEFAULT,
                        Map.of(),
                        "2027-01",
                        40,
                        null,
                        DbSnapshot.parse("14:19:"));
        java.util.function.Supplier<AdmissionCache.OrgPart> load =
                () -> {
                    loads.incrementAndGet();
                    return org;
                };
        cache.org("org", p -> true, load);
        cache.orgSettled("org", new SettledFigures.Org(22, Map.of("2027-01", 55L)));
        AdmissionCache.OrgPart after = cache.org("org", p -> true, load);
        assertThat(loads).hasValue(1);
        assertThat(after.orgExtraNanos()).isEqualTo(55);
        assertThat(after.settings()).isSameAs(org.settings());
        // A settlement without figures (a Team balance debited) drops it.
        cache.orgSettled("org", null);
        cache.org("org", p -> true, load);
        assertThat(loads).hasValue(2);
    }
}
