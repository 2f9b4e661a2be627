package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every API endpoint × every kind of caller, from one table. An endpoint the server serves that the
 * table does not list fails the build; a caller outside the allowed set must get 401 (no or a wrong
 * key) or 403, and an allowed one must get past authorization. A key of another org never sees this
 * org's data.
 */
class AuthorizationMatrixTest extends IntegrationTest {

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

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    OrgFixture org;
    OrgFixture other;
    String member;
    Api admin;
    Api memberKey;
    int unique;

    @BeforeEach
    void setUp() {
        org = scenario().org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-01-01T00:00:00Z"));
        other = scenario().org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-01-01T00:00:00Z"));
        member = org.member("STANDARD");
        String adminId = org.member("STANDARD", "ADMIN");
        admin =
                org.as(
                        org.operator
                                .post(
                                        org.path("/keys"),
                                        Map.of("role", "ADMIN", "memberId", adminId))
                                .text("key"));
        memberKey = org.as(org.memberKey(member));
    }

    @Test
    void everyServedEndpointIsInTheTable() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods()
                .keySet()
                .forEach(info ->
                        info.getPathPatternsCondition()
                                .getPatternValues()
                                .forEach(path -> {
                                    if (path.startsWith("/api/")) {
                                        info.getMethodsCondition()
                                                .getMethods()
                                                .forEach(m -> served.add(m.name() + " " + path));
                                    }
                                }));
        Set<String> listed = new TreeSet<>();
        TABLE.forEach(e -> listed.add(e.method() + " " + e.pattern()));
        assertThat(listed)
                .as("endpoints served but missing from the authorization table")
                .containsAll(served);
        assertThat(served)
                .as("table entries for endpoints that are not served")
                .containsAll(listed);
    }

    @Test
    void everyCallerGetsWhatTheTableSays() {
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : TABLE) {
            for (Who who : Who.values()) {
                Api.Response response = call(endpoint, who);
                int status = response.status();
                boolean allowed = endpoint.allowed().contains(who);
                boolean ok =
                        switch (who) {
                            case NONE, WRONG_KEY ->
                                    status == 401 && response.errorCode().equals("UNAUTHENTICATED");
                            default ->
                                    allowed
                                            ? status != 401 && status != 403 && status < 500
                                            : status == 403
                                                    && response.errorCode().equals("FORBIDDEN");
                        };
                if (!ok) {
                    failures.add(
                            endpoint.method()
                                    + " "
                                    + endpoint.pattern()
                                    + " as "
                                    + who
                                    + ": "
                                    + response);
                }
                if (who == Who.OTHER_ORG_OWNER && !endpoint.pattern().equals("/api/v1/prices")) {
                    if (response.raw().contains(member)
                            || (response.raw().contains(org.id) && status < 400)) {
                        failures.add(
                                endpoint.method()
                                        + " "
                                        + endpoint.pattern()
                                        + " leaked data to another org: "
                                        + response);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private Api.Response call(Endpoint endpoint, Who who) {
        Api api =
                switch (who) {
                    case NONE -> anonymous();
                    case WRONG_KEY -> anonymous().as("hr_this_is_not_a_key_of_anyone_at_all");
                    case OPERATOR -> org.operator;
                    case OWNER -> org.owner;
                    case ADMIN -> admin;
                    case SERVICE -> org.service;
                    case MEMBER_SELF -> memberKey;
                    case OTHER_ORG_OWNER -> other.owner;
                };
        String path = fill(endpoint.pattern());
        String body = endpoint.body() == null ? null : fill(endpoint.body());
        return api.send(
                endpoint.method(),
                path,
                body == null && !endpoint.method().equals("GET") ? "" : body);
    }

    private String fill(String text) {
        return text.replace("{org}", org.id)
                .replace("{member}", member)
                .replace("{seatType}", "STANDARD")
                .replace("{model}", "matrix-model")
                .replace("{id}", "id_none")
                .replace("{unique}", "matrix-" + (++unique));
    }
}
