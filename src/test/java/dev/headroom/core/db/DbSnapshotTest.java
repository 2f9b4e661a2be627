package dev.headroom.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Issue 14: which committed transactions a load saw, read as PostgreSQL defines it. */
class DbSnapshotTest {

    @Test
    void aTransactionIsSeenWhenItEndedBeforeTheSnapshot() {
        DbSnapshot s = DbSnapshot.parse("10:20:15,12");
        assertThat(s.sees(9)).as("below xmin").isTrue();
        assertThat(s.sees(10)).as("xmin itself was running").isTrue();
        assertThat(s.sees(12)).as("in progress").isFalse();
        assertThat(s.sees(13)).as("ended between xmin and xmax").isTrue();
        assertThat(s.sees(15)).as("in progress").isFalse();
        assertThat(s.sees(20)).as("xmax: not yet begun").isFalse();
        assertThat(s.sees(25)).isFalse();
    }

    @Test
    void aSnapshotWithNothingInProgressAndNoneAtAll() {
        assertThat(DbSnapshot.parse("7:7:").sees(6)).isTrue();
        assertThat(DbSnapshot.parse("7:7:").sees(7)).isFalse();
        assertThat(DbSnapshot.parse(null)).isEqualTo(DbSnapshot.NONE);
        assertThat(DbSnapshot.NONE.sees(1)).isFalse();
    }

    @Test
    void aLaterSnapshotIsNotOlder() {
        DbSnapshot before = DbSnapshot.parse("10:20:12,15");
        DbSnapshot oneEnded = DbSnapshot.parse("10:20:15");
        DbSnapshot later = DbSnapshot.parse("15:23:15");
        assertThat(oneEnded.notOlderThan(before)).isTrue();
        assertThat(before.notOlderThan(oneEnded)).isFalse();
        assertThat(later.notOlderThan(oneEnded)).isTrue();
        assertThat(oneEnded.notOlderThan(later)).isFalse();
        assertThat(before.notOlderThan(before)).isTrue();
    }

    @Test
    void issue14_aSnapshotBroughtUpToDateWithOneTransactionSeesItAndNoOtherMore() {
        DbSnapshot s = DbSnapshot.parse("10:20:12,15");
        DbSnapshot with15 = s.alsoSeeing(15).orElseThrow();
        assertThat(with15.sees(15)).isTrue();
        assertThat(with15.sees(12)).as("still in progress for it").isFalse();
        assertThat(s.alsoSeeing(13).orElseThrow()).as("seen already").isEqualTo(s);
        // Begun after the snapshot: those between it and xid stay unseen.
        DbSnapshot with23 = s.alsoSeeing(23).orElseThrow();
        assertThat(with23.sees(23)).isTrue();
        for (long unseen : new long[] {12, 15, 20, 21, 22, 24}) {
            assertThat(with23.sees(unseen)).as("%d", unseen).isFalse();
        }
        assertThat(with23.sees(13)).isTrue();
        assertThat(s.alsoSeeing(20 + DbSnapshot.GAP_MAX)).isPresent();
        assertThat(s.alsoSeeing(21 + DbSnapshot.GAP_MAX)).as("too far ahead").isEmpty();
    }

    @Test
    void notASnapshotIsRefused() {
        assertThatThrownBy(() -> DbSnapshot.parse("10:20"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DbSnapshot.parse("30:20:"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
