package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 6: single settlements that arrive together are committed in groups. Inside a group the
 * split stays exact, a replayed request id counts once, and a refused report (unknown member,
 * reused id with other content) is refused alone while the rest of its group commits.
 */
class GroupedSettlementTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-07T10:00:00Z");
    static final int MEMBERS = 4;
    static final int EVENTS_PER_MEMBER = 40;

    /** Usage worth exactly {@code cents} (claude-haiku-4-5: $1 per million input tokens). */
    static Map<String, Object> cents(OrgFixture org, String member, String requestId, long cents) {
        Map<String, Object> body =
                new HashMap<>(org.usageBody(member, requestId, T0, cents * 10_000, 0));
        body.put("model", "claude-haiku-4-5");
        return body;
    }

    @Test
    void XU19_concurrentSingleSettlementsSplitExactlyAndRefuseOnlyTheBadOnes() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        org.windows("STANDARD", "session", "PT5H", "1.00");
        org.put("/extra-usage", Map.of("enabled", true));
        List<String> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(org.member("STANDARD"));
        }
        org.limit("/members/" + members.getFirst() + "/spend-limit", "0.50");

        List<Map<String, Object>> bodies = new ArrayList<>();
        for (String member : members) {
            for (int i = 0; i < EVENTS_PER_MEMBER; i++) {
                String id = member + "-" + i;
                bodies.add(cents(org, member, id, 5));
                if (i % 4 == 0) {
                    bodies.add(cents(org, member, id, 5)); // the same report again: counts once
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            bodies.add(cents(org, "mem_nobody", "ghost-" + i, 5));
        }
        List<Api.Response> answers = sendAllAtOnce(org, bodies);

        long settled = answers.stream().filter(a -> a.status() == 200).count();
        long fresh =
                answers.stream()
                        .filter(a -> a.status() == 200 && !a.body().get("duplicate").asBoolean())
                        .count();
        assertThat(settled).isEqualTo((long) MEMBERS * (EVENTS_PER_MEMBER + EVENTS_PER_MEMBER / 4));
        assertThat(fresh).isEqualTo((long) MEMBERS * EVENTS_PER_MEMBER);
        assertThat(answers.stream().filter(a -> a.status() == 404).count()).isEqualTo(10);
        assertThat(answers.stream().filter(a -> a.status() == 404))
                .allSatisfy(a -> assertThat(a.errorCode()).isEqualTo("NOT_FOUND"));

        // Each member spent $2.00: $1.00 included (the session window), $1.00 extra.
        for (String member : members) {
            Api.Response usage = org.usageOf(member);
            assertThat(usage.body().path("windows").get(0).path("used").asString())
                    .isEqualTo("1.00");
            assertThat(usage.text("mtdSpend")).isEqualTo("1.00");
        }
        assertThat(org.owner.get(org.path("/extra-usage")).text("mtdSpend")).isEqualTo("4.00");
        // The member whose $0.50 cap the group overshot is stopped at the next admission (XU-18).
        assertThat(org.admit(members.getFirst()).text("reason")).isEqualTo("MEMBER_CAP_REACHED");
        assertThat(org.admit(members.get(1)).text("decision")).isEqualTo("ALLOWED_EXTRA");

        // A reused request id with other content is refused alone; the first report stands.
        List<Map<String, Object>> second = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            second.add(cents(org, members.get(1), members.get(1) + "-" + i, 7));
            second.add(cents(org, members.get(2), "fresh-" + i, 5));
        }
        List<Api.Response> again = sendAllAtOnce(org, second);
        assertThat(again.stream().filter(a -> a.status() == 409).count()).isEqualTo(20);
        assertThat(again.stream().filter(a -> a.status() == 200).count()).isEqualTo(20);
        assertThat(org.usageOf(members.get(1)).text("mtdSpend")).isEqualTo("1.00");
        assertThat(org.usageOf(members.get(2)).text("mtdSpend")).isEqualTo("2.00");
    }

    private static List<Api.Response> sendAllAtOnce(
            OrgFixture org, List<Map<String, Object>> bodies) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Response>> pending = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map<String, Object> body : bodies) {
                pending.add(
                        threads.submit(() -> {
                            start.await();
                            return org.service.post("/api/v1/usage", body);
                        }));
            }
            start.countDown();
            List<Api.Response> answers = new ArrayList<>();
            for (Future<Api.Response> f : pending) {
                answers.add(f.get());
            }
            return answers;
        }
    }
}
