package dev.headroom.notifications;

import java.util.Map;

/**
 * An email to render from the templates {@code mail/<template>.html} and {@code .txt}. {@code
 * dedupKey} names what it is about, so that the same email is never enqueued twice.
 */
public record Email(
        String orgId,
        String to,
        String subject,
        String template,
        Map<String, Object> model,
        String dedupKey) {}
