package dev.headroom.credits.stripe;

import dev.headroom.credits.PaymentProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Uses Stripe when {@code HEADROOM_STRIPE_API_KEY} is set; otherwise the sandbox provider runs. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${headroom.stripe.api-key:}' != ''")
public class StripeConfig {
    @Bean
    PaymentProvider stripePaymentProvider(
            @Value("${headroom.stripe.api-key}") String apiKey,
            @Value("${headroom.stripe.api-base:}") String apiBase,
            @Value("${headroom.stripe.read-timeout:PT30S}") java.time.Duration readTimeout) {
        return new StripePaymentProvider(apiKey, apiBase, readTimeout);
    }
}
