package dev.headroom.core.db;

import dev.headroom.core.StateChanges;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Whether a node may answer from what it keeps in memory (admission state, keys and roles, the
 * gateway's upstreams, prices), and whether it hears other nodes' writes. On by default with any
 * database (issue 15): each node holds a lease, and a write is answered only once every other live
 * node has acknowledged it ({@link StateNotifications}, decision 8), so XU-18 and EX-12 hold
 * exactly across nodes. {@code headroom.admission.cache=false} reads the database for every
 * admission and key instead. {@code headroom.admission.listen=false} (tests) trusts this node's own
 * writes alone, so a write path that forgets to tell {@link StateChanges} fails at once. {@code
 * headroom.nodes.lease} (default PT2S) bounds how long a node that stops answering can make another
 * node's write wait.
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
        boolean enabled = env.getProperty("headroom.admission.cache", Boolean.class, true);
        boolean listens = env.getProperty("headroom.admission.listen", Boolean.class, true);
        return new Policy(enabled, listens);
    }

    @Bean
    StateNotifications stateNotifications(
            Policy policy, StateChanges changes, DataSource data, Environment env) {
        Duration lease =
                env.getProperty("headroom.nodes.lease", Duration.class, Duration.ofSeconds(2));
        return new StateNotifications(changes, data, policy.listens(), lease);
    }
}
