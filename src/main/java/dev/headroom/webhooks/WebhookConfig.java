package dev.headroom.webhooks;

import java.net.InetAddress;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Whether deliveries may go to plain http and private addresses: by default only on the embedded
 * database (the local run, where receivers are on this machine); {@code
 * headroom.webhooks.allow-insecure-urls} says otherwise.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfig {
    @Bean
    WebhookUrls webhookUrls(Environment env) {
        boolean embedded = env.getProperty("spring.datasource.url") == null;
        return new WebhookUrls(
                env.getProperty("headroom.webhooks.allow-insecure-urls", Boolean.class, embedded),
                InetAddress::getAllByName);
    }
}
