package dev.headroom.metering.admission;

import dev.headroom.core.StateChanges;
import dev.headroom.core.db.DbSnapshot;
import dev.headroom.metering.RequestLinks;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.metering.rules.WindowUsage;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.SeatType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Committed admission state kept in memory (issue 6), so that an admission needs no database round
 * trip: an org's part (org row, settings, allowances, org spend, balance) and each member's part
 * (member row, windows, member spend, requests).
 *
 * <p>Exactness (XU-18): every write tells {@link StateChanges} before it answers its caller, which
 * bumps the version of what it changed here. A part is loaded under the version it had before the
 * load began, and used only while that version is current — so a load that raced a commit is never
 * used, and on this node no admission after an acknowledged change sees the old state. Other nodes'
 * writes arrive through PostgreSQL notifications ({@link dev.headroom.core.db.StateNotifications}),
 * each naming the transaction that committed it: a part whose load already saw that transaction
 * (its {@link DbSnapshot}) is kept — so this node's own settlements, heard once more from the
 * database, do not drop the state it just loaded; while that channel is down the cache is not
 * trusted and every admission reads the database.
 *
 * <p>Versions live in a fixed array of stripes, so they cost no memory per member; a change to one
 * member may also invalidate a few unrelated ones (a harmless extra load).
 */
public class AdmissionCache implements StateChanges.Listener {
    private static final int STRIPES = 1 << 14;
    // Past this many cached members the member parts are dropped and loaded again as needed.
    private static final int MEMBERS_MAX = 200_000;
    // Likewise for orgs.
    private static final int ORGS_MAX = 50_000;

    /** What a part was read under: which committed transactions it holds. */
    public interface Loaded {
        DbSnapshot seen();
    }

    /** An org's admission inputs, for one billing period. */
    public record OrgPart(
            Org org,
            ExtraUsageSettings settings,
            Map<SeatType, List<WindowAllowance>> allowances,
            String period,
            long orgExtraNanos,
            Long balanceNanos,
            DbSnapshot seen)
            implements Loaded {}

    /** A member's admission inputs, for one billing period. */
    public record MemberPart(
            Member member,
            Map<String, WindowUsage> windows,
            String period,
            long memberExtraNanos,
            RequestLinks.RequestFacts requests,
            DbSnapshot seen)
            implements Loaded {}

    private record Versioned<T extends Loaded>(long epoch, long version, T value) {
        /** Whether this load began after {@code other}'s, so it holds at least as much. */
        boolean notOlderThan(Versioned<T> other) {
            if (epoch != other.epoch) {
                return epoch > other.epoch;
            }
            if (version != other.version) {
                return version > other.version;
            }
            return value.seen().notOlderThan(other.value.seen());
        }
    }

    private record MemberKey(String orgId, String memberId) {}

    private final boolean enabled;
    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean trusted;
    private final java.util.concurrent.atomic.LongAdder hits =
            new java.util.concurrent.atomic.LongAdder();
    private final BooleanSupplier leaseFresh;
    private final Map<String, Versioned<OrgPart>> orgs = new ConcurrentHashMap<>();
    private final Map<MemberKey, Versioned<MemberPart>> members = new ConcurrentHashMap<>();

    public AdmissionCache(boolean enabled, boolean trustedFromStart) {
        this(enabled, trustedFromStart, () -> true);
    }

    /** {@code leaseFresh}: whether this node's lease allows memory at all (issue 15). */
    public AdmissionCache(boolean enabled, boolean trustedFromStart, BooleanSupplier leaseFresh) {
        this.leaseFresh = leaseFresh;
        this.enabled = enabled;
        this.trusted = trustedFromStart;
    }

    public boolean enabled() {
        return enabled;
    }

    /** How many parts were answered from memory so far (tests: memory is really used). */
    public long hits() {
        return hits.sum();
    }

    /**
     * The org's part: from memory while it is current and {@code fresh} (of this billing period),
     * else loaded and kept.
     */
    public OrgPart org(String orgId, Predicate<OrgPart> fresh, Supplier<OrgPart> load) {
        if (orgs.size() > ORGS_MAX) {
            forget(orgs);
        }
        return get(orgs, orgId, stripe(orgId), fresh, load);
    }

