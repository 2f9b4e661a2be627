package dev.headroom.security;

import dev.headroom.support.Api;
import dev.headroom.support.Scenario.OrgFixture;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every API endpoint with the callers that may use it: the one table behind {@link
 * AuthorizationMatrixTest} and {@link DemotionReplayTest}.
 */
final class EndpointTable {
    private EndpointTable() {}

    enum Who {
        NONE,
        WRONG_KEY,
        OPERATOR,
        OWNER,
        ADMIN,
        SERVICE,
        MEMBER_SELF,
        OTHER_ORG_OWNER
    }

    static final Set<Who> OPERATOR = EnumSet.of(Who.OPERATOR);
    static final Set<Who> OWNERS = EnumSet.of(Who.OPERATOR, Who.OWNER);
    static final Set<Who> ADMINS = EnumSet.of(Who.OPERATOR, Who.OWNER, Who.ADMIN);
    static final Set<Who> HOT_PATH = EnumSet.of(Who.OPERATOR, Who.SERVICE);
    static final Set<Who> SELF =
            EnumSet.of(Who.OPERATOR, Who.OWNER, Who.ADMIN, Who.SERVICE, Who.MEMBER_SELF);
    static final Set<Who> ANY_OF_ORG = SELF;
    static final Set<Who> ANY_KEY =
            EnumSet.of(
                    Who.OPERATOR,
                    Who.OWNER,
                    Who.ADMIN,
                    Who.SERVICE,
                    Who.MEMBER_SELF,
                    Who.OTHER_ORG_OWNER);

    record Endpoint(String method, String pattern, Set<Who> allowed, String body) {}

