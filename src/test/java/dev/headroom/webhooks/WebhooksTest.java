package dev.headroom.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks (EX-16) against real HTTP receivers: signed deliveries with a stable event id, retried
 * after failures until a 2xx and not again after it, resent on request, a hanging receiver holding
 * up nobody, Slack's sentence, and endpoints refused with a sentence.
 */
class WebhooksTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    record Hooked(OrgFixture org, String member, String endpoint, String secret) {}

    Hooked hooked(Receiver receiver, String kind, String... events) {
        return hooked(scenario(), receiver, kind, events);
    }

    /** A seat-based org whose member has a $10 cap, and an endpoint for {@code receiver}. */
    static Hooked hooked(
            dev.headroom.support.Scenario scenario,
            Receiver receiver,
            String kind,
            String... events) {
        OrgFixture org = scenario.org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true));
        org.limit("/members/" + member + "/spend-limit", "10");
        Api.Response created =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", receiver.url(), "events", List.of(events), "kind", kind));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Hooked(org, member, created.text("id"), created.text("secret"));
    }

    /** $5.00 of included usage and $10.00 of extra usage: the member's cap is reached. */
    static void reachCap(Hooked h) {
        h.org().spendCents(h.member(), 1_500);
    }

    static JsonNode deliveries(Hooked h) {
        Api.Response list =
                h.org().owner.get(h.org().path("/webhooks/" + h.endpoint() + "/deliveries"));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        return list.body().get("items");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    static String hmac(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void EX16_aDeliveryIsSignedCarriesItsEventIdAndIsSentOnce() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Hooked h = hooked(receiver, "WEBHOOK", "member.cap_reached", "member.cap_warning");
            assertThat(h.secret()).startsWith("whsec_");
            assertThat(h.org().owner.get(h.org().path("/webhooks")).raw())
                    .contains(h.endpoint())
                    .doesNotContain(h.secret());

            reachCap(h);
            await("one delivery", () -> receiver.received.size() == 1);
            Receiver.Delivery d = receiver.received.getFirst();
            JsonNode event = Api.JSON.readTree(d.body());
            assertThat(event.get("id").asString()).startsWith("evt_");
            assertThat(d.header("Headroom-Event-Id")).isEqualTo(event.get("id").asString());
            assertThat(d.header("Content-Type")).isEqualTo("application/json");
            assertThat(event.get("type").asString()).isEqualTo("member.cap_reached");
            assertThat(event.get("orgId").asString()).isEqualTo(h.org().id);
            assertThat(event.at("/data/memberId").asString()).isEqualTo(h.member());
            assertThat(event.at("/data/spent").asString()).isEqualTo("10.00");
            assertThat(event.at("/data/cap").asString()).isEqualTo("10.00");
            assertThat(event.at("/data/currency").asString()).isEqualTo("USD");
            // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
            String[] parts = d.header("Headroom-Signature").split(",");
            String t = parts[0].substring("t=".length());
            assertThat(Math.abs(Long.parseLong(t) - Instant.now().getEpochSecond())).isLessThan(60);
            assertThat(parts[1]).isEqualTo("v1=" + hmac(h.secret(), t + "." + d.body()));

            await(
                    "the delivery recorded",
                    () -> "SUCCEEDED".equals(deliveries(h).at("/0/status").asString()));
            JsonNode delivery = deliveries(h).get(0);
            assertThat(delivery.get("eventId").asString()).isEqualTo(event.get("id").asString());
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.get("responseStatus").asInt()).isEqualTo(200);
            // Past the cap, nothing new: and a delivered event is not sent again.
            h.org().spendCents(h.member(), 100);
            Thread.sleep(1_000);
            assertThat(receiver.received).hasSize(1);
        }
    }

    /** A counter's value in the Prometheus scrape (0 when absent). */
    double metric(String series) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.E+-]+)$")
                        .matcher(operator().get("/actuator/prometheus").raw());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    static final String RETRIED = "headroom_webhook_deliveries_total{outcome=\"retried\"}";
    static final String SUCCEEDED = "headroom_webhook_deliveries_total{outcome=\"succeeded\"}";

    @Test
    void EX16_aFailedDeliveryIsRetriedWithItsIdAndBodyUntilA2xx() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(500, 503);
            Hooked h = hooked(receiver, "WEBHOOK", "member.cap_reached");
            double retriedBefore = metric(RETRIED);
            double succeededBefore = metric(SUCCEEDED);
            reachCap(h);
            await("three attempts", () -> receiver.received.size() == 3);
            await(
                    "the delivery recorded",
                    () -> "SUCCEEDED".equals(deliveries(h).at("/0/status").asString()));
            List<Receiver.Delivery> got = receiver.received;
            assertThat(got.stream().map(Receiver.Delivery::body).distinct()).hasSize(1);
            assertThat(got.stream().map(d -> d.header("Headroom-Event-Id")).distinct()).hasSize(1);
            JsonNode delivery = deliveries(h).get(0);
            assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
            assertThat(delivery.get("responseStatus").asInt()).isEqualTo(200);
            // EX-17: the attempts are counted by outcome, and the outbox's depth is reported.
            assertThat(metric(RETRIED) - retriedBefore).isEqualTo(2.0);
            assertThat(metric(SUCCEEDED) - succeededBefore).isEqualTo(1.0);
            assertThat(operator().get("/actuator/prometheus").raw())
                    .contains("headroom_outbox_depth{kind=\"webhook\"}");
            Thread.sleep(1_000);
            assertThat(receiver.received).hasSize(3);
        }
    }

    @Test
    void EX16_aResendDeliversTheSameEventAgain() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Hooked h = hooked(receiver, "WEBHOOK", "member.cap_reached");
            reachCap(h);
            await(
                    "the delivery recorded",
                    () -> "SUCCEEDED".equals(deliveries(h).at("/0/status").asString()));
            String eventId = deliveries(h).at("/0/eventId").asString();
            Api.Response resent =
                    h.org()
                            .owner
                            .post(
                                    h.org()
                                            .path(
                                                    "/webhooks/"
                                                            + h.endpoint()
                                                            + "/deliveries/"
                                                            + eventId
                                                            + "/resend"),
                                    Map.of());
            assertThat(resent.status()).as(resent.toString()).isEqualTo(202);
            await("the resend", () -> receiver.received.size() == 2);
            assertThat(receiver.received.get(1).header("Headroom-Event-Id")).isEqualTo(eventId);
            assertThat(receiver.received.get(1).body()).isEqualTo(receiver.received.get(0).body());
            assertThat(
                            h.org()
                                    .owner
                                    .post(
                                            h.org()
                                                    .path(
                                                            "/webhooks/"
                                                                    + h.endpoint()
                                                                    + "/deliveries/evt_none/resend"),
                                            Map.of())
                                    .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void EX16_aHangingReceiverHoldsUpNeitherSettlementNorAnotherEndpoint() throws Exception {
        try (Receiver hanging = new Receiver();
                Receiver healthy = new Receiver()) {
            hanging.hang();
            Hooked h = hooked(hanging, "WEBHOOK", "member.cap_reached");
            Api.Response second =
                    h.org()
                            .owner
                            .post(
                                    h.org().path("/webhooks"),
                                    Map.of(
                                            "url",
                                            healthy.url(),
                                            "events",
                                            List.of("member.cap_reached")));
            assertThat(second.status()).isEqualTo(201);
            reachCap(h);
            await("the healthy receiver's delivery", () -> healthy.received.size() == 1);
            await("the hanging receiver reached", () -> hanging.received.size() >= 1);
            // The hanging receiver has answered nothing yet: the healthy one did not wait for it.
            assertThat(deliveries(h).at("/0/status").asString()).isEqualTo("PENDING");
            // After the timeout (2 s in tests) the attempt counts as failed and is retried.
            await(
                    "the timed-out attempt recorded",
                    () -> deliveries(h).at("/0/attempts").asInt() >= 1);
            assertThat(deliveries(h).at("/0/lastError").asString()).isNotBlank();
            hanging.release();
            await(
                    "the retry delivered",
                    () -> "SUCCEEDED".equals(deliveries(h).at("/0/status").asString()));
        }
    }

    @Test
    void EX16_slackGetsASentenceAndNoSignature() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Hooked h = hooked(receiver, "SLACK", "member.cap_reached");
            reachCap(h);
            await("the Slack message", () -> receiver.received.size() == 1);
            Receiver.Delivery d = receiver.received.getFirst();
            JsonNode message = Api.JSON.readTree(d.body());
            assertThat(message.propertyNames()).containsExactly("text");
            assertThat(message.get("text").asString())
                    .contains("reached the monthly extra-usage limit: 10.00 of 10.00 USD");
            assertThat(d.header("Headroom-Signature")).isNull();
        }
    }

    static List<String> types(Receiver receiver) {
        return receiver.received.stream()
                .map(d -> Api.JSON.readTree(d.body()).get("type").asString())
                .toList();
    }

    /** The first event of {@code type} the receiver got. */
    static JsonNode first(Receiver receiver, String type) {
        return receiver.received.stream()
                .map(d -> Api.JSON.readTree(d.body()))
                .filter(e -> e.get("type").asString().equals(type))
                .findFirst()
                .orElseThrow();
    }

    static void subscribe(OrgFixture org, Receiver receiver, String... events) {
        Api.Response created =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", receiver.url(), "events", List.of(events)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @Test
    void EX16_requestsAndInvoicesWriteTheirEvents() throws Exception {
        try (Receiver receiver = new Receiver()) {
            OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
            subscribe(
                    org,
                    receiver,
                    "request.created",
                    "request.approved",
                    "request.dismissed",
                    "invoice.issued");
            String homer = org.member("STANDARD");
            String bart = org.member("STANDARD");
            for (String member : List.of(homer, bart)) {
                org.spendCents(member, 500);
            }
            String first =
                    org.service
                            .post(org.path("/members/" + homer + "/extra-usage-requests"), null)
                            .text("id");
            await("request.created", () -> types(receiver).size() == 1);
            org.owner.post(org.path("/extra-usage-requests/" + first + "/approve"), Map.of());
            await("request.approved", () -> types(receiver).size() == 2);
            String second =
                    org.service
                            .post(org.path("/members/" + bart + "/extra-usage-requests"), null)
                            .text("id");
            await("request.created", () -> types(receiver).size() == 3);
            org.owner.post(org.path("/extra-usage-requests/" + second + "/dismiss"), null);
            await("request.dismissed", () -> types(receiver).size() == 4);
            org.advance(Instant.parse("2027-04-01T00:00:00Z"));
            await("invoice.issued", () -> types(receiver).size() == 5);
            assertThat(types(receiver))
                    .containsExactly(
                            "request.created",
                            "request.approved",
                            "request.created",
                            "request.dismissed",
                            "invoice.issued");
            JsonNode approved = Api.JSON.readTree(receiver.received.get(1).body());
            assertThat(approved.at("/data/requestId").asString()).isEqualTo(first);
            assertThat(approved.at("/data/memberId").asString()).isEqualTo(homer);
            assertThat(approved.at("/data/action").asString()).isEqualTo("UPGRADE_SEAT");
            JsonNode invoice = Api.JSON.readTree(receiver.received.get(4).body());
            assertThat(invoice.at("/data/period").asString()).isEqualTo("2027-03");
            assertThat(invoice.at("/data/invoiceId").asString()).startsWith("inv_");
        }
    }

    @Test
    void EX16_reloadsAndTheBalanceWriteTheirEvents() throws Exception {
        try (Receiver receiver = new Receiver()) {
            OrgFixture paying = scenario().org("TEAM", "UTC", T0);
            OrgFixture declined = scenario().org("TEAM", "UTC", T0);
            for (OrgFixture org : List.of(paying, declined)) {
                org.windows("STANDARD", "session", "PT5H", "0");
                org.member("PREMIUM", "PRIMARY_OWNER");
                org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "20"));
                org.put("/auto-reload", Map.of("enabled", true, "threshold", "5", "amount", "20"));
                subscribe(org, receiver, "reload.succeeded", "reload.failed", "balance.low");
            }
            declined.put(
                    "/payment-method",
                    Map.of("customerId", "cus_x", "paymentMethodId", "pm_card_chargeDeclined"));

            paying.spendCents(paying.member("STANDARD"), 1_600);
            await("reload.succeeded", () -> types(receiver).contains("reload.succeeded"));
            String m = declined.member("STANDARD");
            declined.spendCents(m, 1_600);
            await("reload.failed", () -> types(receiver).contains("reload.failed"));
            // Auto-reload is off now: the balance runs down to zero.
            declined.spendCents(m, 500);
            await("balance.low", () -> types(receiver).contains("balance.low"));
            JsonNode low = first(receiver, "balance.low");
            assertThat(low.get("orgId").asString()).isEqualTo(declined.id);
            assertThat(low.at("/data/line").asString()).isEqualTo("ZERO");
            JsonNode failed = first(receiver, "reload.failed");
            assertThat(failed.at("/data/reason").asString()).contains("declined");
            assertThat(failed.at("/data/amount").asString()).isEqualTo("20.00");
        }
    }

    @Test
    void EX16_endpointsAreRefusedWithASentenceAndOnlyOwnersManageThem() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        Api.Response unknown =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", "http://127.0.0.1:9/x", "events", List.of("member.spent")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.raw()).contains("Unknown event type 'member.spent'");
        Api.Response none =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", "http://127.0.0.1:9/x", "events", List.of()));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.raw()).contains("member.cap_warning");
        Api.Response ftp =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", "ftp://127.0.0.1/x", "events", List.of("invoice.issued")));
        assertThat(ftp.status()).isEqualTo(400);
        assertThat(org.owner.get(org.path("/webhooks")).body().get("items")).isEmpty();

        String member = org.member("STANDARD");
        Api asMember = org.as(org.memberKey(member));
        assertThat(asMember.get(org.path("/webhooks")).status()).isEqualTo(403);

        Api.Response created =
                org.owner.post(
                        org.path("/webhooks"),
                        Map.of("url", "http://127.0.0.1:9/x", "events", List.of("invoice.issued")));
        String id = created.text("id");
        assertThat(org.owner.send("DELETE", org.path("/webhooks/" + id), "").status())
                .isEqualTo(204);
        assertThat(org.owner.get(org.path("/webhooks")).body().get("items")).isEmpty();
        assertThat(org.owner.get(org.path("/webhooks/" + id + "/deliveries")).status())
                .isEqualTo(404);
    }
}
