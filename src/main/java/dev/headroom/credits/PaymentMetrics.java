package dev.headroom.credits;

import dev.headroom.credits.Receipt.PaymentKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** EX-17: payment attempts by kind (purchase, reload) and outcome. */
@Component
class PaymentMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    PaymentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code outcome}: succeeded, declined, unavailable (retried) or failed (given up). */
    void attempt(PaymentKind kind, String outcome) {
        counters.computeIfAbsent(
                        kind + "|" + outcome,
                        key ->
                                Counter.builder("headroom.payments")
                                        .description("Charges at the payment provider")
                                        .tag("kind", kind.name())
                                        .tag("outcome", outcome)
                                        .register(registry))
                .increment();
    }
}
