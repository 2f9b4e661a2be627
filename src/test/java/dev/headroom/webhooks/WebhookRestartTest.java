package dev.headroom.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.HeadroomProcess;
import dev.headroom.support.Scenario;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EX-16 across a crash: a delivery whose first attempt failed is still due after Headroom and its
 * PostgreSQL are SIGKILLed, and the restarted server sends it with the same event id and body.
 */
class WebhookRestartTest {
    @Test
    void EX16_aDueDeliverySurvivesAKillAndGoesOutOnceWithItsIdAfterTheRestart() throws Exception {
        try (Receiver receiver = new Receiver();
                HeadroomProcess headroom =
                        new HeadroomProcess(
                                "--headroom.webhooks.retry-base=PT1S",
                                "--headroom.webhooks.poll-interval=PT0.2S")) {
            headroom.start();
            OrgFixture org =
                    new Scenario(headroom.operator())
                            .org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-03-10T09:00:00Z"));
            String member = org.member("STANDARD");
            org.put("/extra-usage", Map.of("enabled", true));
            org.limit("/members/" + member + "/spend-limit", "10");
            Api.Response created =
                    org.owner.post(
                            org.path("/webhooks"),
                            Map.of("url", receiver.url(), "events", List.of("member.cap_reached")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String deliveries = org.path("/webhooks/" + created.text("id") + "/deliveries");

            receiver.answer(500);
            org.spendCents(member, 1_500);
            WebhooksTest.await(
                    "the failed attempt recorded",
                    () -> org.owner.get(deliveries).body().at("/items/0/attempts").asInt() == 1);
            headroom.kill(true);
            headroom.start();
            WebhooksTest.await("the retry after the restart", () -> receiver.received.size() == 2);
            WebhooksTest.await(
                    "the delivery recorded",
                    () ->
                            "SUCCEEDED"
                                    .equals(
                                            org.owner
                                                    .get(deliveries)
                                                    .body()
                                                    .at("/items/0/status")
                                                    .asString()));
            assertThat(receiver.received.get(1).header("Headroom-Event-Id"))
                    .isEqualTo(receiver.received.get(0).header("Headroom-Event-Id"));
            assertThat(receiver.received.get(1).body()).isEqualTo(receiver.received.get(0).body());
            Thread.sleep(1_500);
            assertThat(receiver.received).hasSize(2);
        }
    }
}
