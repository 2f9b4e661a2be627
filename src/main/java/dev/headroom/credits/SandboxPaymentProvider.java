package dev.headroom.credits;

import dev.headroom.core.Money;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The payment provider of the default local run: every charge succeeds, and a repeated idempotency
 * key returns the first charge's reference without charging again.
 */
@Component
class SandboxPaymentProvider implements PaymentProvider {
    private final Map<String, ChargeResult> charges = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public ChargeResult charge(String orgId, Money amount, String currency, String idempotencyKey) {
        return charges.computeIfAbsent(
                idempotencyKey, key -> new ChargeResult.Succeeded("sbx_" + key));
    }
}
