package dev.headroom.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * EX-10 / issue 7 crash test: Headroom runs as its own process on a persistent embedded PostgreSQL
 * (fsync on) under load from clients that retry every unacknowledged usage report, single or in a
 * batch, with the same request ids. It is killed with SIGKILL at random moments — every other time
 * its PostgreSQL too, as a machine crash would — and restarted. Afterwards every acknowledged
 * report is stored exactly once with the cost it was acknowledged with, and every counter and the
 * balance equal the sums of their events and ledger entries.
 *
 * <p>{@code ./test.sh} runs {@value #DEFAULT_KILLS} kills; {@code reliability/crash-test.sh} runs
 * the full version ({@code -Dheadroom.crash.kills=20}) and prints the figures.
 */
class CrashRecoveryTest {
    static final int DEFAULT_KILLS = 3;
    static final String OPERATOR = "crash-operator";

    Process server;
    int port;
    Path dataDir;

    @Test
    void EX10_acknowledgedUsageSurvivesSigkill() throws Exception {
        int kills = Integer.getInteger("headroom.crash.kills", DEFAULT_KILLS);
        Random random = new Random(Long.getLong("headroom.crash.seed", 7L));
        dataDir = Files.createTempDirectory("headroom-crash");
        port = freePort();
        start();
        Api operator = new Api("http://localhost:" + port, OPERATOR);
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
            server.destroyForcibly().waitFor();
            if (k % 2 == 0) {
                killPostgres();
            }
            start();
        }
        sleep(500);
        stop.set(true);
        for (Thread client : clients) {
            client.join(120_000);
        }

        try (Connection db = database()) {
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
            System.out.println("CRASH TEST: " + summary);
            Path result = Path.of("target/reliability/crash-test.txt");
            Files.createDirectories(result.getParent());
            Files.writeString(result, Instant.now() + " " + summary + "\n");
        } finally {
            server.destroy();
            server.waitFor();
            killPostgres();
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

    private void start() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        server =
                new ProcessBuilder(
                                java,
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.headroom.HeadroomApplication",
                                "--server.port=" + port,
                                "--headroom.data-dir=" + dataDir,
                                "--headroom.demo.enabled=false",
                                "--headroom.operator-key=" + OPERATOR,
                                "--logging.level.root=WARN")
                        .redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("server.log").toFile())
                        .start();
        Api anonymous = new Api("http://localhost:" + port, null);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            assertThat(server.isAlive())
                    .as("server process alive; see " + dataDir.resolve("server.log"))
                    .isTrue();
            try {
                if (anonymous.get("/actuator/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            assertThat(System.nanoTime()).as("server up in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** SIGKILLs the embedded PostgreSQL, as a machine crash would leave it: no clean shutdown. */
    private void killPostgres() throws IOException {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
        ProcessHandle.of(pid)
                .ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.onExit().join();
                });
    }

    private Connection database() throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres",
                "postgres",
                "postgres");
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
