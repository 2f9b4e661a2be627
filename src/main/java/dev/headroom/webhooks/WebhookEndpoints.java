package dev.headroom.webhooks;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.SecretBox;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An org's webhook endpoints (EX-16): created with the events they take and a secret shown once,
 * listed without it, deleted; their recent deliveries, and a resend of one with its id unchanged.
 */
@Service
public class WebhookEndpoints {
    static final int ENDPOINTS_PER_ORG_MAX = 20;
    static final int DELIVERIES_LISTED_MAX = 100;
    static final int URL_LENGTH_MAX = 2_000;

    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final SecretBox secrets;
    private final WebhookUrls urls;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public WebhookEndpoints(
            JdbcClient jdbc,
            OrgService orgs,
            SecretBox secrets,
            WebhookUrls urls,
            AuditLog audit,
            Clock clock,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.secrets = secrets;
        this.urls = urls;
        this.audit = audit;
        this.clock = clock;
        this.events = events;
    }

    public record Endpoint(
            String id, String url, List<String> events, EndpointKind kind, Instant createdAt) {}

    /** The answer to a creation: the only time the secret is shown. */
    public record Created(
            String id, String url, List<String> events, EndpointKind kind, String secret) {}

    public record Delivery(
            String eventId,
            String type,
            String status,
            int attempts,
            Instant createdAt,
            Instant lastAttemptAt,
            Integer responseStatus,
            String lastError) {}

    @Transactional
    public Created create(
            String orgId, String url, List<String> eventTypes, String kind, Caller by) {
        Org org = orgs.require(orgId);
        String checkedUrl = url == null ? "" : url.trim();
        if (checkedUrl.isEmpty() || checkedUrl.length() > URL_LENGTH_MAX) {
            throw ApiException.validation(
                    "url is required (at most " + URL_LENGTH_MAX + " characters).");
        }
        urls.refusal(checkedUrl)
                .ifPresent(reason -> {
                    throw ApiException.validation(reason);
                });
        List<String> types = checkedTypes(eventTypes);
        EndpointKind endpointKind = checkedKind(kind);
        long existing =
                jdbc.sql(
                                "select count(*) from webhook_endpoint where org_id = ? and deleted_at is null")
                        .param(orgId)
                        .query(Long.class)
                        .single();
        if (existing >= ENDPOINTS_PER_ORG_MAX) {
            throw ApiException.validation(
                    "An organisation has at most " + ENDPOINTS_PER_ORG_MAX + " webhook endpoints.");
        }
        String id = Ids.newId("whk");
        String secret = "whsec_" + Ids.random(40);
        jdbc.sql(
                        """
                        insert into webhook_endpoint (id, org_id, kind, url, events, secret_sealed,
                          created_at) values (?, ?, ?, ?, ?, ?, ?)
                        """)
                .params(
                        id,
                        orgId,
                        endpointKind.name(),
                        checkedUrl,
                        types.toArray(String[]::new),
                        secrets.seal(secret),
                        Timestamp.from(clock.instant()))
                .update();
        // The URL is audited, the secret never is.
        audit.record(orgId, orgs.now(org), by.actor(), "webhook.created", id, null, checkedUrl);
        return new Created(id, checkedUrl, types, endpointKind, secret);
    }

    public List<Endpoint> list(String orgId) {
        orgs.require(orgId);
        return jdbc.sql(
                        """
                        select id, url, events, kind, created_at from webhook_endpoint
                        where org_id = ? and deleted_at is null order by created_at, id
                        """)
                .param(orgId)
                .query((rs, n) ->
                        new Endpoint(
                                rs.getString(1),
                                rs.getString(2),
                                strings(rs.getArray(3)),
                                EndpointKind.valueOf(rs.getString(4)),
                                rs.getTimestamp(5).toInstant()))
                .list();
    }

