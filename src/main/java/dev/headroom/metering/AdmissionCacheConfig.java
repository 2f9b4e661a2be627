package dev.headroom.metering;

import dev.headroom.core.StateChanges;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Whether admissions may be answered from memory. By default they are on the embedded database,
 * where this process is provably the only Headroom node; with an external PostgreSQL other nodes
 * may write, so the default there is to read the database on every admission, which keeps XU-18
 * exact across nodes without a bound. {@code headroom.admission.cache=true} turns memory on for an
 * external database too, with other nodes' writes arriving by notification (see BENCHMARKS.md for
 * the measured delay).
 */
@Configuration
class AdmissionCacheConfig {

    @Bean
    AdmissionCache admissionCache(Environment env, StateChanges changes) {
        boolean embedded = env.getProperty("spring.datasource.url") == null;
        boolean enabled = env.getProperty("headroom.admission.cache", Boolean.class, embedded);
        // Without the notification channel the cache trusts local changes alone (tests use this to
        // prove that every write path tells StateChanges).
        AdmissionCache cache = new AdmissionCache(enabled, !listens(env, enabled));
        changes.register(cache);
        return cache;
    }

    @Bean
    StateNotifications stateNotifications(Environment env, AdmissionCache cache, DataSource data) {
        return new StateNotifications(cache, data, listens(env, cache.enabled()));
    }

    /** Other nodes' writes are heard on the notification channel unless it is switched off. */
    private static boolean listens(Environment env, boolean cacheEnabled) {
        return cacheEnabled && env.getProperty("headroom.admission.listen", Boolean.class, true);
    }
}
