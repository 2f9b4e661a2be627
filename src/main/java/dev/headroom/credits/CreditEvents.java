package dev.headroom.credits;

import dev.headroom.core.Money;

/** What the credits feature tells others about, inside the transaction where it happened. */
public final class CreditEvents {
    private CreditEvents() {}

    /** A reload finished: {@code succeeded}, or declined / failed for good (auto-reload is off). */
    public record ReloadCompleted(
            String orgId,
            String paymentId,
            boolean succeeded,
            Money amount,
            Money balanceAfter,
            String failureReason) {}

    /** A usage debit took the balance to or below a line: the reload threshold or zero. */
    public record BalanceCrossed(
            String orgId, Line line, Money balanceAfter, Money threshold, String marker) {
        public enum Line {
            THRESHOLD,
            ZERO
        }
    }

    /** The period's reload budget is used up: no more reloads until the next period. */
    public record ReloadLimitReached(String orgId, String period, int limit) {}

    /** A pending payment was committed and waits for the provider (after-commit nudge). */
    record PaymentPending(String orgId, String paymentId) {}
}
