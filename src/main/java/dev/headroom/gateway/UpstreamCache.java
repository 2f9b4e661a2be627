package dev.headroom.gateway;

import dev.headroom.core.StateChanges;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Each org's upstream, its key opened, kept in memory so that a gateway request needs no database
 * round trip and no decryption to find where it goes. A change of the upstream ({@link
 * #gatewayChanged}, from this node or by notification from another) drops the org's entry; a load
 * that raced any change is not kept. While the notification channel is down, or with the cache off
 * ({@code headroom.admission.cache}), every request reads the database.
 */
final class UpstreamCache implements StateChanges.Listener {
    // Past this many orgs the cache is emptied and filled again as orgs call.
    static final int ORGS_MAX = 50_000;

    private final boolean enabled;
    private volatile boolean trusted;
    private final BooleanSupplier leaseFresh;
    private final AtomicLong changes = new AtomicLong();
    private final Map<String, Optional<GatewaySettings.Upstream>> byOrg = new ConcurrentHashMap<>();

    UpstreamCache(boolean enabled, boolean trustedFromStart) {
        this(enabled, trustedFromStart, () -> true);
    }

    /** {@code leaseFresh}: whether this node's lease allows memory at all (issue 15). */
    UpstreamCache(boolean enabled, boolean trustedFromStart, BooleanSupplier leaseFresh) {
        this.leaseFresh = leaseFresh;
        this.enabled = enabled;
        this.trusted = trustedFromStart;
    }

    Optional<GatewaySettings.Upstream> get(
            String orgId, Supplier<Optional<GatewaySettings.Upstream>> load) {
        if (!enabled || !trusted || !leaseFresh.getAsBoolean()) {
            return load.get();
        }
        Optional<GatewaySettings.Upstream> cached = byOrg.get(orgId);
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        Optional<GatewaySettings.Upstream> loaded = load.get();
        if (changes.get() == before) {
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

    @Override
    public void gatewayChanged(String orgId) {
        changes.incrementAndGet();
        byOrg.remove(orgId);
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
