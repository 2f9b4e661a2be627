package dev.headroom.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Money;
import dev.headroom.gateway.StandInUpstream;
import dev.headroom.support.Api;
import dev.headroom.support.HeadroomProcess;
import dev.headroom.support.Scenario;
import dev.headroom.support.Scenario.OrgFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * EX-10 / issue 7 crash test: Headroom runs as its own process on a persistent embedded PostgreSQL
 * (fsync on) under load from clients that retry every unacknowledged usage report, single or in a
 * batch, with the same request ids. It is killed with SIGKILL at random moments — every other time
 * its PostgreSQL too, as a machine crash would — and restarted. Afterwards every acknowledged
 * report is stored exactly once with the cost it was acknowledged with, and every counter and the
 * balance equal the sums of their events and ledger entries. The second test kills it the same way
 * while members stream through the gateway (EX-4).
 *
 * <p>{@code ./test.sh} runs {@value #DEFAULT_KILLS} kills; {@code reliability/crash-test.sh} runs
 * the full version ({@code -Dheadroom.crash.kills=20}) and prints the figures.
 */
class CrashRecoveryTest {
    static final int DEFAULT_KILLS = 3;

    @Test
    void EX10_acknowledgedUsageSurvivesSigkill() throws Exception {
        int kills = Integer.getInteger("headroom.crash.kills", DEFAULT_KILLS);
        Random random = new Random(Long.getLong("headroom.crash.seed", 7L));
        HeadroomProcess headroom = new HeadroomProcess();
        headroom.start();
        Api operator = headroom.operator();
        String org =
                operator.post(
                                "/api/v1/orgs",
                                Map.of(
                                        "name",
                                        "Crash",
                                        "plan",
                                        "TEAM",
                                        "testClock",
                                        true,
                                        "testClockStart",
                                        "2027-05-01T00:00:00Z"))
                        .text("id");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            members.add(
                    operator.post(
                                    "/api/v1/orgs/" + org + "/members",
                                    Map.of(
                                            "email",
                                            "c" + i + "@example.com",
                                            "name",
                                            "C" + i,
                                            "seatType",
                                            "STANDARD"))
                            .text("id"));
        }
        assertThat(
                        operator.put(
                                        "/api/v1/orgs/" + org + "/extra-usage",
                                        Map.of("enabled", true, "initialPurchase", "100000"))
                                .status())
                .isEqualTo(200);
        Api service =
                operator.as(
                        operator.post("/api/v1/orgs/" + org + "/keys", Map.of("role", "SERVICE"))
                                .text("key"));

        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger nextId = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String member = members.get(c);
            // Two clients send single reports, two send batches of 5 (grouped alike, issue 6).
            int perRequest = c % 2 == 0 ? 1 : 5;
            clients.add(
                    Thread.ofPlatform()
                            .start(() -> {
                                while (!stop.get()) {
                                    int first = nextId.getAndAdd(perRequest);
                                    List<String> ids = new ArrayList<>();
                                    List<Map<String, Object>> items = new ArrayList<>();
                                    for (int i = 0; i < perRequest; i++) {
                                        String id = "crash-" + (first + i);
                                        ids.add(id);
                                        items.add(report(org, member, id));
                                    }
                                    while (true) {
                                        try {
                                            Api.Response r =
                                                    perRequest == 1
                                                            ? service.post(
                                                                    "/api/v1/usage",
                                                                    items.getFirst())
                                                            : service.post(
                                                                    "/api/v1/usage:batch",
                                                                    Map.of("items", items));
                                            if (r.status() == 200) {
                                                for (int i = 0; i < perRequest; i++) {
                                                    JsonNode answer =
                                                            perRequest == 1
                                                                    ? r.body()
                                                                    : r.body().path("items").get(i);
                                                    acknowledged.put(
                                                            ids.get(i),
                                                            answer.path("extraCost").asString());
                                                }
                                                break;
                                            }
                                        } catch (RuntimeException e) {
                                            // No answer: the reports may or may not be stored;
                                            // retry with the same ids.
                                        }
                                        retries.incrementAndGet();
                                        sleep(100);
                                    }
                                }
                            }));
        }
        for (int k = 1; k <= kills; k++) {
            sleep(400 + random.nextInt(1_200));
            headroom.kill(k % 2 == 0);
            headroom.start();
        }
        sleep(500);
        stop.set(true);
        for (Thread client : clients) {
            client.join(120_000);
        }

        try (headroom;
                Connection db = headroom.database()) {
            long stored = 0;
            List<String> wrong = new ArrayList<>();
            try (PreparedStatement q =
                    db.prepareStatement(
                            "select request_id, extra_nanos from usage_event where org_id = ?")) {
                q.setString(1, org);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        stored++;
                        String ack = acknowledged.get(rs.getString(1));
                        if (ack != null
                                && dev.headroom.core.Money.parse(ack).nanos() != rs.getLong(2)) {
                            wrong.add(rs.getString(1));
                        }
                    }
                }
            }
            long storedAcknowledged =
                    count(
                            db,
                            "select count(*) from usage_event where org_id = ? and request_id = any(?)",
                            org,
                            acknowledged.keySet().toArray(String[]::new));
            assertThat(storedAcknowledged)
                    .as("every acknowledged report is stored")
                    .isEqualTo(acknowledged.size());
            assertThat(wrong).as("stored with the acknowledged cost").isEmpty();
            long eventsExtra =
                    count(
                            db,
                            "select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?",
                            org,
                            null);
            assertThat(
                            count(
                                    db,
                                    "select coalesce(sum(extra_nanos), 0) from org_period_spend where org_id = ?",
                                    org,
                                    null))
                    .isEqualTo(eventsExtra);
            assertThat(
                            count(
                                    db,
                                    "select coalesce(sum(extra_nanos), 0) from member_period_spend where org_id = ?",
                                    org,
                                    null))
                    .isEqualTo(eventsExtra);
            long balance =
                    count(db, "select balance_nanos from balance where org_id = ?", org, null);
            assertThat(balance)
                    .isEqualTo(
                            count(
                                    db,
                                    "select sum(amount_nanos) from balance_entry where org_id = ?",
                                    org,
                                    null))
                    .isEqualTo(100_000_000_000_000L - eventsExtra);
            String summary =
                    "kills="
                            + kills
                            + " ("
                            + kills / 2
                            + " with PostgreSQL), acknowledged="
                            + acknowledged.size()
                            + ", stored="
                            + stored
                            + ", acknowledged and stored once="
                            + storedAcknowledged
                            + ", lost="
                            + (acknowledged.size() - storedAcknowledged)
                            + ", client retries="
                            + retries.get();
            record(summary);
        }
    }

    /**
     * EX-4 / issue 14 item 5: members stream slow answers through the gateway while Headroom is
     * SIGKILLed mid-stream. The gateway settles before the last event goes out, so every stream a
     * client saw end ({@code message_stop}) is billed, exactly once and in full; a stream cut
     * before that may be billed (the kill fell between the commit and the last bytes) but never in
     * part, and nothing is billed that the model did not serve.
     */
    @Test
    void EX4_aStreamCutBySigkillIsBilledInFullOrNotAtAll() throws Exception {
        int kills = Integer.getInteger("headroom.crash.kills", DEFAULT_KILLS);
        Random random = new Random(Long.getLong("headroom.crash.seed", 11L));
        try (StandInUpstream upstream = new StandInUpstream();
                HeadroomProcess headroom =
                        new HeadroomProcess(
                                "--headroom.gateway.allowed-upstreams=http://127.0.0.1")) {
            headroom.start();
            OrgFixture org =
                    new Scenario(headroom.operator())
                            .org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-05-01T00:00:00Z"));
            upstream.serve(org);
            List<String> keys = new ArrayList<>();
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                members.add(org.member("STANDARD"));
                keys.add(org.memberKey(members.getLast()));
            }
            Set<String> answered = ConcurrentHashMap.newKeySet();
            AtomicInteger cut = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient http = HttpClient.newHttpClient();
            List<Thread> clients = new ArrayList<>();
            for (String key : keys) {
                clients.add(
                        Thread.ofPlatform()
                                .start(() -> {
                                    while (!stop.get()) {
                                        switch (stream(http, headroom.url(), key, answered)) {
                                            case ANSWERED -> {}
                                            case CUT -> cut.incrementAndGet();
                                            case REFUSED -> {
                                                refused.incrementAndGet();
                                                sleep(100);
                                            }
                                        }
                                    }
                                }));
            }
            for (int k = 1; k <= kills; k++) {
                sleep(600 + random.nextInt(1_200));
                headroom.kill(k % 2 == 0);
                headroom.start();
            }
            sleep(1_500);
            stop.set(true);
            for (Thread client : clients) {
                client.join(60_000);
            }

            // The last answers' settlements run a few milliseconds after them.
            String unsettled =
                    "select count(*) from gateway_usage_journal j where org_id = ? and not exists"
                            + " (select 1 from usage_event e where e.org_id = j.org_id"
                            + " and e.request_id = j.request_id)";
            long settledBy = System.nanoTime() + 10_000_000_000L;
            try (Connection db = headroom.database()) {
                while (count(db, unsettled, org.id, null) > 0 && System.nanoTime() < settledBy) {
                    sleep(50);
                }
            }
            Map<String, Long> billed = new HashMap<>();
            try (Connection db = headroom.database();
                    PreparedStatement q =
                            db.prepareStatement(
                                    "select request_id, cost_nanos from usage_event where org_id = ?")) {
                q.setString(1, org.id);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        billed.put(rs.getString(1), rs.getLong(2));
                    }
                }
                assertThat(
                                count(
                                        db,
                                        "select coalesce(sum(extra_nanos), 0) from member_period_spend where org_id = ?",
                                        org.id,
                                        null))
                        .isEqualTo(
                                count(
                                        db,
                                        "select coalesce(sum(extra_nanos), 0) from usage_event where org_id = ?",
                                        org.id,
                                        null));
                assertThat(
                                count(
                                        db,
                                        "select count(*) from gateway_usage_journal j where org_id = ? and not exists"
                                                + " (select 1 from usage_event e where e.org_id = j.org_id"
                                                + " and e.request_id = j.request_id)",
                                        org.id,
                                        null))
                        .as(
                                "every answer the gateway wrote down was settled, after a kill at the start")
                        .isZero();
            }
            String summary =
                    "gateway kills="
                            + kills
                            + ", streams answered in full="
                            + answered.size()
                            + ", cut mid-stream="
                            + cut.get()
                            + ", refused while down="
                            + refused.get()
                            + ", model calls="
                            + upstream.messages.get()
                            + ", billed="
                            + billed.size();
            record(summary);
            assertThat(cut.get()).as("the kills cut streams: " + summary).isPositive();
            assertThat(billed.keySet())
                    .as("every stream answered in full is billed")
                    .containsAll(answered);
            // 1,200 input and 800 output tokens of Sonnet 4.5: $0.0036 + $0.012.
            assertThat(Set.copyOf(billed.values()))
                    .as("billed in full, never the first event's usage alone")
                    .containsOnly(Money.parse("0.0156").nanos());
            assertThat(billed.size())
                    .as("nothing billed the model did not serve")
                    .isLessThanOrEqualTo(upstream.messages.get());

            // A kill in the few milliseconds between an answer and its settlement, made certain:
            // the dead process's journal row is settled by the next start, before it serves.
            headroom.kill(false);
            try (Connection db = headroom.database();
                    PreparedStatement left =
                            db.prepareStatement(
                                    "insert into gateway_usage_journal (org_id, request_id, member_id, product, model,"
                                            + " occurred_at, input_tokens, output_tokens, cache_write_5m_tokens,"
                                            + " cache_write_1h_tokens, cache_read_tokens, web_search_requests, recorded_at)"
                                            + " values (?, 'req_left_by_a_kill', ?, 'CLAUDE_CODE', 'claude-sonnet-4-5',"
                                            + " '2027-05-01T00:00:00Z', 1200, 800, 0, 0, 0, 0, now())")) {
                left.setString(1, org.id);
                left.setString(2, members.getFirst());
                left.executeUpdate();
            }
            headroom.start();
            try (Connection db = headroom.database()) {
                assertThat(
                                count(
                                        db,
                                        "select coalesce(sum(cost_nanos), 0) from usage_event where org_id = ?"
                                                + " and request_id = 'req_left_by_a_kill'",
                                        org.id,
                                        null))
                        .as("the row a kill left is billed once the server is up")
                        .isEqualTo(Money.parse("0.0156").nanos());
            }
        }
    }

    enum Streamed {
        ANSWERED,
        CUT,
        REFUSED
    }

    /** One slow streamed message through the gateway; its request id joins {@code answered}. */
    private static Streamed stream(HttpClient http, String base, String key, Set<String> answered) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + "/v1/messages?beta=true"))
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01")
                        .header("content-type", "application/json")
                        .header("User-Agent", "claude-cli/2.1.328 (external, sdk-cli)")
                        .timeout(Duration.ofSeconds(30))
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                                                + "\"messages\":[{\"role\":\"user\",\"content\":\"slowly\"}]}"))
                        .build();
        try {
            HttpResponse<Stream<String>> response =
                    http.send(request, HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                response.body().close();
                return Streamed.REFUSED;
            }
            String id = response.headers().firstValue("request-id").orElseThrow();
            try (Stream<String> lines = response.body()) {
                if (lines.anyMatch("event: message_stop"::equals)) {
                    answered.add(id);
                    return Streamed.ANSWERED;
                }
            }
            return Streamed.CUT;
        } catch (IOException | UncheckedIOException e) {
            return e instanceof ConnectException ? Streamed.REFUSED : Streamed.CUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Streamed.CUT;
        }
    }

    private static Map<String, Object> report(String org, String member, String id) {
        return Map.of(
                "requestId",
                id,
                "orgId",
                org,
                "memberId",
                member,
                "product",
                "CLAUDE_CODE",
                "model",
                "claude-sonnet-4-5",
                "timestamp",
                "2027-05-01T00:00:00Z",
                "usage",
                Api.usage(20_000, 2_000));
    }

    private static long count(Connection db, String sql, String org, String[] ids)
            throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, org);
            if (ids != null) {
                q.setArray(2, db.createArrayOf("text", ids));
            }
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Prints the run's figures and appends them to target/reliability/crash-test.txt. */
    static void record(String summary) throws IOException {
        System.out.println("CRASH TEST: " + summary);
        Path result = Path.of("target/reliability/crash-test.txt");
        Files.createDirectories(result.getParent());
        Files.writeString(
                result,
                Instant.now() + " " + summary + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
