package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.admission.AdmissionCache;
import dev.headroom.metering.admission.MemberStateReader;
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
import org.springframework.beans.factory.annotation.Autowired;

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

    /** Extra usage on, and a $1.00 session window for standard seats. */
    private OrgFixture seatOrgWithWindow() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        org.windows("STANDARD", "session", "PT5H", "1.00");
        org.put("/extra-usage", Map.of("enabled", true));
        return org;
    }

    private static List<String> members(OrgFixture org) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(org.member("STANDARD"));
        }
        return members;
    }

    @Test
    void XU19_concurrentSingleSettlementsSplitExactlyAndRefuseOnlyTheBadOnes() throws Exception {
        OrgFixture org = seatOrgWithWindow();
        List<String> members = members(org);
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

    @Test
    void XU17_concurrentBatchesCommitWithSinglesAndARefusedBatchWritesNothing() throws Exception {
        OrgFixture org = seatOrgWithWindow();
        List<String> members = members(org);
        assertThat(
                        org.service
                                .post("/api/v1/usage", cents(org, members.get(0), "pre-0", 5))
                                .status())
                .isEqualTo(200);

        List<Call> calls = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                items.add(cents(org, members.get(i % 4), "b" + b + "-" + i, 5));
            }
            if (b > 0) {
                items.add(cents(org, members.get(0), "b0-0", 5)); // batch 0's report: counts once
            }
            calls.add(Call.batch(items, 200));
        }
        List<List<Map<String, Object>>> ghostBatches = new ArrayList<>();
        List<List<Map<String, Object>>> conflictBatches = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            List<Map<String, Object>> fresh = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                fresh.add(cents(org, members.get(2), "ghost" + k + "-" + i, 5));
            }
            ghostBatches.add(fresh);
            List<Map<String, Object>> items = new ArrayList<>(fresh);
            items.add(4, cents(org, "mem_nobody", "nobody-" + k, 5));
            calls.add(Call.batch(items, 404));
        }
        for (int k = 0; k < 2; k++) {
            List<Map<String, Object>> fresh = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fresh.add(cents(org, members.get(3), "conflict" + k + "-" + i, 5));
            }
            conflictBatches.add(fresh);
            List<Map<String, Object>> items = new ArrayList<>(fresh);
            items.add(cents(org, members.get(0), "pre-0", 7)); // other content than the first
            calls.add(Call.batch(items, 409));
        }
        for (int i = 0; i < 20; i++) {
            calls.add(Call.single(cents(org, members.get(i % 4), "s-" + i, 5), 200));
        }

        List<Api.Response> answers = callAllAtOnce(org, calls);
        for (int i = 0; i < calls.size(); i++) {
            assertThat(answers.get(i).status())
                    .as("call %d: %s", i, answers.get(i))
                    .isEqualTo(calls.get(i).status());
        }
        long freshInBatches =
                answers.stream()
                        .filter(a -> a.status() == 200 && a.body().has("items"))
                        .flatMap(a -> a.body().path("items").valueStream())
                        .filter(item -> !item.get("duplicate").asBoolean())
                        .count();
        assertThat(freshInBatches).isEqualTo(120);

        // Spent: member 0 $2.10, member 1 $2.05, members 2 and 3 $1.45; $1.00 each is included.
        assertThat(org.usageOf(members.get(0)).text("mtdSpend")).isEqualTo("1.10");
        assertThat(org.usageOf(members.get(1)).text("mtdSpend")).isEqualTo("1.05");
        assertThat(org.usageOf(members.get(2)).text("mtdSpend")).isEqualTo("0.45");
        assertThat(org.usageOf(members.get(3)).text("mtdSpend")).isEqualTo("0.45");
        assertThat(org.owner.get(org.path("/extra-usage")).text("mtdSpend")).isEqualTo("3.05");

        // The refused batches wrote nothing: their good reports are fresh when sent again.
        for (List<Map<String, Object>> items : concat(ghostBatches, conflictBatches)) {
            Api.Response again = org.service.post("/api/v1/usage:batch", Map.of("items", items));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body().path("items").valueStream())
                    .noneMatch(item -> item.get("duplicate").asBoolean());
        }
        assertThat(org.usageOf(members.get(2)).text("mtdSpend")).isEqualTo("2.25");
        assertThat(org.usageOf(members.get(3)).text("mtdSpend")).isEqualTo("0.95");
    }

    /** A single report or a batch, and the status it must get. */
    private record Call(String path, Object body, int status) {
        static Call single(Map<String, Object> body, int status) {
            return new Call("/api/v1/usage", body, status);
        }

        static Call batch(List<Map<String, Object>> items, int status) {
            return new Call("/api/v1/usage:batch", Map.of("items", items), status);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Api.Response> callAllAtOnce(OrgFixture org, List<Call> calls)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Response>> pending = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Call call : calls) {
                pending.add(
                        threads.submit(() -> {
                            start.await();
                            return org.service.post(call.path(), call.body());
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

    @Autowired MemberStateReader states;
    @Autowired AdmissionCache cache;

    /**
     * Issue 14: after this node's settlements, in groups and ending in any order, the admission
     * state kept in memory is exactly what the database holds, and a member's next admission reads
     * it from memory instead of loading it again.
     */
    @Test
    void issue14_afterSettlementsTheStateInMemoryIsTheDatabasesWithoutALoad() throws Exception {
        OrgFixture org = seatOrgWithWindow();
        List<String> members = members(org);
        members.forEach(m -> assertThat(org.admit(m).status()).isEqualTo(200));
        List<Map<String, Object>> bodies = new ArrayList<>();
        for (String member : members) {
            for (int i = 0; i < EVENTS_PER_MEMBER; i++) {
                // Into each member's extra usage: window, member spend and org spend all move.
                bodies.add(cents(org, member, member + "-" + i, 3 + i % 5));
            }
        }
        assertThat(sendAllAtOnce(org, bodies))
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        for (String member : members) {
            // One more settlement, alone: both parts are brought up to date, not dropped.
            assertThat(org.report(member, 1_000, 100).status()).isEqualTo(200);
            long hits = cache.hits();
            MemberState inMemory = states.read(org.id, member).orElseThrow();
            assertThat(cache.hits() - hits).as("org and member part from memory").isEqualTo(2);
            MemberState stored = states.readFromDatabase(org.id, List.of(member)).get(member);
            assertThat(inMemory).isEqualTo(stored);
            assertThat(inMemory.memberMtdNanos()).isPositive();
        }
    }

    private static List<Api.Response> sendAllAtOnce(
            OrgFixture org, List<Map<String, Object>> bodies) throws Exception {
        return callAllAtOnce(org, bodies.stream().map(b -> Call.single(b, 0)).toList());
    }
}
