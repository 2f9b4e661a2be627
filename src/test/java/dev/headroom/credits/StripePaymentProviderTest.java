package dev.headroom.credits;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.headroom.credits.PaymentProvider.Charge;
import dev.headroom.credits.PaymentProvider.ChargeResult;
import dev.headroom.credits.PaymentProvider.SavedPaymentMethod;
import dev.headroom.credits.stripe.StripePaymentProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Stripe adapter against Stripe's wire format, served by WireMock: an off-session PaymentIntent
 * confirmed in one call, form-encoded, with the idempotency key; a card decline (402 card_error); a
 * dropped connection and a 500 are "no definite answer".
 */
class StripePaymentProviderTest {
    static final String SUCCEEDED =
            """
            {
              "id": "pi_3QxYzAbCdEfGhIjK0a1b2c3d",
              "object": "payment_intent",
              "amount": 5000,
              "amount_received": 5000,
              "capture_method": "automatic_async",
              "confirmation_method": "automatic",
              "created": 1795000000,
              "currency": "usd",
              "customer": "cus_Rk2nA1b2C3d4E5",
              "latest_charge": "ch_3QxYzAbCdEfGhIjK0b2c3d4e",
              "livemode": false,
              "metadata": {"headroom_org": "org_1", "headroom_payment": "pay_1"},
              "payment_method": "pm_1QxYzAbCdEfGhIjKvisa",
              "payment_method_types": ["card"],
              "status": "succeeded"
            }
            """;
    static final String DECLINED =
            """
            {
              "error": {
                "charge": "ch_3QxYzAbCdEfGhIjK1c2d3e4f",
                "code": "card_declined",
                "decline_code": "insufficient_funds",
                "doc_url": "https://stripe.com/docs/error-codes/card-declined",
                "message": "Your card has insufficient funds.",
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_abc123",
                "type": "card_error"
              }
            }
            """;

    WireMockServer stripe;
    StripePaymentProvider provider;
    final Charge charge =
            new Charge(
                    "org_1",
                    5000,
                    "USD",
                    new SavedPaymentMethod("cus_Rk2nA1b2C3d4E5", "pm_1QxYzAbCdEfGhIjKvisa"),
                    "pay_1",
                    "Headroom prepaid credits pay_1");

    @BeforeEach
    void start() {
        stripe = new WireMockServer(options().dynamicPort());
        stripe.start();
        provider =
                new StripePaymentProvider("sk_test_headroom", "http://localhost:" + stripe.port());
    }

    @AfterEach
    void stop() {
        stripe.stop();
    }

    @Test
    void chargesOffSessionWithTheIdempotencyKey() {
        stripe.stubFor(
                post("/v1/payment_intents")
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withHeader("Request-Id", "req_ok")
                                        .withBody(SUCCEEDED)));
        ChargeResult result = provider.charge(charge);
        assertThat(result).isEqualTo(new ChargeResult.Succeeded("pi_3QxYzAbCdEfGhIjK0a1b2c3d"));
        stripe.verify(
                postRequestedFor(urlEqualTo("/v1/payment_intents"))
                        .withHeader("Authorization", equalTo("Bearer sk_test_headroom"))
                        .withHeader("Idempotency-Key", equalTo("pay_1"))
                        .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                        .withRequestBody(containing("amount=5000"))
                        .withRequestBody(containing("currency=usd"))
                        .withRequestBody(containing("customer=cus_Rk2nA1b2C3d4E5"))
                        .withRequestBody(containing("payment_method=pm_1QxYzAbCdEfGhIjKvisa"))
                        .withRequestBody(containing("confirm=true"))
                        .withRequestBody(containing("off_session=true")));
    }

    @Test
    void aCardErrorIsADecline() {
        stripe.stubFor(
                post("/v1/payment_intents")
                        .willReturn(
                                aResponse()
                                        .withStatus(402)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(DECLINED)));
        assertThat(provider.charge(charge))
                .isEqualTo(
                        new ChargeResult.Declined(
                                "Your card has insufficient funds. (insufficient_funds)"));
    }

    @Test
    void aDroppedConnectionIsNoDefiniteAnswer() {
        stripe.stubFor(
                post("/v1/payment_intents")
                        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(provider.charge(charge)).isInstanceOf(ChargeResult.Unavailable.class);
    }

    @Test
    void aStripeServerErrorIsNoDefiniteAnswer() {
        stripe.stubFor(
                post("/v1/payment_intents")
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"error\":{\"type\":\"api_error\",\"message\":\"An unknown error occurred\"}}")));
        assertThat(provider.charge(charge)).isInstanceOf(ChargeResult.Unavailable.class);
    }

    @Test
    void withoutASavedPaymentMethodNothingIsSent() {
        ChargeResult result = provider.charge(new Charge("org_1", 5000, "USD", null, "pay_2", "x"));
        assertThat(result).isInstanceOf(ChargeResult.Declined.class);
        assertThat(stripe.getAllServeEvents()).isEmpty();
    }
}