    static final List<Endpoint> TABLE =
            List.of(
                    new Endpoint(
                            "POST", "/api/v1/orgs", OPERATOR, "{\"name\":\"M\",\"plan\":\"TEAM\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}", ANY_OF_ORG, null),
                    new Endpoint("PATCH", "/api/v1/orgs/{org}", OPERATOR, "{}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/test-clock/advance",
                            OPERATOR,
                            "{\"to\":\"2027-01-02T00:00:00Z\"}"),
                    new Endpoint(
                            "POST", "/api/v1/orgs/{org}/keys", OWNERS, "{\"role\":\"SERVICE\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/keys", OWNERS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/gateway", OWNERS, null),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/gateway",
                            OWNERS,
                            "{\"upstreamUrl\":\"http://127.0.0.1:9\",\"upstreamKey\":\"k\"}"),
                    new Endpoint("DELETE", "/api/v1/orgs/{org}/keys/{id}", OWNERS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/webhooks",
                            OWNERS,
                            "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"invoice.issued\"]}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/webhooks", OWNERS, null),
                    new Endpoint("DELETE", "/api/v1/orgs/{org}/webhooks/{id}", OWNERS, null),
                    new Endpoint(
                            "GET", "/api/v1/orgs/{org}/webhooks/{id}/deliveries", OWNERS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/webhooks/{id}/deliveries/{eventId}/resend",
                            OWNERS,
                            null),
                    new Endpoint("DELETE", "/api/v1/orgs/{org}/members/{member}", OWNERS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/primary-owner",
                            OPERATOR,
                            "{\"memberId\":\"{member}\"}"),
                    new Endpoint("GET", "/api/v1/prices", ANY_KEY, null),
                    new Endpoint(
                            "PUT",
                            "/api/v1/prices/{model}",
                            OPERATOR,
                            "{\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"inputPerMTok\":\"1\",\"outputPerMTok\":\"1\",\"cacheWrite5mPerMTok\":\"1\",\"cacheWrite1hPerMTok\":\"1\",\"cacheReadPerMTok\":\"1\"}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/members",
                            OWNERS,
                            "{\"email\":\"x@y.example\",\"name\":\"X\",\"seatType\":\"STANDARD\"}"),
                    new Endpoint("PATCH", "/api/v1/orgs/{org}/members/{member}", OWNERS, "{}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/members/{member}/console-password",
                            OWNERS,
                            "{\"password\":\"long-enough-password\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/members", ADMINS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/members/{member}/usage", SELF, null),
                    new Endpoint(
                            "GET",
                            "/api/v1/orgs/{org}/seat-types/{seatType}/included-allowance",
                            ANY_OF_ORG,
                            null),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/seat-types/{seatType}/included-allowance",
                            OPERATOR,
                            "{\"windows\":[{\"name\":\"session\",\"duration\":\"PT5H\",\"allowance\":\"5\"}]}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/extra-usage", ADMINS, null),
                    new Endpoint(
                            "PUT", "/api/v1/orgs/{org}/extra-usage", OWNERS, "{\"enabled\":true}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/extra-usage/requests",
                            OWNERS,
                            "{\"enabled\":true}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/spend-limit",
                            OWNERS,
                            "{\"amount\":\"100\"}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/seat-types/{seatType}/spend-limit",
                            OWNERS,
                            "{\"amount\":\"100\"}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/members/{member}/spend-limit",
                            OWNERS,
                            "{\"amount\":\"100\"}"),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/members/{member}/extra-usage",
                            OWNERS,
                            "{\"enabled\":true}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/credits/purchases",
                            OWNERS,
                            "{\"amount\":\"10\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/credits/purchases", OWNERS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/credits/purchases/{id}", OWNERS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/auto-reload", ADMINS, null),
                    new Endpoint(
                            "PUT", "/api/v1/orgs/{org}/auto-reload", OWNERS, "{\"enabled\":false}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/payment-method", OWNERS, null),
                    new Endpoint(
                            "PUT",
                            "/api/v1/orgs/{org}/payment-method",
                            OWNERS,
                            "{\"paymentMethodId\":\"pm_card_visa\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/balance/history", OWNERS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/audit-log", OWNERS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/admissions",
                            HOT_PATH,
                            "{\"orgId\":\"{org}\",\"memberId\":\"{member}\",\"product\":\"CLAUDE\",\"model\":\"claude-haiku-4-5\"}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/usage",
                            HOT_PATH,
                            "{\"requestId\":\"{unique}\",\"orgId\":\"{org}\",\"memberId\":\"{member}\",\"product\":\"CLAUDE\",\"model\":\"claude-haiku-4-5\",\"timestamp\":\"2027-01-01T00:00:00Z\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/usage:batch",
                            HOT_PATH,
                            "{\"items\":[{\"requestId\":\"{unique}\",\"orgId\":\"{org}\",\"memberId\":\"{member}\",\"product\":\"CLAUDE\",\"model\":\"claude-haiku-4-5\",\"timestamp\":\"2027-01-01T00:00:00Z\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}]}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/members/{member}/extra-usage-requests",
                            SELF,
                            null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/extra-usage-requests", ADMINS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/extra-usage-requests/{id}/approve",
                            ADMINS,
                            "{}"),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/extra-usage-requests/{id}/dismiss",
                            ADMINS,
                            null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/invoices", OWNERS, null),
                    new Endpoint("GET", "/api/v1/orgs/{org}/invoices/{id}", OWNERS, null),
                    new Endpoint(
                            "POST",
                            "/api/v1/orgs/{org}/invoices/close",
                            OPERATOR,
                            "{\"period\":\"2026-12\"}"),
                    new Endpoint("GET", "/api/v1/orgs/{org}/usage", ADMINS, null));

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    /**
     * Sends {@code endpoint} as {@code api}, its placeholders filled for {@code org} and member.
     */
    static Api.Response call(Endpoint endpoint, Api api, OrgFixture org, String member) {
        // A removal takes a new member each time, so the others stay for the next requests.
        String subject = removal(endpoint) ? org.member("STANDARD") : member;
        String path = fill(endpoint.pattern(), org, subject);
        String body = endpoint.body() == null ? null : fill(endpoint.body(), org, subject);
        return api.send(
                endpoint.method(),
                path,
                body == null && !endpoint.method().equals("GET") ? "" : body);
    }

    static boolean removal(Endpoint endpoint) {
        return endpoint.method().equals("DELETE") && endpoint.pattern().endsWith("/{member}");
    }

    private static String fill(String text, OrgFixture org, String member) {
        return text.replace("{org}", org.id)
                .replace("{member}", member)
                .replace("{seatType}", "STANDARD")
                .replace("{model}", "matrix-model")
                .replace("{id}", "id_none")
                .replace("{eventId}", "evt_none")
                .replace("{unique}", "matrix-" + UNIQUE.incrementAndGet());
    }
}
