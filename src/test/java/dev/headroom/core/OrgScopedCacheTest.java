package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * XU-18, issue 15: what a node keeps of an org's row (or upstream) is dropped by each change of
 * that row, not by the settlements and settings changes that touch the rest of the org's state.
 */
class OrgScopedCacheTest {
    private final AtomicInteger loads = new AtomicInteger();
    private final String[] stored = {"v1"};
    private final Supplier<String> load =
            () -> {
                loads.incrementAndGet();
                return stored[0];
            };

    private static OrgScopedCache<String> rows() {
        return new OrgScopedCache<>(OrgScopedCache.Source.ORG_ROW, true, true, () -> true);
    }

    @Test
    void XU18_theRowIsKeptUntilItChanges() {
        OrgScopedCache<String> cache = rows();
        assertThat(cache.get("org_1", load)).isEqualTo("v1");
        assertThat(cache.get("org_1", load)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        // Settlements, settings, balances, members and upstreams leave the row alone.
        cache.orgChanged("org_1");
        cache.orgCommitted("org_1", 7);
        cache.memberChanged("org_1", "mem_1");
        cache.gatewayChanged("org_1");
        assertThat(cache.get("org_1", load)).isEqualTo("v1");
        assertThat(loads).hasValue(1);

        stored[0] = "v2";
        cache.orgRowChanged("org_1");
        assertThat(cache.get("org_1", load)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
        // Another org's change does not drop this one.
        cache.orgRowChanged("org_2");
        cache.get("org_1", load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void XU18_aLoadThatRacedAChangeIsNotKept() {
        OrgScopedCache<String> cache = rows();
        // The load reads the row before the change commits; the change is told meanwhile.
        cache.get(
                "org_1",
                () -> {
                    loads.incrementAndGet();
                    cache.orgRowChanged("org_1");
                    return "v1";
                });
        cache.get("org_1", load);
        cache.get("org_1", load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void XU18_anUnknownOrgIsNotKept() {
        OrgScopedCache<String> cache = rows();
        Supplier<String> none =
                () -> {
                    loads.incrementAndGet();
                    return null;
                };
        assertThat(cache.get("org_9", none)).isNull();
        assertThat(cache.get("org_9", none)).isNull();
        assertThat(loads).hasValue(2);
    }

    @Test
    void EX4_anUpstreamIsDroppedByItsOwnChangeOnly() {
        OrgScopedCache<String> cache =
                new OrgScopedCache<>(OrgScopedCache.Source.GATEWAY, true, true, () -> true);
        cache.get("org_1", load);
        cache.orgRowChanged("org_1");
        cache.orgChanged("org_1");
        cache.get("org_1", load);
        assertThat(loads).hasValue(1);
        cache.gatewayChanged("org_1");
        cache.get("org_1", load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void XU18_withoutTheChannelOrAFreshLeaseEveryCallLoads() {
        OrgScopedCache<String> untrusted =
                new OrgScopedCache<>(OrgScopedCache.Source.ORG_ROW, true, false, () -> true);
        untrusted.get("org_1", load);
        untrusted.get("org_1", load);
        assertThat(loads).hasValue(2);
        untrusted.channel(true);
        untrusted.get("org_1", load);
        untrusted.get("org_1", load);
        assertThat(loads).hasValue(3);
        untrusted.channel(false);
        untrusted.get("org_1", load);
        assertThat(loads).hasValue(4);

        boolean[] fresh = {true};
        OrgScopedCache<String> leased =
                new OrgScopedCache<>(OrgScopedCache.Source.ORG_ROW, true, true, () -> fresh[0]);
        leased.get("org_1", load);
        leased.get("org_1", load);
        assertThat(loads).hasValue(5);
        fresh[0] = false;
        leased.get("org_1", load);
        assertThat(loads).hasValue(6);

        OrgScopedCache<String> off =
                new OrgScopedCache<>(OrgScopedCache.Source.ORG_ROW, false, true, () -> true);
        off.get("org_1", load);
        off.get("org_1", load);
        assertThat(loads).hasValue(8);
    }

    @Test
    void theCacheIsBounded() {
        OrgScopedCache<String> cache = rows();
        for (int i = 0; i <= OrgScopedCache.ORGS_MAX; i++) {
            cache.get("org_" + i, load);
        }
        loads.set(0);
        // The put past the bound emptied the cache: the first org is loaded again.
        cache.get("org_0", load);
        assertThat(loads).hasValue(1);
    }
}
