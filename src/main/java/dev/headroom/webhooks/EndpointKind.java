package dev.headroom.webhooks;

/**
 * A signed JSON delivery, or a Slack incoming webhook that gets {@code {"text": …}}, a sentence a
 * person reads at a glance.
 */
public enum EndpointKind {
    WEBHOOK,
    SLACK
}
