package dev.headroom.organization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** EX-12: keys are listed without their secret, expire, are revoked, and record their last use. */
class KeysApiTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-04-01T09:00:00Z");

    static JsonNode listed(OrgFixture org, String keyId, String query) {
        for (JsonNode item : org.owner.get(org.path("/keys" + query)).body().get("items")) {
            if (item.get("id").asString().equals(keyId)) {
                return item;
            }
        }
        return null;
    }

    @Test
    void EX12_ownersListKeysWithRoleMemberAndDatesButNeverTheSecret() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        Instant expiry =
                Instant.now()
                        .plusSeconds(86_400)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Api.Response created =
                org.owner.post(
                        org.path("/keys"),
                        Map.of(
                                "role",
                                "MEMBER",
                                "memberId",
                                member,
                                "name",
                                "Laptop",
                                "expiresAt",
                                expiry.toString()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.text("id");
        String secret = created.text("key");
        assertThat(created.text("expiresAt")).isEqualTo(expiry.toString());

        Api.Response list = org.owner.get(org.path("/keys"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.raw()).doesNotContain(secret);
        JsonNode key = listed(org, id, "");
        assertThat(key.get("name").asString()).isEqualTo("Laptop");
        assertThat(key.get("role").asString()).isEqualTo("MEMBER");
        assertThat(key.get("memberId").asString()).isEqualTo(member);
        assertThat(key.get("createdAt").isNull()).isFalse();
        assertThat(key.get("expiresAt").asString()).isEqualTo(expiry.toString());
        assertThat(key.get("lastUsedAt").isNull()).isTrue();

        assertThat(org.as(secret).get(org.path("/members/" + member + "/usage")).status())
                .isEqualTo(200);
        assertThat(listed(org, id, "").get("lastUsedAt").isNull()).isFalse();
        assertThat(org.service.get(org.path("/keys")).status()).isEqualTo(403);
    }

    @Test
    void EX12_aRevokedKeyAnswers401AtItsNextUse() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        Api.Response created = org.owner.post(org.path("/keys"), Map.of("role", "SERVICE"));
        Api leaked = org.as(created.text("key"));
        String member = org.member("STANDARD");
        assertThat(org.admit(member).status()).isEqualTo(200);
        assertThat(leaked.post("/api/v1/admissions", admission(org, member)).status())
                .isEqualTo(200);

        Api.Response revoked =
                org.owner.send("DELETE", org.path("/keys/" + created.text("id")), "");
        assertThat(revoked.status()).isEqualTo(204);
        Api.Response refused = leaked.post("/api/v1/admissions", admission(org, member));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(refused.body().at("/error/message").asString()).contains("revoked");
        // Revoked keys leave the list unless asked for; revoking again changes nothing.
        assertThat(listed(org, created.text("id"), "")).isNull();
        assertThat(listed(org, created.text("id"), "?include=revoked").get("revokedAt").isNull())
                .isFalse();
        assertThat(org.owner.send("DELETE", org.path("/keys/" + created.text("id")), "").status())
                .isEqualTo(204);
        assertThat(org.owner.send("DELETE", org.path("/keys/key_none"), "").status())
                .isEqualTo(404);
        assertThat(org.owner.get(org.path("/keys?include=everything")).status()).isEqualTo(400);
        // The audit log says who revoked which key.
        assertThat(org.owner.get(org.path("/audit-log")).raw())
                .contains("api_key.revoke")
                .contains(created.text("id"));
    }

    @Test
    void EX12_anExpiredKeyAnswers401() throws Exception {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        Api.Response created =
                org.owner.post(
                        org.path("/keys"),
                        Map.of(
                                "role",
                                "SERVICE",
                                "expiresAt",
                                Instant.now().plusMillis(1_500).toString()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api key = org.as(created.text("key"));
        assertThat(key.get(org.path("")).status()).isEqualTo(200);
        Thread.sleep(2_000);
        Api.Response expired = key.get(org.path(""));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body().at("/error/message").asString()).contains("expired");
    }

    @Test
    void EX12_newKeysNeedAFutureExpiryAndOwnerKeysOfNoMemberComeFromTheOperator() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        Api.Response past =
                org.owner.post(
                        org.path("/keys"),
                        Map.of("role", "SERVICE", "expiresAt", "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(org.owner.post(org.path("/keys"), Map.of("role", "OWNER")).status())
                .isEqualTo(403);
        assertThat(org.owner.post(org.path("/keys"), Map.of("role", "ADMIN")).status())
                .isEqualTo(403);
        assertThat(org.operator.post(org.path("/keys"), Map.of("role", "OWNER")).status())
                .isEqualTo(201);
        assertThat(
                        org.owner
                                .post(
                                        org.path("/keys"),
                                        Map.of("role", "SERVICE", "name", "bad\u0000name"))
                                .status())
                .isEqualTo(400);
        String member = org.member("STANDARD");
        Api.Response tooHigh =
                org.owner.post(org.path("/keys"), Map.of("role", "ADMIN", "memberId", member));
        assertThat(tooHigh.status()).isEqualTo(400);
    }

    @Test
    void EX14_thePrimaryOwnerHandsTheRoleOverWithTheirOwnKey() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String primary = org.member("STANDARD", "PRIMARY_OWNER");
        String owner = org.member("STANDARD", "OWNER");
        Api primaryKey = org.as(org.keyFor(primary, "OWNER"));
        Api ownerKey = org.as(org.keyFor(owner, "OWNER"));
        Map<String, Object> toOwner = Map.of("memberId", owner);
        Api.Response notPrimary = ownerKey.post(org.path("/primary-owner"), toOwner);
        assertThat(notPrimary.status()).isEqualTo(403);
        assertThat(org.owner.post(org.path("/primary-owner"), toOwner).status()).isEqualTo(403);
        Api.Response handed = primaryKey.post(org.path("/primary-owner"), toOwner);
        assertThat(handed.status()).as(handed.toString()).isEqualTo(200);
        assertThat(handed.text("role")).isEqualTo("PRIMARY_OWNER");
        // The old primary owner is an owner now, and their key follows at once.
        assertThat(
                        primaryKey
                                .post(org.path("/primary-owner"), Map.of("memberId", primary))
                                .status())
                .isEqualTo(403);
        assertThat(ownerKey.post(org.path("/primary-owner"), Map.of("memberId", primary)).status())
                .isEqualTo(200);
    }

    private static Map<String, Object> admission(OrgFixture org, String member) {
        return Map.of(
                "orgId",
                org.id,
                "memberId",
                member,
                "product",
                "CLAUDE",
                "model",
                "claude-haiku-4-5");
    }
}
