package dev.headroom.credits;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.headroom.support.HeadroomProcess;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 4: the payment provider misbehaves — a call that times out, a 500, a call that
 * hangs while Headroom is SIGKILLed — and then succeeds. The reload is charged under one
 * idempotency key (so the provider charges once, as Stripe does for a repeated key) and credited
 * once; the balance equals its ledger (XU-6).
 */
class PaymentFaultsTest {
    static final Instant T0 = Instant.parse("2027-06-01T09:00:00Z");
    static final String INTENTS = "/v1/payment_intents";

    static ResponseDefinitionBuilder succeeded() {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(StripePaymentProviderTest.SUCCEEDED);
    }

    @Test
    void XU6_aReloadThroughATimeoutA500AndAKillMidChargeIsChargedAndCreditedOnce()
            throws Exception {
        WireMockServer stripe = new WireMockServer(options().dynamicPort());
        stripe.start();
        stripe.stubFor(post(INTENTS).willReturn(succeeded()));
        try (HeadroomProcess headroom =
                new HeadroomProcess(
                        "--headroom.stripe.api-key=sk_test_headroom",
                        "--headroom.stripe.api-base=" + stripe.baseUrl(),
                        "--headroom.stripe.read-timeout=PT2S",
                        "--headroom.credits.claim=PT6S",
                        "--headroom.credits.retry-base=PT0.5S",
                        "--headroom.credits.recovery-interval=PT0.5S")) {
            headroom.start();
            OrgFixture org =
                    new dev.headroom.support.Scenario(headroom.operator()).org("TEAM", "UTC", T0);
            org.windows("STANDARD", "session", "PT5H", "0");
            org.member("PREMIUM", "PRIMARY_OWNER");
            org.put(
                    "/payment-method",
                    Map.of("customerId", "cus_Rk2nA1b2C3d4E5", "paymentMethodId", "pm_1"));
            org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "20"));
            org.put("/auto-reload", Map.of("enabled", true, "threshold", "5", "amount", "20"));

            // The reload's calls: one times out, one gets a 500, one hangs until Headroom is
            // killed; then the provider answers.
            stripe.resetAll();
            stripe.stubFor(
                    post(INTENTS)
                            .inScenario("reload")
                            .whenScenarioStateIs(Scenario.STARTED)
                            .willReturn(succeeded().withFixedDelay(4_000))
                            .willSetStateTo("timed out"));
            stripe.stubFor(
                    post(INTENTS)
                            .inScenario("reload")
                            .whenScenarioStateIs("timed out")
                            .willReturn(aResponse().withStatus(500).withBody("{}"))
                            .willSetStateTo("failed"));
            stripe.stubFor(
                    post(INTENTS)
                            .inScenario("reload")
                            .whenScenarioStateIs("failed")
                            .willReturn(succeeded().withFixedDelay(20_000))
                            .willSetStateTo("killed"));
            stripe.stubFor(
                    post(INTENTS)
                            .inScenario("reload")
                            .whenScenarioStateIs("killed")
                            .willReturn(succeeded()));

            org.spendCents(org.member("STANDARD"), 1_600);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (calls(stripe).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(calls(stripe)).as("the timeout, the 500, the hanging call").hasSize(3);
            headroom.kill(false);
            headroom.start();
            while (reloads(headroom, org) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }

            List<LoggedRequest> calls = calls(stripe);
            assertThat(calls).hasSizeGreaterThanOrEqualTo(4);
            assertThat(calls.stream().map(r -> r.getHeader("Idempotency-Key")).distinct())
                    .as("every call of the reload under the payment's one key")
                    .hasSize(1);
            assertThat(reloads(headroom, org)).isOne();
            assertThat(headroom.count("select balance_nanos from balance where org_id = ?", org.id))
                    .isEqualTo(
                            headroom.count(
                                    "select sum(amount_nanos) from balance_entry where org_id = ?",
                                    org.id));
            Thread.sleep(2_000);
            assertThat(calls(stripe)).hasSize(calls.size());
        } finally {
            stripe.stop();
        }
    }

    static List<LoggedRequest> calls(WireMockServer stripe) {
        return stripe.findAll(postRequestedFor(urlEqualTo(INTENTS)));
    }

    static long reloads(HeadroomProcess headroom, OrgFixture org) throws Exception {
        return headroom.count(
                "select count(*) from balance_entry where org_id = ? and kind = 'RELOAD'", org.id);
    }
}
