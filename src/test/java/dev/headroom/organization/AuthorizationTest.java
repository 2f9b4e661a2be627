package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XU-4: who may do what, checked on every endpoint with real keys over HTTP. */
class AuthorizationTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-02-01T10:00:00Z");

    OrgFixture org;
    OrgFixture other;
    String member;
    Api admin;
    Api memberKey;
    Api otherMember;

    @BeforeEach
    void setUp() {
        org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        other = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        member = org.member("STANDARD");
        String adminId = org.member("STANDARD", "ADMIN");
        admin =
                org.operator.as(
                        org.operator
                                .post(
                                        org.path("/keys"),
                                        Map.of("role", "ADMIN", "memberId", adminId))
                                .text("key"));
        memberKey = org.operator.as(org.memberKey(member));
        otherMember = org.operator.as(org.memberKey(org.member("STANDARD")));
    }

    @Test
    void missingOrUnknownKeysAre401() {
        Api.Response none = anonymous().get(org.path(""));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("UNAUTHENTICATED");
        Api.Response wrong = anonymous().as("hr_not_a_key").get(org.path(""));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void XU4_onlyOwnersChangeSettingsAndCaps() {
        Map<String, Object> limit = new java.util.HashMap<>();
        limit.put("amount", "5");
        for (Api caller : new Api[] {admin, memberKey, org.service}) {
            assertThat(caller.put(org.path("/spend-limit"), limit).errorCode())
                    .isEqualTo("FORBIDDEN");
            assertThat(caller.put(org.path("/extra-usage"), Map.of("enabled", true)).status())
                    .isEqualTo(403);
            assertThat(caller.put(org.path("/members/" + member + "/spend-limit"), limit).status())
                    .isEqualTo(403);
            assertThat(
                            caller.put(org.path("/extra-usage/requests"), Map.of("enabled", false))
                                    .status())
                    .isEqualTo(403);
            assertThat(caller.get(org.path("/audit-log")).status()).isEqualTo(403);
        }
        assertThat(org.owner.put(org.path("/spend-limit"), limit).status()).isEqualTo(200);
    }

    @Test
    void XU4_adminsSeeTheSettingsAndTheMemberList() {
        assertThat(admin.get(org.path("/extra-usage")).status()).isEqualTo(200);
        assertThat(admin.get(org.path("/members")).status()).isEqualTo(200);
        assertThat(memberKey.get(org.path("/members")).status()).isEqualTo(403);
        assertThat(memberKey.get(org.path("/extra-usage")).status()).isEqualTo(403);
    }

    @Test
    void XU4_aMemberSeesOnlyTheirOwnUsage() {
        assertThat(memberKey.get(org.path("/members/" + member + "/usage")).status())
                .isEqualTo(200);
        assertThat(otherMember.get(org.path("/members/" + member + "/usage")).status())
                .isEqualTo(403);
        assertThat(admin.get(org.path("/members/" + member + "/usage")).status()).isEqualTo(200);
    }

    @Test
    void theHotPathNeedsAServiceKeyOfTheSameOrg() {
        Map<String, Object> admission =
                Map.of(
                        "orgId",
                        org.id,
                        "memberId",
                        member,
                        "product",
                        "CLAUDE",
                        "model",
                        "claude-haiku-4-5");
        assertThat(org.service.post("/api/v1/admissions", admission).status()).isEqualTo(200);
        assertThat(org.operator.post("/api/v1/admissions", admission).status()).isEqualTo(200);
        assertThat(org.owner.post("/api/v1/admissions", admission).status()).isEqualTo(403);
        assertThat(memberKey.post("/api/v1/admissions", admission).status()).isEqualTo(403);
        assertThat(other.service.post("/api/v1/admissions", admission).status()).isEqualTo(403);
        assertThat(
                        other.service
                                .post("/api/v1/usage", org.usageBody(member, "x1", T0, 1, 1))
                                .status())
                .isEqualTo(403);
    }

    @Test
    void aKeyOfAnotherOrgSeesNothingOfThisOne() {
        for (String path :
                new String[] {
                    "", "/members", "/extra-usage", "/audit-log", "/members/" + member + "/usage"
                }) {
            Api.Response response = other.owner.get(org.path(path));
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.raw()).doesNotContain(member);
        }
    }

    @Test
    void operatorOnlyEndpointsRefuseOrgKeys() {
        assertThat(org.owner.post("/api/v1/orgs", Map.of("name", "x", "plan", "TEAM")).status())
                .isEqualTo(403);
        assertThat(org.owner.put("/api/v1/prices/claude-x", Map.of()).status()).isEqualTo(403);
        assertThat(
                        org.owner
                                .put(
                                        org.path("/seat-types/STANDARD/included-allowance"),
                                        Map.of("windows", java.util.List.of()))
                                .status())
                .isEqualTo(403);
        assertThat(org.owner.patch(org.path(""), Map.of("suspended", true)).status())
                .isEqualTo(403);
    }
}
