package dev.headroom.credits;

import dev.headroom.core.Money;

/**
 * The port to whoever charges the org's saved payment method. {@code idempotencyKey} makes a
 * retried charge charge once.
 */
public interface PaymentProvider {

    String name();

    ChargeResult charge(String orgId, Money amount, String currency, String idempotencyKey);

    sealed interface ChargeResult {
        record Succeeded(String reference) implements ChargeResult {}

        record Declined(String reason) implements ChargeResult {}
    }
}
