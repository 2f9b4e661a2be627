package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Issue 7: no API key or payment secret appears in the logs, also when requests fail. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNotLoggedTest extends IntegrationTest {

    @Test
    void keysAndPaymentMethodsStayOutOfTheLogs(CapturedOutput output) {
        OrgFixture org = scenario().org("TEAM", "UTC", Instant.parse("2027-03-01T00:00:00Z"));
        String member = org.member("STANDARD");
        String memberKey = org.memberKey(member);
        String serviceKey =
                org.operator.post(org.path("/keys"), Map.of("role", "SERVICE")).text("key");
        org.put(
                "/payment-method",
                Map.of(
                        "customerId",
                        "cus_secretCustomer42",
                        "paymentMethodId",
                        "pm_card_chargeDeclined"));
        Api.Response declined =
                org.owner.post(org.path("/credits/purchases"), Map.of("amount", "10"));
        assertThat(declined.status()).isEqualTo(402);
        assertThat(anonymous().as(memberKey + "x").get(org.path("")).status()).isEqualTo(401);
        assertThat(org.as(memberKey).get(org.path("/members")).status()).isEqualTo(403);
        assertThat(org.as(serviceKey).post("/api/v1/usage", "{broken").status()).isEqualTo(400);

        // The capture sees the application's log output (else this test could not fail).
        LoggerFactory.getLogger(SecretsNotLoggedTest.class).warn("secrets-test-marker");
        assertThat(output.getAll())
                .contains("secrets-test-marker")
                .doesNotContain(memberKey)
                .doesNotContain(serviceKey)
                .doesNotContain(OPERATOR_KEY)
                .doesNotContain("cus_secretCustomer42");
    }
}
