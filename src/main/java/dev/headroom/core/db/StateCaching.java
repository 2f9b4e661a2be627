package dev.headroom.core.db;

import dev.headroom.core.StateChanges;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Whether a node may answer from what it keeps in memory (admission state, keys and roles), and
 * whether it hears other nodes' writes. By default memory is used on the embedded database, where
 * this process is provably the only Headroom node; with an external PostgreSQL other nodes may
 * write, so the default there is to read the database on every request, which keeps XU-18 and EX-12
 * exact across nodes without a bound. {@code headroom.admission.cache=true} turns memory on for an
 * external database too, with other nodes' writes arriving by notification (see BENCHMARKS.md for
 * the measured delay). {@code headroom.admission.listen=false} (tests) trusts this node's own
 * writes alone, so a write path that forgets to tell {@link StateChanges} fails at once.
 */
@Configuration(proxyBeanMethods = false)
public class StateCaching {

    /** The two switches, read once. */
    public record Policy(boolean enabled, boolean listens) {
        /** Memory may be trusted from the start only when nobody else can write. */
        public boolean trustedFromStart() {
            return !listens;
        }
    }

    @Bean
    Policy stateCachingPolicy(Environment env) {
        boolean embedded = env.getProperty("spring.datasource.url") == null;
        boolean enabled = env.getProperty("headroom.admission.cache", Boolean.class, embedded);
        boolean listens =
                enabled && env.getProperty("headroom.admission.listen", Boolean.class, true);
        return new Policy(enabled, listens);
    }

    @Bean
    StateNotifications stateNotifications(Policy policy, StateChanges changes, DataSource data) {
        return new StateNotifications(changes, data, policy.listens());
    }
}