    /** A member's part, likewise; {@code null} (not kept) when there is no such member. */
    public MemberPart member(
            String orgId, String memberId, Predicate<MemberPart> fresh, Supplier<MemberPart> load) {
        if (members.size() > MEMBERS_MAX) {
            forget(members);
        }
        return get(members, new MemberKey(orgId, memberId), stripe(orgId, memberId), fresh, load);
    }

    /**
     * Drops every part; a load under way then is not kept (a kept part's absence would otherwise
     * let an older load than the dropped one stand in for it).
     */
    private void forget(Map<?, ?> parts) {
        epoch.incrementAndGet();
        parts.clear();
    }

    private <K, T extends Loaded> T get(
            Map<K, Versioned<T>> parts, K key, int stripe, Predicate<T> fresh, Supplier<T> load) {
        if (!enabled || !trusted || !leaseFresh.getAsBoolean()) {
            return load.get();
        }
        long currentEpoch = epoch.get();
        long version = versions.get(stripe);
        Versioned<T> cached = parts.get(key);
        if (cached != null
                && cached.epoch() == currentEpoch
                && cached.version() == version
                && fresh.test(cached.value())) {
            hits.increment();
            return cached.value();
        }
        T loaded = load.get();
        if (loaded != null) {
            // Of two loads of one part, the later one is kept: the earlier may predate a commit
            // that the later one holds and whose announcement therefore left it in place.
            Versioned<T> made = new Versioned<>(currentEpoch, version, loaded);
            parts.merge(key, made, (kept, next) -> next.notOlderThan(kept) ? next : kept);
        }
        return loaded;
    }

    @Override
    public void orgChanged(String orgId) {
        versions.incrementAndGet(stripe(orgId));
        orgs.remove(orgId);
    }

    @Override
    public void memberChanged(String orgId, String memberId) {
        versions.incrementAndGet(stripe(orgId, memberId));
        members.remove(new MemberKey(orgId, memberId));
    }

    /**
     * A settlement of this node committed: a kept part current until now takes its figures, under a
     * new version (so a load that raced the commit is not kept over it); any other is dropped.
     */
    @Override
    public void orgSettled(String orgId, StateChanges.Settled after) {
        if (after instanceof SettledFigures.Org figures) {
            settle(orgs, orgId, stripe(orgId), figures::applyTo);
        } else {
            orgChanged(orgId);
        }
    }

    @Override
    public void memberSettled(String orgId, String memberId, StateChanges.Settled after) {
        if (after instanceof SettledFigures.Member figures) {
            settle(
                    members,
                    new MemberKey(orgId, memberId),
                    stripe(orgId, memberId),
                    figures::applyTo);
        } else {
            memberChanged(orgId, memberId);
        }
    }

    private <K, T extends Loaded> void settle(
            Map<K, Versioned<T>> parts, K key, int stripe, UnaryOperator<T> apply) {
        long version = versions.incrementAndGet(stripe);
        long currentEpoch = epoch.get();
        parts.computeIfPresent(
                key,
                (k, kept) -> {
                    // Kept from before this commit, and nothing else changed its stripe since.
                    boolean current =
                            kept.epoch() == currentEpoch
                                    && kept.version() == version - 1
                                    && versions.get(stripe) == version;
                    T after = current ? apply.apply(kept.value()) : null;
                    return after == null ? null : new Versioned<>(currentEpoch, version, after);
                });
    }

    /** Heard from the database: kept when it was loaded after that commit. */
    @Override
    public void orgCommitted(String orgId, long xid) {
        if (!holds(orgs.get(orgId), xid)) {
            orgChanged(orgId);
        }
    }

    @Override
    public void memberCommitted(String orgId, String memberId, long xid) {
        if (!holds(members.get(new MemberKey(orgId, memberId)), xid)) {
            memberChanged(orgId, memberId);
        }
    }

    private static boolean holds(Versioned<?> cached, long xid) {
        return cached != null && cached.value().seen().sees(xid);
    }

    @Override
    public void channel(boolean listening) {
        reset(listening);
    }

    /** Forgets everything; {@code trusted} says whether memory may be used from now on. */
    public void reset(boolean trusted) {
        this.trusted = false;
        epoch.incrementAndGet();
        orgs.clear();
        members.clear();
        this.trusted = trusted;
    }

    private static int stripe(String orgId) {
        return Math.floorMod(orgId.hashCode() * 31 + 1, STRIPES);
    }

    private static int stripe(String orgId, String memberId) {
        return Math.floorMod(orgId.hashCode() * 31 + memberId.hashCode(), STRIPES);
    }
}
