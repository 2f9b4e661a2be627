package dev.headroom.credits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The payment provider of the default run and the tests, used when no Stripe key is configured.
 * Like Stripe's test cards, the org's saved payment method chooses what happens: none or {@code
 * pm_card_visa} succeeds, {@code pm_card_chargeDeclined} and {@code
 * pm_card_chargeDeclinedInsufficientFunds} are declined, {@code pm_card_unavailable} never gets a
 * definite answer, and {@code pm_card_slow} answers after two seconds. A repeated idempotency key
 * returns the first answer and charges once.
 */
public class SandboxPaymentProvider implements PaymentProvider {
    private final Map<String, ChargeResult> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> chargesByOrg = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public ChargeResult charge(Charge charge) {
        String method =
                charge.paymentMethod() == null ? null : charge.paymentMethod().paymentMethodId();
        if ("pm_card_unavailable".equals(method)) {
            return new ChargeResult.Unavailable("The sandbox provider did not answer.");
        }
        if ("pm_card_slow".equals(method)) {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ChargeResult.Unavailable("interrupted");
            }
        }
        return answers.computeIfAbsent(
                charge.idempotencyKey(),
                key -> {
                    if ("pm_card_chargeDeclined".equals(method)) {
                        return new ChargeResult.Declined("Your card was declined.");
                    }
                    if ("pm_card_chargeDeclinedInsufficientFunds".equals(method)) {
                        return new ChargeResult.Declined("Your card has insufficient funds.");
                    }
                    chargesByOrg
                            .computeIfAbsent(charge.orgId(), org -> new AtomicInteger())
                            .incrementAndGet();
                    return new ChargeResult.Succeeded("sbx_" + key);
                });
    }

    /** How many distinct successful charges this org had (for tests and the demo). */
    public int chargesFor(String orgId) {
        AtomicInteger count = chargesByOrg.get(orgId);
        return count == null ? 0 : count.get();
    }
}
