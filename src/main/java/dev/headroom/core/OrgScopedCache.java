package dev.headroom.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One value per org kept in memory — its row, its gateway upstream — so that a hot-path request
 * needs no database round trip for it. The change that the value depends on ({@link Source}: the
 * org's row or its upstream, heard from this node after commit or from another by notification)
 * drops the org's entry, and the writer answers only once every live node has dropped it (decision
 * 8); a load that raced any such change is not kept, so a change answered on this node is never
 * undone by a load that began before it. While the notification channel is down or this node's
 * lease is not provably fresh, or with {@code headroom.admission.cache=false}, every call loads.
 *
 * @param <V> the value; a load that answers {@code null} (no such org) is not kept
 */
public final class OrgScopedCache<V> implements StateChanges.Listener {
    /** Which change drops an org's entry. */
    public enum Source {
        ORG_ROW,
        GATEWAY
    }

    // Past this many orgs the cache is emptied and filled again as orgs call.
    static final int ORGS_MAX = 50_000;

    private final Source source;
    private final boolean enabled;
    private volatile boolean trusted;
    private final BooleanSupplier leaseFresh;
    private final AtomicLong changes = new AtomicLong();
    private final Map<String, V> byOrg = new ConcurrentHashMap<>();

    /** {@code leaseFresh}: whether this node's lease allows memory at all (issue 15). */
    public OrgScopedCache(
            Source source, boolean enabled, boolean trustedFromStart, BooleanSupplier leaseFresh) {
        this.source = source;
        this.enabled = enabled;
        this.trusted = trustedFromStart;
        this.leaseFresh = leaseFresh;
    }

    /** The org's value, from memory when it may be trusted, else {@code load}'s. */
    public V get(String orgId, Supplier<V> load) {
        if (!enabled || !trusted || !leaseFresh.getAsBoolean()) {
            return load.get();
        }
        V cached = byOrg.get(orgId);
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        V loaded = load.get();
        if (loaded != null && changes.get() == before) {
            if (byOrg.size() >= ORGS_MAX) {
                byOrg.clear();
            }
            byOrg.putIfAbsent(orgId, loaded);
            // A change that landed between the check and the put must not be outlived by it.
            if (changes.get() != before) {
                byOrg.remove(orgId);
            }
        }
        return loaded;
    }

    private void drop(String orgId) {
        changes.incrementAndGet();
        byOrg.remove(orgId);
    }

    @Override
    public void orgRowChanged(String orgId) {
        if (source == Source.ORG_ROW) {
            drop(orgId);
        }
    }

    @Override
    public void gatewayChanged(String orgId) {
        if (source == Source.GATEWAY) {
            drop(orgId);
        }
    }

    @Override
    public void orgChanged(String orgId) {}

    @Override
    public void memberChanged(String orgId, String memberId) {}

    @Override
    public void channel(boolean listening) {
        trusted = false;
        changes.incrementAndGet();
        byOrg.clear();
        trusted = listening;
    }
}
