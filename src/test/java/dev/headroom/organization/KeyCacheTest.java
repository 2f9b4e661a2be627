package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** EX-12: what a node keeps of keys is dropped by every revocation and change of its member. */
class KeyCacheTest {
    /** Loads a grant of {@code role}, counting the loads. */
    static java.util.function.Supplier<KeyGrant> counted(AtomicInteger loads, Role role) {
        return () -> {
            loads.incrementAndGet();
            return grant(role);
        };
    }

    static KeyGrant grant(Role memberRole) {
        return new KeyGrant(
                "key_1", "org_1", KeyRole.OWNER, "mem_1", memberRole, false, null, null);
    }

    @Test
    void EX12_aFoundKeyIsKeptUntilItOrItsMemberChanges() {
        KeyCache cache = new KeyCache(true, true);
        AtomicInteger loads = new AtomicInteger();
        Role[] stored = {Role.OWNER};
        java.util.function.Supplier<KeyGrant> load =
                () -> {
                    loads.incrementAndGet();
                    return grant(stored[0]);
                };
        assertThat(cache.get("h", load).memberRole()).isEqualTo(Role.OWNER);
        assertThat(cache.get("h", load).memberRole()).isEqualTo(Role.OWNER);
        assertThat(loads).hasValue(1);

        stored[0] = Role.MEMBER;
        cache.accessChanged("org_1", "mem_1");
        assertThat(cache.get("h", load).memberRole()).isEqualTo(Role.MEMBER);
        assertThat(loads).hasValue(2);

        cache.keyChanged("org_1", "key_1");
        cache.get("h", load);
        assertThat(loads).hasValue(3);
        // Settlements change the member's state, not their access: the key stays in memory.
        cache.memberChanged("org_1", "mem_1");
        cache.orgChanged("org_1");
        cache.get("h", load);
        assertThat(loads).hasValue(3);
    }

    @Test
    void EX12_aLoadThatRacedARevocationIsNotKept() {
        KeyCache cache = new KeyCache(true, true);
        AtomicInteger loads = new AtomicInteger();
        // The load reads the row before the revocation commits; the revocation is told meanwhile.
        cache.get(
                "h",
                () -> {
                    loads.incrementAndGet();
                    cache.keyChanged("org_1", "key_1");
                    return grant(Role.OWNER);
                });
        java.util.function.Supplier<KeyGrant> load = counted(loads, Role.OWNER);
        cache.get("h", load);
        cache.get("h", load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void EX12_withoutTheNotificationChannelEveryRequestReadsTheDatabase() {
        KeyCache cache = new KeyCache(true, false);
        AtomicInteger loads = new AtomicInteger();
        java.util.function.Supplier<KeyGrant> load = counted(loads, Role.OWNER);
        cache.get("h", load);
        cache.get("h", load);
        assertThat(loads).hasValue(2);
        cache.channel(true);
        cache.get("h", load);
        cache.get("h", load);
        assertThat(loads).hasValue(3);
        cache.channel(false);
        cache.get("h", load);
        assertThat(loads).hasValue(4);
        KeyCache off = new KeyCache(false, true);
        off.get("h", load);
        off.get("h", load);
        assertThat(loads).hasValue(6);
    }
}
