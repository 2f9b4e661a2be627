package dev.headroom.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Money;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * XU-5, XU-26: purchases through the payment provider, idempotent; receipts; the balance history.
 */
class CreditsApiTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-07T10:00:00Z");

    @Autowired SandboxPaymentProvider sandbox;
    @Autowired JdbcClient jdbc;

    @Test
    void XU5_aPurchaseRetriedWithTheSameIdempotencyKeyChargesOnce() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        Api.Response first = purchase(org, "25.00", "key-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.text("status")).isEqualTo("SUCCEEDED");
        assertThat(first.text("balanceAfter")).isEqualTo("25.00");
        Api.Response again = purchase(org, "25.00", "key-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("id")).isEqualTo(first.text("id"));
        assertThat(purchase(org, "30.00", "key-1").status()).isEqualTo(409);
        assertThat(sandbox.chargesFor(org.id)).isEqualTo(1);
        assertThat(org.owner.get(org.path("/extra-usage")).text("balance")).isEqualTo("25.00");
        assertThat(purchase(org, "25.00", "key-2").text("balanceAfter")).isEqualTo("50.00");
        assertThat(sandbox.chargesFor(org.id)).isEqualTo(2);
    }

    @Test
    void EX9_amountsFinerThanTheCurrencyOrNotPositiveAreRefused() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        assertThat(purchase(org, "10.001", null).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(purchase(org, "0", null).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(purchase(org, "-5", null).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(sandbox.chargesFor(org.id)).isZero();
        OrgFixture enterprise = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        assertThat(purchase(enterprise, "10", null).errorCode()).isEqualTo("PLAN_NOT_SUPPORTED");
    }

    @Test
    void XU5_aDeclinedInitialPurchaseLeavesExtraUsageOffAndSaysWhy() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.put(
                "/payment-method",
                Map.of(
                        "customerId",
                        "cus_test",
                        "paymentMethodId",
                        "pm_card_chargeDeclinedInsufficientFunds"));
        Api.Response enable =
                org.owner.put(
                        org.path("/extra-usage"), Map.of("enabled", true, "initialPurchase", "50"));
        assertThat(enable.status()).isEqualTo(402);
        assertThat(enable.errorCode()).isEqualTo("PAYMENT_DECLINED");
        assertThat(enable.body().at("/error/message").asString()).contains("insufficient funds");
        JsonNode settings = org.owner.get(org.path("/extra-usage")).body();
        assertThat(settings.get("enabled").asBoolean()).isFalse();
        assertThat(settings.get("balance").asString()).isEqualTo("0.00");
        assertThat(org.owner.get(org.path("/balance/history")).body().get("items")).isEmpty();
        JsonNode receipts = org.owner.get(org.path("/credits/purchases")).body().get("items");
        assertThat(receipts.get(0).get("status").asString()).isEqualTo("DECLINED");

        org.put(
                "/payment-method",
                Map.of("customerId", "cus_test", "paymentMethodId", "pm_card_visa"));
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "50"));
        assertThat(org.owner.get(org.path("/extra-usage")).body().get("enabled").asBoolean())
                .isTrue();
    }

    @Test
    void XU5_aChargeWithoutAnswerIsCompletedLaterAndCreditedOnce() throws Exception {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.put("/payment-method", Map.of("paymentMethodId", "pm_card_unavailable"));
        Api.Response pending = purchase(org, "40", "key-pending");
        assertThat(pending.status()).isEqualTo(502);
        assertThat(pending.errorCode()).isEqualTo("PAYMENT_PENDING");
        assertThat(org.owner.get(org.path("/extra-usage")).text("balance")).isEqualTo("0.00");
        // The provider answers again: the next retry (same key) completes the same payment.
        org.put("/payment-method", Map.of("paymentMethodId", "pm_card_visa"));
        // A client retries with the same key until the outcome is definite; the background
        // recovery may complete the payment first: either way it is the same payment.
        Api.Response completed = purchase(org, "40", "key-pending");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (completed.status() == 502 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            completed = purchase(org, "40", "key-pending");
        }
        assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
        assertThat(completed.text("balanceAfter")).isEqualTo("40.00");
        assertThat(sandbox.chargesFor(org.id)).isEqualTo(1);
        assertThat(org.owner.get(org.path("/credits/purchases")).body().get("items")).hasSize(1);
    }

    @Test
    void XU26_receiptsAsJsonAndPdf() throws Exception {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String id = purchase(org, "12.50", null).text("id");
        JsonNode receipt = org.owner.get(org.path("/credits/purchases/" + id)).body();
        assertThat(receipt.get("amount").asString()).isEqualTo("12.50");
        assertThat(receipt.get("kind").asString()).isEqualTo("PURCHASE");
        assertThat(receipt.get("providerReference").asString()).startsWith("sbx_");

        HttpResponse<byte[]> pdf =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://localhost:"
                                                                + port
                                                                + org.path(
                                                                        "/credits/purchases/"
                                                                                + id)))
                                        .header("Authorization", "Bearer " + ownerKey(org))
                                        .header("Accept", "application/pdf")
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/pdf"));
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text)
                    .contains("Headroom receipt")
                    .contains(id)
                    .contains("12.50 USD")
                    .contains("Prepaid purchase");
            assertThat(new PDFRenderer(document).renderImageWithDPI(0, 50).getWidth()).isPositive();
        }
    }

    @Test
    void XU26_theHistorySumsUsagePerHourAndMemberAndAddsUpToTheBalance() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "100"));
        String a = org.member("STANDARD");
        String b = org.member("STANDARD");
        org.spendCents(a, 500);
        org.spendCents(b, 500);
        for (int i = 0; i < 3; i++) {
            org.spendCents(a, 100);
            org.spendCents(b, 50);
        }
        org.advance(T0.plusSeconds(3_600));
        org.spendCents(a, 25);
        JsonNode history = org.owner.get(org.path("/balance/history")).body();
        JsonNode items = history.get("items");
        // Newest first: a's usage of the second hour, then one line per member for the first hour,
        // then the purchase.
        assertThat(items).hasSize(4);
        assertThat(items.get(0).get("amount").asString()).isEqualTo("-0.25");
        assertThat(items.get(items.size() - 1).get("kind").asString()).isEqualTo("PURCHASE");
        long usageLines = 0;
        long sum = 0;
        for (JsonNode item : items) {
            sum += Money.parse(item.get("amount").asString()).nanos();
            if (item.get("kind").asString().equals("USAGE") && item.get("entries").asInt() == 3) {
                usageLines++;
            }
        }
        assertThat(usageLines).isEqualTo(2);
        assertThat(Money.ofNanos(sum).toDecimalString())
                .isEqualTo(history.get("balance").asString())
                .isEqualTo("95.25");
        assertThat(history.get("total").asLong()).isEqualTo(4);
    }

    private String ownerKey(OrgFixture org) {
        return operator().post(org.path("/keys"), Map.of("role", "OWNER")).text("key");
    }

    private static Api.Response purchase(OrgFixture org, String amount, String key) {
        return key == null
                ? org.owner.post(org.path("/credits/purchases"), Map.of("amount", amount))
                : org.owner
                        .withHeader("Idempotency-Key", key)
                        .post(org.path("/credits/purchases"), Map.of("amount", amount));
    }
}
