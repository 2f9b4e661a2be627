package dev.headroom.organization;

import dev.headroom.core.StateChanges;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Found keys kept in memory, with their member's role, so that an API request needs no database
 * round trip to authenticate — and power still follows the member at the next request (EX-12).
 *
 * <p>A key revocation ({@link #keyChanged}) or a change to the member's row ({@link
 * #accessChanged}: role, removal) bumps a version stripe; an entry is used only while both of its
 * stripes still hold the versions it was stored under. A load that raced any such change is not
 * kept (the change counter moved while it ran), so a revocation answered on this node is never
 * undone by a load that began before it. Other nodes' changes arrive by notification; while that
 * channel is down nothing is trusted and every request reads the database, like the admission state
 * (the same {@code headroom.admission.cache} switch).
 */
final class KeyCache implements StateChanges.Listener {
    private static final int STRIPES = 1 << 12;
    // Past this many keys the cache is emptied and filled again as keys are used.
    static final int KEYS_MAX = 100_000;

    private record Entry(long epoch, long keyVersion, long memberVersion, KeyGrant grant) {}

    private final boolean enabled;
    private volatile boolean trusted;
    private final BooleanSupplier leaseFresh;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

    KeyCache(boolean enabled, boolean trustedFromStart) {
        this(enabled, trustedFromStart, () -> true);
    }

    /** {@code leaseFresh}: whether this node's lease allows memory at all (issue 15). */
    KeyCache(boolean enabled, boolean trustedFromStart, BooleanSupplier leaseFresh) {
        this.leaseFresh = leaseFresh;
        this.enabled = enabled;
        this.trusted = trustedFromStart;
    }

    /** The grant of the key with this hash, or {@code null} when there is no such key. */
    KeyGrant get(String hash, Supplier<KeyGrant> load) {
        if (!enabled || !trusted || !leaseFresh.getAsBoolean()) {
            return load.get();
        }
        long currentEpoch = epoch.get();
        Entry cached = byHash.get(hash);
        if (cached != null
                && cached.epoch() == currentEpoch
                && cached.keyVersion() == versions.get(keyStripe(cached.grant()))
                && cached.memberVersion() == versions.get(memberStripe(cached.grant()))) {
            return cached.grant();
        }
        long changesBefore = changes.get();
        KeyGrant loaded = load.get();
        if (loaded != null && changes.get() == changesBefore && epoch.get() == currentEpoch) {
            if (byHash.size() >= KEYS_MAX) {
                byHash.clear();
            }
            byHash.put(
                    hash,
                    new Entry(
                            currentEpoch,
                            versions.get(keyStripe(loaded)),
                            versions.get(memberStripe(loaded)),
                            loaded));
        }
        return loaded;
    }

    @Override
    public void orgChanged(String orgId) {}

    @Override
    public void memberChanged(String orgId, String memberId) {}

    @Override
    public void accessChanged(String orgId, String memberId) {
        changes.incrementAndGet();
        versions.incrementAndGet(stripe(orgId, memberId));
    }

    @Override
    public void keyChanged(String orgId, String keyId) {
        changes.incrementAndGet();
        versions.incrementAndGet(stripe(orgId, keyId));
    }

    @Override
    public void channel(boolean listening) {
        trusted = false;
        changes.incrementAndGet();
        epoch.incrementAndGet();
        byHash.clear();
        trusted = listening;
    }

    private static int keyStripe(KeyGrant grant) {
        return stripe(grant.orgId(), grant.keyId());
    }

    private static int memberStripe(KeyGrant grant) {
        return stripe(grant.orgId(), grant.memberId() == null ? "" : grant.memberId());
    }

    private static int stripe(String orgId, String id) {
        return Math.floorMod(orgId.hashCode() * 31 + id.hashCode(), STRIPES);
    }
}
