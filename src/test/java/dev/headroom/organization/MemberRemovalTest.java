package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.ConsoleSession;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * EX-13: a member who leaves in the middle of working loses their key and their console session at
 * the next request, admission no longer knows them, the lists forget them — and every figure of
 * their history stays as it was.
 */
class MemberRemovalTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-08-10T09:00:00Z");
    static final String PASSWORD = "a-password-of-homer";

    static List<String> memberIds(OrgFixture org, String query) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : org.owner.get(org.path("/members" + query)).body().get("items")) {
            ids.add(item.get("id").asString());
        }
        return ids;
    }

    @Test
    void EX13_aMemberWhoLeavesMidSessionLosesAccessAndKeepsTheirHistory() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        org.put("/extra-usage", Map.of("enabled", true));
        String homer = org.member("STANDARD");
        Api key = org.as(org.memberKey(homer));
        assertThat(
                        org.owner
                                .put(
                                        org.path("/members/" + homer + "/console-password"),
                                        Map.of("password", PASSWORD))
                                .status())
                .isEqualTo(204);
        ConsoleSession console =
                new ConsoleSession("http://localhost:" + port).signIn(org.email(homer), PASSWORD);
        assertThat(console.get("/console/usage").statusCode()).isEqualTo(200);
        assertThat(org.spendCents(homer, 700).text("extraCost")).isEqualTo("2.00");
        assertThat(key.get(org.path("/members/" + homer + "/usage")).status()).isEqualTo(200);
        String mtdBefore = org.usageOf(homer).text("mtdSpend");

        assertThat(org.owner.send("DELETE", org.path("/members/" + homer), "").status())
                .isEqualTo(204);

        Api.Response refused = key.get(org.path("/members/" + homer + "/usage"));
        assertThat(refused.status()).isEqualTo(401);
        var next = console.get("/console/usage");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location").orElseThrow()).endsWith("/login?ended");
        assertThat(console.get("/console/usage").headers().firstValue("Location").orElseThrow())
                .endsWith("/login");
        assertThat(org.decision(homer)).isEqualTo("DENIED:MEMBER_UNKNOWN");
        assertThat(memberIds(org, "")).doesNotContain(homer);
        assertThat(memberIds(org, "?include=removed")).contains(homer);
        assertThat(org.owner.get(org.path("/members?include=removed")).raw())
                .contains("\"removedAt\":\"" + T0 + "\"");

        // A request that was in flight when they left is still billed; nothing after it is.
        Api.Response inFlight = org.report(homer, "late-1", T0, 1_000, 100);
        assertThat(inFlight.status()).as(inFlight.toString()).isEqualTo(200);
        Api.Response after = org.report(homer, "late-2", T0.plusSeconds(1), 1_000, 100);
        assertThat(after.status()).isEqualTo(404);
        // Their history: this month's spend, in flight included, stays on the list of everyone.
        JsonNode kept = null;
        for (JsonNode item :
                org.owner.get(org.path("/members?include=removed")).body().get("items")) {
            if (item.get("id").asString().equals(homer)) {
                kept = item;
            }
        }
        assertThat(mtdBefore).isEqualTo("2.00");
        assertThat(kept.get("mtdSpend").asString()).isEqualTo("2.0045");
        assertThat(org.owner.get(org.path("/usage?groupBy=member")).raw()).contains(homer);
        assertThat(org.owner.get(org.path("/audit-log")).raw()).contains("member.remove");

        // Nothing of theirs changes any more; the same email may join again as a new member.
        Api.Response cap =
                org.owner.put(
                        org.path("/members/" + homer + "/spend-limit"), Map.of("amount", "1"));
        assertThat(cap.status()).isEqualTo(404);
        assertThat(org.owner.send("DELETE", org.path("/members/" + homer), "").status())
                .isEqualTo(404);
        Api.Response again =
                org.owner.post(
                        org.path("/members"),
                        Map.of(
                                "email",
                                org.email(homer),
                                "name",
                                "Homer again",
                                "seatType",
                                "STANDARD"));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.text("id")).isNotEqualTo(homer);
        assertThat(org.decision(again.text("id"))).isEqualTo("ALLOWED_INCLUDED");
    }

    @Test
    void EX13_thePrimaryOwnerStaysUntilTheRoleIsHandedOver() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String primary = org.member("STANDARD", "PRIMARY_OWNER");
        Api.Response refused = org.operator.send("DELETE", org.path("/members/" + primary), "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("CONFLICT");
        assertThat(memberIds(org, "")).contains(primary);
    }

    @Test
    void EX13_aPendingRequestOfAMemberWhoLeavesIsWithdrawn() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String lisa = org.member("STANDARD");
        org.spendCents(lisa, 500);
        Api.Response filed =
                org.service.post(org.path("/members/" + lisa + "/extra-usage-requests"), null);
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        assertThat(org.owner.send("DELETE", org.path("/members/" + lisa), "").status())
                .isEqualTo(204);
        assertThat(org.owner.get(org.path("/extra-usage-requests?status=PENDING")).raw())
                .doesNotContain(filed.text("id"));
        assertThat(org.owner.get(org.path("/extra-usage-requests?status=WITHDRAWN")).raw())
                .contains(filed.text("id"));
    }
}
