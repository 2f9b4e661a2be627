package dev.headroom.credits;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sandbox payment provider, whenever no Stripe key is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${headroom.stripe.api-key:}' == ''")
class SandboxConfig {
    @Bean
    SandboxPaymentProvider sandboxPaymentProvider() {
        return new SandboxPaymentProvider();
    }
}
