package dev.headroom.core.db;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which transactions a read saw: PostgreSQL's {@code pg_current_snapshot()} ({@code
 * xmin:xmax:xip,…}). A transaction id is seen when it ended before the snapshot was taken — below
 * {@code xmin}, or below {@code xmax} and not among those then in progress. A notification names
 * the transaction that committed the change (migration V14), so a node keeps what it loaded after
 * that commit instead of dropping and loading it once more.
 */
public record DbSnapshot(long xmin, long xmax, long[] inProgress) {
    /** Sees nothing: a part without a snapshot is dropped by every change. */
    public static final DbSnapshot NONE = new DbSnapshot(0, 0, new long[0]);

    public DbSnapshot {
        if (xmin > xmax) {
            throw new IllegalArgumentException("xmin " + xmin + " is above xmax " + xmax);
        }
        inProgress = inProgress.clone();
        Arrays.sort(inProgress);
    }

    /** From {@code pg_current_snapshot()::text}; {@link #NONE} for {@code null}. */
    public static DbSnapshot parse(String text) {
        if (text == null) {
            return NONE;
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a snapshot: " + text);
        }
        long[] xip =
                parts[2].isEmpty()
                        ? new long[0]
                        : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
        return new DbSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /** Whether the transaction {@code xid} had ended when this snapshot was taken. */
    public boolean sees(long xid) {
        return xid < xmin || (xid < xmax && Arrays.binarySearch(inProgress, xid) < 0);
    }

    // Past this many transactions begun since the snapshot, alsoSeeing gives up (the part is
    // loaded again instead of carrying a long list).
    static final long GAP_MAX = 1_000;

    /**
     * This snapshot, seeing {@code xid} as well (a part it was loaded under, brought up to date
     * with that transaction's own figures); empty when more than {@link #GAP_MAX} transactions
     * began between the two, each still unseen.
     */
    public Optional<DbSnapshot> alsoSeeing(long xid) {
        if (sees(xid)) {
            return Optional.of(this);
        }
        if (xid < xmax) {
            return Optional.of(
                    new DbSnapshot(
                            xmin, xmax, Arrays.stream(inProgress).filter(x -> x != xid).toArray()));
        }
        if (xid - xmax > GAP_MAX) {
            return Optional.empty();
        }
        // Those begun since the snapshot, before xid, are still not seen.
        long[] unseen = Arrays.copyOf(inProgress, inProgress.length + (int) (xid - xmax));
        for (long x = xmax; x < xid; x++) {
            unseen[inProgress.length + (int) (x - xmax)] = x;
        }
        return Optional.of(new DbSnapshot(xmin, xid + 1, unseen));
    }

    /**
     * Whether this snapshot was taken no earlier than {@code other}, for two taken one after the
     * other: a later one has an equal or higher {@code xmax}, and at an equal one no more
     * transactions in progress.
     */
    public boolean notOlderThan(DbSnapshot other) {
        return xmax != other.xmax
                ? xmax > other.xmax
                : inProgress.length <= other.inProgress.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DbSnapshot s
                && s.xmin == xmin
                && s.xmax == xmax
                && Arrays.equals(s.inProgress, inProgress);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(inProgress);
    }

    @Override
    public String toString() {
        return xmin + ":" + xmax + ":" + Arrays.toString(inProgress);
    }
}
