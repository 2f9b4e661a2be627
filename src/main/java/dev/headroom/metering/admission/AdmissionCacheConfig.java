package dev.headroom.metering.admission;

import dev.headroom.core.StateChanges;
import dev.headroom.core.db.StateCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Admissions answered from memory where {@link StateCaching} allows it. */
@Configuration
public class AdmissionCacheConfig {

    @Bean
    public AdmissionCache admissionCache(StateCaching.Policy policy, StateChanges changes) {
        AdmissionCache cache =
                new AdmissionCache(policy.enabled(), policy.trustedFromStart(), changes::fresh);
        changes.register(cache);
        return cache;
    }
}
