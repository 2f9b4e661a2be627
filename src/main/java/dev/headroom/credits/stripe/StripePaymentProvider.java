package dev.headroom.credits.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.CardException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import dev.headroom.credits.PaymentProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges through Stripe: a PaymentIntent created and confirmed off-session on the org's saved
 * customer and payment method, with Headroom's payment id as Stripe's idempotency key. A card error
 * is a decline; network errors, rate limits and Stripe's 5xx are "no definite answer", retried
 * later with the same key.
 */
public class StripePaymentProvider implements PaymentProvider {
    private static final Logger log = LoggerFactory.getLogger(StripePaymentProvider.class);

    private final StripeClient stripe;

    public StripePaymentProvider(String apiKey, String apiBase) {
        this(apiKey, apiBase, java.time.Duration.ofSeconds(30));
    }

    public StripePaymentProvider(String apiKey, String apiBase, java.time.Duration readTimeout) {
        StripeClient.StripeClientBuilder builder =
                StripeClient.builder()
                        .setApiKey(apiKey)
                        .setMaxNetworkRetries(0)
                        .setConnectTimeout(10_000)
                        .setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        if (apiBase != null && !apiBase.isBlank()) {
            builder.setApiBase(apiBase);
        }
        this.stripe = builder.build();
    }

    @Override
    public String name() {
        return "stripe";
    }

    @Override
    public ChargeResult charge(Charge charge) {
        SavedPaymentMethod method = charge.paymentMethod();
        if (method == null || method.customerId() == null || method.paymentMethodId() == null) {
            return new ChargeResult.Declined(
                    "No payment method is saved for this organisation: set a Stripe customer and payment method first.");
        }
        PaymentIntentCreateParams params =
                PaymentIntentCreateParams.builder()
                        .setAmount(charge.amountMinor())
                        .setCurrency(charge.currency().toLowerCase())
                        .setCustomer(method.customerId())
                        .setPaymentMethod(method.paymentMethodId())
                        .setConfirm(true)
                        .setOffSession(true)
                        .setDescription(charge.description())
                        .putMetadata("headroom_org", charge.orgId())
                        .putMetadata("headroom_payment", charge.idempotencyKey())
                        .build();
        RequestOptions options =
                RequestOptions.builder().setIdempotencyKey(charge.idempotencyKey()).build();
        try {
            PaymentIntent intent = stripe.v1().paymentIntents().create(params, options);
            if ("succeeded".equals(intent.getStatus())) {
                return new ChargeResult.Succeeded(intent.getId());
            }
            if ("processing".equals(intent.getStatus())) {
                return new ChargeResult.Unavailable(
                        "Stripe is still processing PaymentIntent " + intent.getId() + ".");
            }
            return new ChargeResult.Declined(
                    "Stripe left the payment in status " + intent.getStatus() + ".");
        } catch (CardException e) {
            String reason =
                    e.getStripeError() != null && e.getStripeError().getMessage() != null
                            ? e.getStripeError().getMessage()
                            : e.getMessage();
            return new ChargeResult.Declined(
                    reason + (e.getDeclineCode() == null ? "" : " (" + e.getDeclineCode() + ")"));
        } catch (ApiConnectionException | RateLimitException e) {
            return new ChargeResult.Unavailable(
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (StripeException e) {
            Integer status = e.getStatusCode();
            if (status != null && status >= 500) {
                return new ChargeResult.Unavailable(
                        "Stripe answered " + status + ": " + e.getMessage());
            }
            log.warn("Stripe refused a charge of org {}: {}", charge.orgId(), e.getMessage());
            return new ChargeResult.Declined("Stripe refused the payment: " + e.getMessage());
        }
    }
}
