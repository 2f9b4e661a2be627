package dev.headroom.credits;

import dev.headroom.core.Money;

/**
 * The port to whoever charges an org's saved payment method off-session. The same {@code
 * idempotencyKey} charges at most once however often it is sent, so a charge whose answer was lost
 * is retried safely.
 */
public interface PaymentProvider {

    String name();

    ChargeResult charge(Charge charge);

    /** {@code amountMinor} is in the currency's minor unit (cents for USD). */
    record Charge(
            String orgId,
            long amountMinor,
            String currency,
            SavedPaymentMethod paymentMethod,
            String idempotencyKey,
            String description) {}

    /** The customer and payment method at the provider; {@code null} fields where none is saved. */
    record SavedPaymentMethod(String customerId, String paymentMethodId) {}

    sealed interface ChargeResult {
        /** The money was taken. */
        record Succeeded(String reference) implements ChargeResult {}

        /** The provider refused for good (a card decline): do not retry. */
        record Declined(String reason) implements ChargeResult {}

        /** No definite answer (network, provider error): retrying with the same key is safe. */
        record Unavailable(String reason) implements ChargeResult {}
    }

    static long toMinorUnits(Money amount, int fractionDigits) {
        long unit = 1;
        for (int i = fractionDigits; i < 9; i++) {
            unit *= 10;
        }
        if (amount.nanos() % unit != 0) {
            throw new IllegalArgumentException("amount has more decimals than the currency");
        }
        return amount.nanos() / unit;
    }
}
