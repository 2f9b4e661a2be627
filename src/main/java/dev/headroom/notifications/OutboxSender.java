package dev.headroom.notifications;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Delivers the outbox over SMTP ({@code spring.mail.*}). Each email is claimed for a minute, so
 * several nodes never send the same one at once; a failed send is retried with growing pauses.
 * Without an SMTP host (the default local run) emails are written to the log instead.
 */
@Component
class OutboxSender {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    // How long a claim keeps other nodes off an email: longer than a send may take, so it expires
    // only when its node died mid-send.
    private final Duration claim;
    private static final Duration MAX_PAUSE = Duration.ofMinutes(30);

    record Pending(long id, String to, String subject, String text, String html, int attempts) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ObjectProvider<JavaMailSender> mail;
    private final Duration retryBase;
    private final String from;
    private final Executor nudges = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final AtomicBoolean nudgeQueued = new AtomicBoolean();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    OutboxSender(
            JdbcClient jdbc,
            Clock clock,
            ObjectProvider<JavaMailSender> mail,
            @Value("${headroom.mail.retry-base:PT5S}") Duration retryBase,
            @Value("${headroom.mail.from:headroom@localhost}") String from,
            @Value("${headroom.mail.claim:PT1M}") Duration claim) {
        this.claim = claim;
        this.jdbc = jdbc;
        this.clock = clock;
        this.mail = mail;
        this.retryBase = retryBase;
        this.from = from;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onEnqueued(EmailOutbox.EmailEnqueued event) {
        if (nudgeQueued.compareAndSet(false, true)) {
            nudges.execute(() -> {
                nudgeQueued.set(false);
                deliverDue();
            });
        }
    }

    /**
     * One sender at a time on a node (the poll and the nudge would otherwise send side by side), so
     * a crash leaves at most one email sent and not yet marked sent. A caller that finds the sender
     * busy leaves it a request to look again, so no new email waits for the next poll.
     */
    @Scheduled(fixedDelayString = "${headroom.mail.poll-interval:PT5S}")
    void deliverDue() {
        again.set(true);
        while (again.get() && sending.compareAndSet(false, true)) {
            try {
                again.set(false);
                List<Pending> batch;
                do {
                    batch = claim();
                    batch.forEach(this::deliver);
                } while (!batch.isEmpty());
            } finally {
                sending.set(false);
            }
        }
    }

    private List<Pending> claim() {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql(
                        """
                        update email_outbox set claimed_until = ?, attempts = attempts + 1
                        where id in (select id from email_outbox
                                     where sent_at is null and next_attempt_at <= ?
                                       and (claimed_until is null or claimed_until < ?)
                                     order by id limit 20 for update skip locked)
                        returning id, to_address, subject, text_body, html_body, attempts
                        """)
                .params(Timestamp.from(clock.instant().plus(claim)), now, now)
                .query((rs, n) ->
                        new Pending(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getInt(6)))
                .list();
    }

    private void deliver(Pending email) {
        try {
            JavaMailSender sender = mail.getIfAvailable();
            if (sender == null) {
                log.info(
                        "Email (no SMTP host configured) to {}: {}\n{}",
                        email.to(),
                        email.subject(),
                        email.text());
            } else {
                MimeMessage message = sender.createMimeMessage();
                MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
                helper.setFrom(from);
                helper.setTo(email.to());
                helper.setSubject(email.subject());
                helper.setText(email.text(), email.html());
                sender.send(message);
            }
            jdbc.sql("update email_outbox set sent_at = ?, last_error = null where id = ?")
                    .params(Timestamp.from(clock.instant()), email.id())
                    .update();
        } catch (MailException | MessagingException e) {
            Duration pause = retryBase.multipliedBy(1L << Math.min(email.attempts(), 10));
            if (pause.compareTo(MAX_PAUSE) > 0) {
                pause = MAX_PAUSE;
            }
            log.warn(
                    "Sending email {} failed (attempt {}), retrying in {}: {}",
                    email.id(),
                    email.attempts(),
                    pause,
                    e.getMessage());
            jdbc.sql(
                            "update email_outbox set claimed_until = null, next_attempt_at = ?, last_error = ? where id = ?")
                    .params(
                            Timestamp.from(clock.instant().plus(pause)),
                            String.valueOf(e.getMessage()),
                            email.id())
                    .update();
        }
    }
}
