package dev.headroom.notifications;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Emails are written to the outbox in the caller's transaction, so an email exists exactly when the
 * change that causes it was committed; {@link OutboxSender} delivers them afterwards.
 */
@Service
public class EmailOutbox {
    private final JdbcClient jdbc;
    private final MailTemplates templates;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public EmailOutbox(
            JdbcClient jdbc,
            MailTemplates templates,
            Clock clock,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.templates = templates;
        this.clock = clock;
        this.events = events;
    }

    /** Enqueues {@code email}; false when one with the same dedup key exists already. */
    public boolean enqueue(Email email) {
        MailTemplates.Rendered body = templates.render(email.template(), email.model());
        Timestamp now = Timestamp.from(clock.instant());
        boolean added =
                jdbc.sql(
                                        """
                                        insert into email_outbox (org_id, dedup_key, to_address, subject, text_body,
                                          html_body, created_at, next_attempt_at)
                                        values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (dedup_key) do nothing
                                        """)
                                .params(
                                        email.orgId(),
                                        email.dedupKey(),
                                        email.to(),
                                        email.subject(),
                                        body.text(),
                                        body.html(),
                                        now,
                                        now)
                                .update()
                        == 1;
        if (added) {
            events.publishEvent(new EmailEnqueued(clock.instant()));
        }
        return added;
    }

    /** Tells the sender that mail is waiting, once the enqueuing transaction has committed. */
    public record EmailEnqueued(Instant at) {}
}
