/** Webhooks and Slack (EX-16): endpoints per org, a delivery outbox, signed and retried sends. */
package dev.headroom.webhooks;
