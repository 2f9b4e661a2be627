package dev.headroom.metering.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.organization.Caller;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Issue 15, item 3: the lean hot path answers exactly as Spring MVC does — same status, same body —
 * for admissions and usage reports, good and bad (EX-9), and leaves every other shape of request to
 * MVC.
 */
class HotPathFilterTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-03-03T09:00:00Z");
    // An Accept the lean path leaves to MVC, which answers it with JSON all the same.
    static final String TO_MVC = "application/json, text/plain";

    @Autowired HotPathFilter filter;
    @Autowired JdbcClient jdbc;

    @Test
    void issue15_thePlainShapeTakesTheLeanPathAndEveryOtherGoesOnToMvc() {
        assertThat(filter.shouldNotFilter(request("POST", "/api/v1/admissions", null))).isFalse();
        assertThat(filter.shouldNotFilter(request("POST", "/api/v1/usage", "*/*"))).isFalse();
        assertThat(
                        filter.shouldNotFilter(
                                request("POST", "/api/v1/usage:batch", "application/json")))
                .isFalse();
        assertThat(filter.shouldNotFilter(request("POST", "/api/v1/usage", TO_MVC))).isTrue();
        assertThat(filter.shouldNotFilter(request("PUT", "/api/v1/usage", null))).isTrue();
        assertThat(filter.shouldNotFilter(request("POST", "/api/v1/orgs", null))).isTrue();
        MockHttpServletRequest latin1 = request("POST", "/api/v1/usage", null);
        latin1.setContentType("application/json; charset=ISO-8859-1");
        assertThat(filter.shouldNotFilter(latin1)).isTrue();
        MockHttpServletRequest noLength = request("POST", "/api/v1/usage", null);
        noLength.setContent(new byte[0]);
        assertThat(filter.shouldNotFilter(noLength)).isTrue();
        MockHttpServletRequest anonymous = request("POST", "/api/v1/usage", null);
        anonymous.removeAttribute(Caller.REQUEST_ATTRIBUTE);
        assertThat(filter.shouldNotFilter(anonymous)).isTrue();
    }

    @Test
    void EX9_admissionsAnswerAsMvcDoesGoodAndBad() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        OrgFixture other = scenario().org("TEAM", "UTC", T0);
        String m = org.member("STANDARD");
        List<Object> bodies = new ArrayList<>();
        bodies.add(admission(org.id, m));
        bodies.add(admission(org.id, "mem_nobody"));
        bodies.add(admission(other.id, m));
        bodies.add(Map.of("memberId", m));
        bodies.add(Map.of("orgId", org.id, "memberId", m, "unknown", 1));
        bodies.add("{\"orgId\": ");
        bodies.add("null");
        bodies.add("[1, 2]");
        bodies.add("  ");
        bodies.add(
                Map.of(
                        "orgId",
                        org.id,
                        "memberId",
                        m,
                        "estimate",
                        Map.of("input_tokens", 1.5, "max_tokens", 10)));
        for (Object body : bodies) {
            assertSameAnswer(org.service, "/api/v1/admissions", body);
        }
    }

    @Test
    void EX9_usageReportsAnswerAsMvcDoesGoodAndBad() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String m = org.member("STANDARD");
        // Good reports once each way (their request ids differ), then their replays and conflicts.
        Api.Response lean =
                org.service.post("/api/v1/usage", org.usageBody(m, "lean-1", T0, 1_000, 10));
        Api.Response mvc =
                org.service
                        .withHeader("Accept", TO_MVC)
                        .post("/api/v1/usage", org.usageBody(m, "mvc-1", T0, 1_000, 10));
        assertThat(lean.status()).isEqualTo(200);
        assertThat(lean.raw().replace("lean-1", "mvc-1")).isEqualTo(mvc.raw());
        List<Object> bodies = new ArrayList<>();
        bodies.add(org.usageBody(m, "lean-1", T0, 1_000, 10)); // a replay
        bodies.add(org.usageBody(m, "lean-1", T0, 1_000, 11)); // other content: 409
        bodies.add(org.usageBody("mem_nobody", "ghost", T0, 1_000, 10));
        Map<String, Object> unpriced = new HashMap<>(org.usageBody(m, "u", T0, 1, 1));
        unpriced.put("model", "claude-nothing-9");
        bodies.add(unpriced);
        Map<String, Object> floating = new HashMap<>(org.usageBody(m, "f", T0, 1, 1));
        floating.put("usage", Map.of("input_tokens", 1.5, "output_tokens", 1));
        bodies.add(floating);
        bodies.add(Map.of("requestId", "x"));
        bodies.add("{\"requestId\": \"x\", }");
        bodies.add("null");
        bodies.add("{\"orgId\": \"" + org.id + "\", \"requestId\": \"nul\u0000\"}");
        for (Object body : bodies) {
            assertSameAnswer(org.service, "/api/v1/usage", body);
        }
        List<Object> batches = new ArrayList<>();
        batches.add(Map.of("items", List.of(org.usageBody(m, "lean-1", T0, 1_000, 10))));
        batches.add(Map.of("items", List.of()));
        batches.add("{\"items\": [null]}");
        batches.add(
                Map.of(
                        "items",
                        List.of(
                                org.usageBody(m, "b1", T0, 1, 1),
                                org.usageBody("mem_nobody", "b2", T0, 1, 1))));
        batches.add("{}");
        for (Object body : batches) {
            assertSameAnswer(org.service, "/api/v1/usage:batch", body);
        }
        assertThat(
                        jdbc.sql("select request_id from usage_event where org_id = ? order by 1")
                                .param(org.id)
                                .query(String.class)
                                .list())
                .as("only the two good reports were stored, each once")
                .containsExactly("lean-1", "mvc-1");
    }

    private static Map<String, Object> admission(String orgId, String memberId) {
        return Map.of(
                "orgId",
                orgId,
                "memberId",
                memberId,
                "product",
                "CLAUDE",
                "model",
                "claude-haiku-4-5");
    }

    private static void assertSameAnswer(Api caller, String path, Object body) {
        Api.Response lean = caller.post(path, body);
        Api.Response mvc = caller.withHeader("Accept", TO_MVC).post(path, body);
        assertThat(lean.status()).as("%s %s", path, body).isEqualTo(mvc.status());
        assertThat(lean.raw()).as("%s %s", path, body).isEqualTo(mvc.raw());
    }

    private static MockHttpServletRequest request(String method, String path, String accept) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setContentType("application/json");
        request.setContent("{}".getBytes());
        if (accept != null) {
            request.addHeader("Accept", accept);
        }
        request.setAttribute(Caller.REQUEST_ATTRIBUTE, Caller.Operator.KEY);
        return request;
    }
}
