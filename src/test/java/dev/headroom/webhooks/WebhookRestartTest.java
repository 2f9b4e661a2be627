package dev.headroom.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.HeadroomProcess;
import dev.headroom.support.Scenario;
import dev.headroom.support.Scenario.OrgFixture;
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
            WebhooksTest.Hooked h =
                    WebhooksTest.hooked(
                            new Scenario(headroom.operator()),
                            receiver,
                            "WEBHOOK",
                            "member.cap_reached");
            OrgFixture org = h.org();
            String member = h.member();
            String deliveries = org.path("/webhooks/" + h.endpoint() + "/deliveries");

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
