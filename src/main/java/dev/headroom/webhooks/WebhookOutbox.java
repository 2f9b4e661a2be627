package dev.headroom.webhooks;

import dev.headroom.core.Ids;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Writes an event's deliveries in the caller's transaction — one per endpoint of the org that takes
 * its type — so a delivery exists exactly when its cause was committed (EX-16). {@link
 * WebhookSender} sends them afterwards. Costs one indexed query when the org has no endpoint.
 */
@Service
public class WebhookOutbox {
    private static final Logger log = LoggerFactory.getLogger(WebhookOutbox.class);
    static final Duration RETRY_WINDOW = Duration.ofHours(24);

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public WebhookOutbox(
            JdbcClient jdbc, ObjectMapper json, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.events = events;
    }

    /** An endpoint that takes the event, and what kind of body it gets. */
    private record Target(String id, EndpointKind kind) {}

    /** An event's payload, and the sentence a Slack channel reads. */
    public record Event(Map<String, Object> data, String sentence) {}

    /**
     * Enqueues one event of {@code orgId}, built by {@code event} only when an endpoint takes it. A
     * mistake in building it is logged and costs nothing else: a webhook never undoes its cause (a
     * database failure still does, as the transaction cannot go on).
     */
    public void enqueue(String orgId, WebhookType type, Supplier<Event> event) {
        try {
            enqueueNow(orgId, type, event);
        } catch (DataAccessException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("Webhook event {} of org {} could not be prepared", type.wire(), orgId, e);
        }
    }

    private void enqueueNow(String orgId, WebhookType type, Supplier<Event> build) {
        List<Target> targets =
                jdbc.sql(
                                """
                                select id, kind from webhook_endpoint
                                where org_id = ? and deleted_at is null and ? = any(events)
                                """)
                        .params(orgId, type.wire())
                        .query((rs, n) ->
                                new Target(rs.getString(1), EndpointKind.valueOf(rs.getString(2))))
                        .list();
        if (targets.isEmpty()) {
            return;
        }
        Event built = build.get();
        Instant now = clock.instant();
        String eventId = Ids.newId("evt");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("type", type.wire());
        event.put("createdAt", now.toString());
        event.put("orgId", orgId);
        event.put("data", built.data());
        String body = json.writeValueAsString(event);
        String slack = json.writeValueAsString(Map.of("text", built.sentence()));
        for (Target target : targets) {
            jdbc.sql(
                            """
                            insert into webhook_delivery (endpoint_id, event_id, org_id, type, body,
                              created_at, status, next_attempt_at, retry_until)
                            values (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
                            """)
                    .params(
                            target.id(),
                            eventId,
                            orgId,
                            type.wire(),
                            target.kind() == EndpointKind.SLACK ? slack : body,
                            Timestamp.from(now),
                            Timestamp.from(now),
                            Timestamp.from(now.plus(RETRY_WINDOW)))
                    .update();
        }
        events.publishEvent(new DeliveriesEnqueued());
    }

    /** Tells the sender that deliveries wait, once the enqueuing transaction has committed. */
    public record DeliveriesEnqueued() {}
}
