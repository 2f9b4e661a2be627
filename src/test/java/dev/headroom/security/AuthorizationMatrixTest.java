package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.security.EndpointTable.Endpoint;
import dev.headroom.security.EndpointTable.Who;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
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

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    OrgFixture org;
    OrgFixture other;
    String member;
    Api admin;
    Api memberKey;

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
        EndpointTable.TABLE.forEach(e -> listed.add(e.method() + " " + e.pattern()));
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
        for (Endpoint endpoint : EndpointTable.TABLE) {
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
        return EndpointTable.call(endpoint, api, org, member);
    }
}
