/** Emails: templates, the transactional outbox and its SMTP delivery, and spend alerts. */
package dev.headroom.notifications;
