package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Orgs, members, roles and keys (XU-1, XU-3, XU-4, EX-7, EX-9, EX-11). */
class OrganisationApiTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-02-01T10:00:00Z");

    @Autowired JdbcClient jdbc;

    @Test
    void anOrgHasAPlanACurrencyAndATimeZoneWithDefaults() {
        Api.Response created =
                operator().post("/api/v1/orgs", Map.of("name", "Defaults", "plan", "TEAM"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("currency")).isEqualTo("USD");
        assertThat(created.text("timeZone")).isEqualTo("UTC");
        assertThat(created.body().get("testClock").asBoolean()).isFalse();
        Api.Response read = operator().get("/api/v1/orgs/" + created.text("id"));
        assertThat(read.text("plan")).isEqualTo("TEAM");
        assertThat(read.text("name")).isEqualTo("Defaults");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"x\",\"plan\":\"GOLD\"}|VALIDATION_FAILED",
                "{\"name\":\"\",\"plan\":\"TEAM\"}|VALIDATION_FAILED",
                "{\"plan\":\"TEAM\"}|VALIDATION_FAILED",
                "{\"name\":\"x\"}|VALIDATION_FAILED",
                "{\"name\":\"x\",\"plan\":\"TEAM\",\"currency\":\"DOLLARS\"}|VALIDATION_FAILED",
                "{\"name\":\"x\",\"plan\":\"TEAM\",\"timeZone\":\"Mars/Olympus\"}|VALIDATION_FAILED",
                "{\"name\":\"x\",\"plan\":\"TEAM\",\"testClockStart\":\"2027-01-01T00:00:00Z\"}|VALIDATION_FAILED",
                "{\"name\":\"x\",\"plan\":\"TEAM\",\"colour\":\"red\"}|VALIDATION_FAILED",
                "{\"name\":\"x\",\"plan\":\"TEAM\",\"testClock\":\"yes\"}|VALIDATION_FAILED",
                "[1,2]|VALIDATION_FAILED",
                "not json|VALIDATION_FAILED"
            })
    void EX9_badOrgsAreRefusedWithAClearErrorAndNothingIsWritten(String body, String code) {
        long before = jdbc.sql("select count(*) from org").query(Long.class).single();
        Api.Response response = operator().post("/api/v1/orgs", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(code);
        assertThat(response.body().at("/error/message").asString()).isNotBlank();
        assertThat(jdbc.sql("select count(*) from org").query(Long.class).single())
                .isEqualTo(before);
    }

    @Test
    void XU3_membersNeedASeatOnSeatPlansAndNoneOnUsageBasedPlans() {
        OrgFixture team = scenario().org("TEAM", "UTC", T0);
        Api.Response noSeat =
                team.owner.post(
                        team.path("/members"),
                        Map.of("email", "a@b.example", "name", "A", "role", "MEMBER"));
        assertThat(noSeat.errorCode()).isEqualTo("VALIDATION_FAILED");
        OrgFixture usage = scenario().org("ENTERPRISE_USAGE", "UTC", T0);
        Api.Response seat =
                usage.owner.post(
                        usage.path("/members"),
                        Map.of(
                                "email",
                                "a@b.example",
                                "name",
                                "A",
                                "role",
                                "MEMBER",
                                "seatType",
                                "STANDARD"));
        assertThat(seat.errorCode()).isEqualTo("PLAN_NOT_SUPPORTED");
        Api.Response bad =
                team.owner.post(
                        team.path("/members"),
                        Map.of("email", "not-an-email", "name", "A", "seatType", "STANDARD"));
        assertThat(bad.errorCode()).isEqualTo("VALIDATION_FAILED");
        team.owner.post(
                team.path("/members"),
                Map.of("email", "dup@b.example", "name", "A", "seatType", "STANDARD"));
        Api.Response dup =
                team.owner.post(
                        team.path("/members"),
                        Map.of("email", "DUP@b.example", "name", "B", "seatType", "STANDARD"));
        assertThat(dup.status()).isEqualTo(409);
    }

    @Test
    void XU4_thereIsExactlyOnePrimaryOwnerAndTheRoleIsHandedOver() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String first = org.member("PREMIUM", "PRIMARY_OWNER");
        Map<String, Object> secondPrimary =
                Map.of(
                        "email",
                        "p2@b.example",
                        "name",
                        "P2",
                        "role",
                        "PRIMARY_OWNER",
                        "seatType",
                        "STANDARD");
        assertThat(org.operator.post(org.path("/members"), secondPrimary).status()).isEqualTo(409);
        // EX-14: an owner grants no role above their own.
        assertThat(org.owner.post(org.path("/members"), secondPrimary).status()).isEqualTo(403);
        String admin = org.member("STANDARD", "ADMIN");
        // The primary owner ranks above every owner, and keeps the role until handing it over.
        assertThat(
                        org.owner
                                .patch(org.path("/members/" + first), Map.of("role", "MEMBER"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        org.operator
                                .patch(org.path("/members/" + first), Map.of("role", "MEMBER"))
                                .status())
                .isEqualTo(409);
        // EX-14: PRIMARY_OWNER is never set by PATCH, and goes to an existing owner only.
        assertThat(
                        org.owner
                                .patch(
                                        org.path("/members/" + admin),
                                        Map.of("role", "PRIMARY_OWNER"))
                                .status())
                .isEqualTo(403);
        Map<String, Object> toAdmin = Map.of("memberId", admin);
        assertThat(org.operator.post(org.path("/primary-owner"), toAdmin).status()).isEqualTo(409);
        assertThat(org.owner.patch(org.path("/members/" + admin), Map.of("role", "OWNER")).status())
                .isEqualTo(200);
        Api.Response transfer = org.operator.post(org.path("/primary-owner"), toAdmin);
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(200);
        assertThat(transfer.text("role")).isEqualTo("PRIMARY_OWNER");
        Map<String, String> roles = new HashMap<>();
        org.owner
                .get(org.path("/members"))
                .body()
                .get("items")
                .forEach(m -> roles.put(m.get("id").asString(), m.get("role").asString()));
        assertThat(roles).containsEntry(first, "OWNER").containsEntry(admin, "PRIMARY_OWNER");
    }

    @Test
    void XU4_seatAndRoleChangesAreAuditedWithFromAndTo() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String m = org.member("STANDARD");
        assertThat(
                        org.owner
                                .patch(org.path("/members/" + m), Map.of("seatType", "PREMIUM"))
                                .status())
                .isEqualTo(200);
        org.limit("/members/" + m + "/spend-limit", "12.5");
        org.limit("/members/" + m + "/spend-limit", null);
        JsonNode log = org.owner.get(org.path("/audit-log")).body();
        assertThat(log.get("items").get(0).get("action").asString())
                .isEqualTo("spend_limit.member");
        assertThat(log.get("items").get(0).get("from").asString()).isEqualTo("12.50");
        assertThat(log.get("items").get(0).get("to").asString()).isEqualTo("Unlimited");
        assertThat(log.get("items").get(1).get("to").asString()).isEqualTo("12.50");
        JsonNode seat = log.get("items").get(2);
        assertThat(seat.get("action").asString()).isEqualTo("member.seat_type");
        assertThat(seat.get("from").asString()).isEqualTo("STANDARD");
        assertThat(seat.get("to").asString()).isEqualTo("PREMIUM");
        assertThat(seat.get("at").asString()).isEqualTo(T0.toString());
        assertThat(seat.get("actor").asString()).startsWith("key:");
    }

    @Test
    void EX11_aTestClockOnlyMovesForwardAndOnlyOnTestClockOrgs() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        assertThat(
                        org.operator
                                .post(
                                        org.path("/test-clock/advance"),
                                        Map.of("to", T0.minusSeconds(1).toString()))
                                .status())
                .isEqualTo(400);
        Api.Response moved =
                org.operator.post(
                        org.path("/test-clock/advance"), Map.of("to", "2027-02-03T00:00:00Z"));
        assertThat(moved.text("now")).isEqualTo("2027-02-03T00:00:00Z");
        assertThat(org.now()).isEqualTo(Instant.parse("2027-02-03T00:00:00Z"));
        assertThat(
                        org.owner
                                .post(
                                        org.path("/test-clock/advance"),
                                        Map.of("to", "2027-02-04T00:00:00Z"))
                                .status())
                .isEqualTo(403);
        String real =
                operator().post("/api/v1/orgs", Map.of("name", "Real", "plan", "TEAM")).text("id");
        assertThat(
                        operator()
                                .post(
                                        "/api/v1/orgs/" + real + "/test-clock/advance",
                                        Map.of("to", "2030-01-01T00:00:00Z"))
                                .status())
                .isEqualTo(400);
    }

    /**
     * Issue 15: the org's row is read once and kept — the hot path no longer reads it per request —
     * and a change of it through Headroom is seen at the next request (XU-18).
     */
    @Test
    void XU18_theOrgsRowIsKeptInMemoryUntilItChanges(@Autowired OrgService orgs) {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        assertThat(orgs.require(org.id).name()).isNotEqualTo("Renamed behind Headroom's back");
        // Changed behind Headroom's back on a node that hears only its own writes: memory answers.
        jdbc.sql("update org set name = 'Renamed behind Headroom''s back' where id = ?")
                .param(org.id)
                .update();
        assertThat(orgs.require(org.id).name()).isNotEqualTo("Renamed behind Headroom's back");
        // A change through Headroom drops what was kept: the next read sees the row as it is.
        org.operator.post(org.path("/test-clock/advance"), Map.of("to", "2027-02-05T00:00:00Z"));
        Org now = orgs.require(org.id);
        assertThat(now.name()).isEqualTo("Renamed behind Headroom's back");
        assertThat(now.testClockNow()).isEqualTo(Instant.parse("2027-02-05T00:00:00Z"));
        org.operator.patch(org.path(""), Map.of("suspended", true));
        assertThat(orgs.require(org.id).suspended()).isTrue();
    }

    @Test
    void keysAreStoredHashedAndShownOnce() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String m = org.member("STANDARD");
        Api.Response key =
                org.owner.post(org.path("/keys"), Map.of("role", "MEMBER", "memberId", m));
        assertThat(key.status()).isEqualTo(201);
        String plain = key.text("key");
        assertThat(
                        jdbc.sql("select count(*) from api_key where key_hash = ?")
                                .param(plain)
                                .query(Long.class)
                                .single())
                .isZero();
        assertThat(
                        jdbc.sql(
                                        "select count(*) from api_key where org_id = ? and role = 'MEMBER'")
                                .param(org.id)
                                .query(Long.class)
                                .single())
                .isEqualTo(1);
        assertThat(org.owner.post(org.path("/keys"), Map.of("role", "MEMBER")).status())
                .isEqualTo(400);
        assertThat(
                        org.owner
                                .post(org.path("/keys"), Map.of("role", "OWNER", "memberId", m))
                                .status())
                .isEqualTo(400);
        assertThat(org.owner.post(org.path("/keys"), Map.of("role", "ROOT")).status())
                .isEqualTo(400);
    }
}