    /** Deletes the endpoint; its deliveries still waiting are given up. */
    @Transactional
    public void delete(String orgId, String endpointId, Caller by) {
        Org org = orgs.require(orgId);
        Instant now = clock.instant();
        int deleted =
                jdbc.sql(
                                "update webhook_endpoint set deleted_at = ? where org_id = ? and id = ? and deleted_at is null")
                        .params(Timestamp.from(now), orgId, endpointId)
                        .update();
        if (deleted == 0) {
            throw notFound(orgId, endpointId);
        }
        jdbc.sql(
                        """
                        update webhook_delivery set status = 'FAILED', claimed_until = null,
                          last_error = 'The endpoint was deleted.'
                        where endpoint_id = ? and status = 'PENDING'
                        """)
                .param(endpointId)
                .update();
        audit.record(orgId, orgs.now(org), by.actor(), "webhook.deleted", endpointId, null, null);
    }

    public List<Delivery> deliveries(String orgId, String endpointId) {
        requireEndpoint(orgId, endpointId);
        return jdbc.sql(
                        """
                        select event_id, type, status, attempts, created_at, last_attempt_at,
                          response_status, last_error
                        from webhook_delivery where endpoint_id = ?
                        order by created_at desc, event_id limit ?
                        """)
                .params(endpointId, DELIVERIES_LISTED_MAX)
                .query((rs, n) ->
                        new Delivery(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getInt(4),
                                rs.getTimestamp(5).toInstant(),
                                rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(),
                                (Integer) rs.getObject(7),
                                rs.getString(8)))
                .list();
    }

    /**
     * Sends a delivery again, with its id and body unchanged, and retries it for another 24 hours
     * should it fail; a receiver that already has it drops it by id.
     */
    @Transactional
    public void resend(String orgId, String endpointId, String eventId, Caller by) {
        requireEndpoint(orgId, endpointId);
        Instant now = clock.instant();
        int found =
                jdbc.sql(
                                """
                                update webhook_delivery set status = 'PENDING', next_attempt_at = ?,
                                  retry_until = ?, claimed_until = null
                                where endpoint_id = ? and event_id = ?
                                """)
                        .params(
                                Timestamp.from(now),
                                Timestamp.from(now.plus(WebhookOutbox.RETRY_WINDOW)),
                                endpointId,
                                eventId)
                        .update();
        if (found == 0) {
            throw ApiException.notFound(
                    "Delivery '" + eventId + "' of webhook '" + endpointId + "' does not exist.");
        }
        audit.record(
                orgId,
                orgs.now(orgs.require(orgId)),
                by.actor(),
                "webhook.resent",
                eventId,
                null,
                null);
        events.publishEvent(new WebhookOutbox.DeliveriesEnqueued());
    }

    private void requireEndpoint(String orgId, String endpointId) {
        orgs.require(orgId);
        boolean exists =
                jdbc.sql(
                                        "select count(*) from webhook_endpoint where org_id = ? and id = ? and deleted_at is null")
                                .params(orgId, endpointId)
                                .query(Long.class)
                                .single()
                        > 0;
        if (!exists) {
            throw notFound(orgId, endpointId);
        }
    }

    private static ApiException notFound(String orgId, String endpointId) {
        return ApiException.notFound(
                "Webhook '" + endpointId + "' does not exist in organisation '" + orgId + "'.");
    }

    private static List<String> checkedTypes(List<String> eventTypes) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            throw ApiException.validation(
                    "events must name at least one event type: " + String.join(", ", wireNames()));
        }
        Set<String> types = new LinkedHashSet<>();
        for (String type : eventTypes) {
            if (type == null || WebhookType.ofWire(type).isEmpty()) {
                throw ApiException.validation(
                        "Unknown event type '"
                                + type
                                + "'; the types are "
                                + String.join(", ", wireNames())
                                + ".");
            }
            types.add(type);
        }
        return List.copyOf(types);
    }

    private static EndpointKind checkedKind(String kind) {
        if (kind == null || kind.isBlank()) {
            return EndpointKind.WEBHOOK;
        }
        try {
            return EndpointKind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("kind must be WEBHOOK or SLACK, got '" + kind + "'.");
        }
    }

    private static List<String> wireNames() {
        return java.util.Arrays.stream(WebhookType.values()).map(WebhookType::wire).toList();
    }

    private static List<String> strings(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
