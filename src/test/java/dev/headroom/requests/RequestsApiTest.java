package dev.headroom.requests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** XU-21 – XU-23, XU-25 over HTTP: filing, review, approval of each kind, dismissal, toggle. */
class RequestsApiTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-09-06T06:00:00Z");

    OrgFixture enterprise() {
        return scenario().org("ENTERPRISE_SEAT", "UTC", T0);
    }

    static String file(OrgFixture org, String member, int status) {
        Api.Response filed =
                org.service.post(org.path("/members/" + member + "/extra-usage-requests"), null);
        assertThat(filed.status()).as(filed.toString()).isEqualTo(status);
        return filed.text("id");
    }

    @Test
    void XU21_XU22_aStandardMemberAtTheLimitRequestsAPremiumSeatOnce() {
        OrgFixture org = enterprise();
        String homer = org.member("STANDARD");
        String busy = org.member("STANDARD");
        assertThat(org.admit(homer).text("requestAction")).isEqualTo("UNAVAILABLE");
        // Not at a limit yet: nothing to request.
        assertThat(
                        org.service
                                .post(org.path("/members/" + homer + "/extra-usage-requests"), null)
                                .status())
                .isEqualTo(409);

        org.spendCents(homer, 500);
        Api.Response atLimit = org.admit(homer);
        assertThat(atLimit.text("reason")).isEqualTo("INCLUDED_EXHAUSTED");
        assertThat(atLimit.text("requestAction")).isEqualTo("AVAILABLE");
        Api.Response filed =
                org.service.post(org.path("/members/" + homer + "/extra-usage-requests"), null);
        assertThat(filed.status()).isEqualTo(201);
        assertThat(filed.text("kind")).isEqualTo("SEAT_UPGRADE");
        assertThat(filed.text("status")).isEqualTo("PENDING");
        assertThat(filed.text("requestedAt")).isEqualTo(T0.toString());
        // Filing again is a no-op that answers the pending request.
        Api.Response again =
                org.as(org.memberKey(homer))
                        .post(org.path("/members/" + homer + "/extra-usage-requests"), null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("id")).isEqualTo(filed.text("id"));
        assertThat(org.admit(homer).text("requestAction")).isEqualTo("PENDING");
        assertThat(org.usageOf(homer).text("requestAction")).isEqualTo("PENDING");
        // Another member cannot file for homer.
        assertThat(
                        org.as(org.memberKey(busy))
                                .post(org.path("/members/" + homer + "/extra-usage-requests"), null)
                                .status())
                .isEqualTo(403);

        JsonNode pending =
                org.owner.get(org.path("/extra-usage-requests?status=PENDING")).body().get("items");
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).get("memberId").asString()).isEqualTo(homer);
        assertThat(pending.get(0).get("seatType").asString()).isEqualTo("STANDARD");
        assertThat(pending.get(0).get("name").asString()).startsWith("Member ");

        // XU-23: "Increase limit" with the default action upgrades the seat; the next admission
        // sees it.
        Api.Response approved =
                org.owner.post(
                        org.path("/extra-usage-requests/" + filed.text("id") + "/approve"),
                        Map.of());
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.text("decision")).isEqualTo("UPGRADE_SEAT");
        Api.Response after = org.admit(homer);
        assertThat(after.text("decision")).isEqualTo("ALLOWED_INCLUDED");
        assertThat(after.text("requestAction")).isEqualTo("UNAVAILABLE");
        assertThat(MAIL.await(org.email(homer), "was approved", 1)).isEqualTo(1);
        assertThat(MAIL.bodyOf(org.email(homer), "was approved")).contains("Premium");
        assertThat(
                        org.owner
                                .post(
                                        org.path(
                                                "/extra-usage-requests/"
                                                        + filed.text("id")
                                                        + "/approve"),
                                        Map.of())
                                .status())
                .isEqualTo(409);
    }

    @Test
    void XU23_approvingEnablesExtraUsageOrRaisesTheCap() {
        OrgFixture org = enterprise();
        org.put("/extra-usage", Map.of("enabled", true, "scope", "SELECTED"));
        String lisa = org.member("PREMIUM");
        org.spendCents(lisa, 2_500);
        String request = file(org, lisa, 201);
        assertThat(
                        org.owner
                                .get(org.path("/extra-usage-requests"))
                                .body()
                                .at("/items/0/kind")
                                .asString())
                .isEqualTo("EXTRA_USAGE");
        Api.Response admin =
                org.owner.post(
                        org.path("/extra-usage-requests/" + request + "/approve"),
                        Map.of("action", "ENABLE_EXTRA_USAGE"));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(org.decision(lisa)).isEqualTo("ALLOWED_EXTRA");

        org.limit("/seat-types/PREMIUM/spend-limit", "2");
        org.spendCents(lisa, 300);
        assertThat(org.decision(lisa)).isEqualTo("DENIED:SEAT_TYPE_CAP_REACHED");
        String raise = file(org, lisa, 201);
        assertThat(
                        org.owner
                                .post(
                                        org.path("/extra-usage-requests/" + raise + "/approve"),
                                        Map.of("action", "RAISE_LIMIT"))
                                .status())
                .isEqualTo(400);
        Api.Response raised =
                org.owner.post(
                        org.path("/extra-usage-requests/" + raise + "/approve"),
                        Map.of("action", "RAISE_LIMIT", "amount", "5"));
        assertThat(raised.text("amount")).isEqualTo("5.00");
        JsonNode usage = org.usageOf(lisa).body();
        assertThat(usage.get("effectiveSpendLimit").asString()).isEqualTo("7.00");
        assertThat(usage.get("effectiveSpendLimitSource").asString()).isEqualTo("MEMBER");
        assertThat(org.decision(lisa)).isEqualTo("ALLOWED_EXTRA");
    }

    @Test
    void XU23_aDismissedMemberWaits30DaysBeforeFilingAgain() {
        OrgFixture org = enterprise();
        String frank = org.member("STANDARD");
        org.spendCents(frank, 500);
        String request = file(org, frank, 201);
        Api.Response dismissed =
                org.owner.post(org.path("/extra-usage-requests/" + request + "/dismiss"), null);
        assertThat(dismissed.text("status")).isEqualTo("DISMISSED");
        assertThat(MAIL.await(org.email(frank), "was dismissed", 1)).isEqualTo(1);
        assertThat(org.admit(frank).text("requestAction")).isEqualTo("UNAVAILABLE");
        Api.Response refused =
                org.service.post(org.path("/members/" + frank + "/extra-usage-requests"), null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().at("/error/message").asString()).contains("dismissed");

        org.advance(T0.plus(Duration.ofDays(30)).minusSeconds(1));
        org.spendCents(frank, 500);
        assertThat(org.admit(frank).text("requestAction")).isEqualTo("UNAVAILABLE");
        org.advance(T0.plus(Duration.ofDays(30)));
        assertThat(org.admit(frank).text("requestAction")).isEqualTo("AVAILABLE");
        file(org, frank, 201);
    }

    @Test
    void XU25_requestsOffOfferNothingAndRefuseNewOnesButPendingStayReviewable() {
        OrgFixture org = enterprise();
        String a = org.member("STANDARD");
        String b = org.member("STANDARD");
        org.spendCents(a, 500);
        org.spendCents(b, 500);
        String pending = file(org, a, 201);
        org.put("/extra-usage/requests", Map.of("enabled", false));
        assertThat(
                        org.owner
                                .get(org.path("/extra-usage"))
                                .body()
                                .get("requestsEnabled")
                                .asBoolean())
                .isFalse();
        assertThat(org.admit(b).text("requestAction")).isEqualTo("UNAVAILABLE");
        assertThat(org.admit(a).text("requestAction")).isEqualTo("UNAVAILABLE");
        Api.Response refused =
                org.service.post(org.path("/members/" + b + "/extra-usage-requests"), null);
        assertThat(refused.errorCode()).isEqualTo("REQUESTS_DISABLED");
        assertThat(
                        org.owner
                                .get(org.path("/extra-usage-requests?status=PENDING"))
                                .body()
                                .get("items"))
                .hasSize(1);
        assertThat(
                        org.owner
                                .post(
                                        org.path("/extra-usage-requests/" + pending + "/approve"),
                                        Map.of())
                                .status())
                .isEqualTo(200);
        org.put("/extra-usage/requests", Map.of("enabled", true));
        assertThat(org.admit(b).text("requestAction")).isEqualTo("AVAILABLE");
    }

    @Test
    void planChecks() {
        for (String plan : new String[] {"TEAM", "ENTERPRISE_USAGE"}) {
            OrgFixture org = scenario().org(plan, "UTC", T0);
            String m = org.member(plan.equals("TEAM") ? "STANDARD" : null);
            assertThat(
                            org.service
                                    .post(org.path("/members/" + m + "/extra-usage-requests"), null)
                                    .errorCode())
                    .as(plan)
                    .isEqualTo("PLAN_NOT_SUPPORTED");
            assertThat(org.owner.get(org.path("/extra-usage-requests")).errorCode())
                    .isEqualTo("PLAN_NOT_SUPPORTED");
            assertThat(
                            org.owner
                                    .put(
                                            org.path("/extra-usage/requests"),
                                            Map.of("enabled", false))
                                    .errorCode())
                    .isEqualTo("PLAN_NOT_SUPPORTED");
        }
    }

    @Test
    void reviewIsForAdminsAndAboveAndEveryDecisionIsAudited() {
        OrgFixture org = enterprise();
        String m = org.member("STANDARD");
        org.spendCents(m, 500);
        String request = file(org, m, 201);
        Api memberKey = org.as(org.memberKey(m));
        assertThat(memberKey.get(org.path("/extra-usage-requests")).status()).isEqualTo(403);
        assertThat(
                        memberKey
                                .post(
                                        org.path("/extra-usage-requests/" + request + "/approve"),
                                        Map.of())
                                .status())
                .isEqualTo(403);
        String adminId = org.member("STANDARD", "ADMIN");
        Api admin =
                org.as(
                        org.operator
                                .post(
                                        org.path("/keys"),
                                        Map.of("role", "ADMIN", "memberId", adminId))
                                .text("key"));
        assertThat(
                        admin.post(org.path("/extra-usage-requests/" + request + "/dismiss"), null)
                                .status())
                .isEqualTo(200);
        JsonNode log = org.owner.get(org.path("/audit-log")).body().get("items");
        assertThat(log.get(0).get("action").asString()).isEqualTo("extra_usage_request.dismiss");
        assertThat(log.get(0).get("actor").asString()).isEqualTo("member:" + adminId);
        java.util.List<String> actions = new java.util.ArrayList<>();
        log.forEach(entry -> actions.add(entry.get("action").asString()));
        assertThat(actions).contains("extra_usage_request.file");
    }
}
