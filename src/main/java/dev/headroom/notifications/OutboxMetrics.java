package dev.headroom.notifications;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * EX-17: how many messages wait in the outbox, by kind (emails now), read from the table at each
 * scrape — so every node reports the same, shared depth.
 */
@Component
class OutboxMetrics {
    OutboxMetrics(MeterRegistry registry, JdbcClient jdbc) {
        Gauge.builder(
                        "headroom.outbox.depth",
                        jdbc,
                        db ->
                                db.sql("select count(*) from email_outbox where sent_at is null")
                                        .query(Long.class)
                                        .single())
                .description("Messages written and not yet delivered")
                .tag("kind", "email")
                .register(registry);
    }
}
