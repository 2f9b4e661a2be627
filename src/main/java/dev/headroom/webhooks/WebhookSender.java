package dev.headroom.webhooks;

import dev.headroom.core.SecretBox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Sends due deliveries (EX-16). Whichever node claims a delivery sends it: signed, with its event
 * id in {@code Headroom-Event-Id}, to a URL checked again just before (it may resolve elsewhere by
 * now), redirects not followed. Any 2xx is success; anything else is retried with pauses that
 * double from {@code headroom.webhooks.retry-base} up to an hour, until 24 hours have passed.
 *
 * <p>A slow or dead receiver never holds up anyone else: sends run on their own bounded pool with
 * timeouts, apart from settlement (which only writes the outbox row), and each endpoint has at most
 * {@value #PER_ENDPOINT_IN_FLIGHT_MAX} deliveries in flight per node, so the others' go on. A crash
 * between a send and its record leaves the claim to expire and the delivery to be sent again, with
 * the same id — receivers drop duplicates by it.
 */
@Component
public class WebhookSender {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    static final int IN_FLIGHT_MAX = 32;
    static final int PER_ENDPOINT_IN_FLIGHT_MAX = 4;
    static final Duration CLAIM = Duration.ofMinutes(2);
    static final Duration MAX_PAUSE = Duration.ofHours(1);
    static final int ERROR_LENGTH_MAX = 500;

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final WebhookUrls urls;
    private final Clock clock;
    private final Duration retryBase;
    private final Duration timeout;
    private final HttpClient http;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
    private final Map<String, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService nudges =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final AtomicBoolean nudgeQueued = new AtomicBoolean();
    private final Counter succeeded;
    private final Counter retried;
    private final Counter failed;

    WebhookSender(
            JdbcClient jdbc,
            SecretBox secrets,
            WebhookUrls urls,
            Clock clock,
            MeterRegistry metrics,
            @Value("${headroom.webhooks.retry-base:PT30S}") Duration retryBase,
            @Value("${headroom.webhooks.timeout:PT10S}") Duration timeout) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.urls = urls;
        this.clock = clock;
        this.retryBase = retryBase;
        this.timeout = timeout;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .build();
        this.succeeded = outcome(metrics, "succeeded");
        this.retried = outcome(metrics, "retried");
        this.failed = outcome(metrics, "failed");
        Gauge.builder(
                        "headroom.outbox.depth",
                        jdbc,
                        db ->
                                db.sql(
                                                "select count(*) from webhook_delivery where status = 'PENDING'")
                                        .query(Long.class)
                                        .single())
                .description("Messages written and not yet delivered")
                .tag("kind", "webhook")
                .register(metrics);
    }

    private static Counter outcome(MeterRegistry metrics, String outcome) {
        return Counter.builder("headroom.webhook.deliveries")
                .description("Webhook delivery attempts by outcome")
                .tag("outcome", outcome)
                .register(metrics);
    }

    /** A claimed delivery and where it goes. */
    record Claimed(
            String endpointId,
            String eventId,
            String body,
            int attempts,
            Instant retryUntil,
            String url,
            EndpointKind kind,
            String sealedSecret) {}

    @TransactionalEventListener(fallbackExecution = true)
    void onEnqueued(WebhookOutbox.DeliveriesEnqueued event) {
        if (nudgeQueued.compareAndSet(false, true)) {
            nudges.execute(() -> {
                nudgeQueued.set(false);
                sendDue();
            });
        }
    }

    @Scheduled(fixedDelayString = "${headroom.webhooks.poll-interval:PT2S}")
    void sendDue() {
        List<Claimed> batch;
        do {
            int free = inFlight.availablePermits();
            if (free == 0) {
                return;
            }
            batch = claim(free);
            for (Claimed delivery : batch) {
                inFlight.acquireUninterruptibly();
                inFlightByEndpoint
                        .computeIfAbsent(delivery.endpointId(), id -> new AtomicInteger())
                        .incrementAndGet();
                senders.execute(() -> {
                    try {
                        send(delivery);
                    } finally {
                        inFlightByEndpoint.computeIfPresent(
                                delivery.endpointId(),
                                (id, n) -> n.decrementAndGet() == 0 ? null : n);
                        inFlight.release();
                    }
                });
            }
        } while (!batch.isEmpty());
    }

    /**
     * Claims up to {@code most} due deliveries, at most a few per endpoint and none of an endpoint
     * this node is still sending to; the update's own condition settles races between nodes.
     */
    private List<Claimed> claim(int most) {
        Instant now = clock.instant();
        // Ids are letters, digits and '_': a comma-joined list is unambiguous.
        String busy = String.join(",", inFlightByEndpoint.keySet());
        return jdbc.sql(
                        """
                        update webhook_delivery d set claimed_until = :until
                        from webhook_endpoint e
                        where e.id = d.endpoint_id and e.deleted_at is null
                          and d.status = 'PENDING'
                          and (d.claimed_until is null or d.claimed_until < :now)
                          and (d.endpoint_id, d.event_id) in (
                            select endpoint_id, event_id from (
                              select endpoint_id, event_id, next_attempt_at,
                                row_number() over (partition by endpoint_id
                                                   order by next_attempt_at, event_id) as rank
                              from webhook_delivery
                              where status = 'PENDING' and next_attempt_at <= :now
                                and (claimed_until is null or claimed_until < :now)
                                and not endpoint_id = any(string_to_array(:busy, ','))) due
                            where rank <= :perEndpoint order by next_attempt_at limit :most)
                        returning d.endpoint_id, d.event_id, d.body, d.attempts, d.retry_until,
                          e.url, e.kind, e.secret_sealed
                        """)
                .param("until", Timestamp.from(now.plus(CLAIM)))
                .param("now", Timestamp.from(now))
                .param("busy", busy)
                .param("perEndpoint", PER_ENDPOINT_IN_FLIGHT_MAX)
                .param("most", Math.min(most, 50))
                .query((rs, n) ->
                        new Claimed(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getInt(4),
                                rs.getTimestamp(5).toInstant(),
                                rs.getString(6),
                                EndpointKind.valueOf(rs.getString(7)),
                                rs.getString(8)))
                .list();
    }

    private void send(Claimed d) {
        String refused = urls.refusal(d.url()).orElse(null);
        if (refused != null) {
            failed(d, null, refused);
            return;
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(d.url()))
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "Headroom-Webhooks/1")
                        .POST(HttpRequest.BodyPublishers.ofString(d.body()));
        if (d.kind() == EndpointKind.WEBHOOK) {
            request.header("Headroom-Event-Id", d.eventId())
                    .header(
                            "Headroom-Signature",
                            WebhookSignature.header(
                                    secrets.open(d.sealedSecret()),
                                    clock.instant().getEpochSecond(),
                                    d.body()));
        }
        try {
            int status =
                    http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                succeeded(d, status);
            } else {
                failed(d, status, "The receiver answered HTTP " + status + ".");
            }
        } catch (IOException e) {
            failed(d, null, String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Shutting down: the claim expires and the delivery is sent again.
        }
    }

    private void succeeded(Claimed d, int status) {
        succeeded.increment();
        jdbc.sql(
                        """
                        update webhook_delivery set status = 'SUCCEEDED', attempts = attempts + 1,
                          last_attempt_at = ?, response_status = ?, last_error = null,
                          claimed_until = null
                        where endpoint_id = ? and event_id = ?
                        """)
                .params(Timestamp.from(clock.instant()), status, d.endpointId(), d.eventId())
                .update();
    }

    private void failed(Claimed d, Integer status, String error) {
        Instant now = clock.instant();
        Duration pause = retryBase.multipliedBy(1L << Math.min(d.attempts(), 20));
        if (pause.compareTo(MAX_PAUSE) > 0) {
            pause = MAX_PAUSE;
        }
        Instant next = now.plus(pause);
        boolean givenUp = next.isAfter(d.retryUntil());
        (givenUp ? failed : retried).increment();
        log.warn(
                "Webhook delivery {} to {} failed (attempt {}){}: {}",
                d.eventId(),
                d.endpointId(),
                d.attempts() + 1,
                givenUp ? ", given up after 24 hours" : ", retrying in " + pause,
                error);
        jdbc.sql(
                        """
                        update webhook_delivery set status = ?, attempts = attempts + 1,
                          last_attempt_at = ?, response_status = ?, last_error = ?,
                          next_attempt_at = ?, claimed_until = null
                        where endpoint_id = ? and event_id = ?
                        """)
                .params(
                        givenUp ? "FAILED" : "PENDING",
                        Timestamp.from(now),
                        status,
                        error.length() > ERROR_LENGTH_MAX
                                ? error.substring(0, ERROR_LENGTH_MAX)
                                : error,
                        Timestamp.from(next),
                        d.endpointId(),
                        d.eventId())
                .update();
    }
}
