package dev.headroom.credits;

import dev.headroom.core.Money;
import java.time.Instant;

/**
 * A prepaid purchase or auto-reload and its outcome (XU-26): the receipt once it succeeded. {@code
 * balanceAfter} is set once the credit landed in the ledger.
 */
public record Receipt(
        String orgId,
        String id,
        PaymentKind kind,
        PaymentStatus status,
        Money amount,
        Money balanceAfter,
        Instant purchasedAt,
        Instant completedAt,
        String provider,
        String providerReference,
        String failureReason,
        int attempts) {

    public enum PaymentKind {
        PURCHASE,
        RELOAD
    }

    public enum PaymentStatus {
        PENDING,
        SUCCEEDED,
        DECLINED,
        FAILED
    }
}
