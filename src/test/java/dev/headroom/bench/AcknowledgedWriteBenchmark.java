package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.support.Api;
import dev.headroom.support.HeadroomNodes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 15, what acknowledged invalidation costs a write and whether anything is still stale:
 * Headroom nodes on one PostgreSQL (fsync on), each answering admissions from memory (the default).
 * The writer changes a member's limit over HTTP ({@link #ROUNDS} times: 0.00, then unlimited, and
 * so on); the write's latency is measured first with the writer alone (no other node to wait for:
 * the baseline), then with two more nodes, which it waits for. After each answer the other node's
 * admission service is asked once: with acknowledgement it must already follow. Each measured idle
 * and while 16 clients settle usage of another org through the writer (whose settlements wait too:
 * their rate is reported beside).
 *
 * <p>Not part of {@code ./test.sh}; run {@code bench/acknowledged.sh}. Results go to {@code
 * target/bench/acknowledged.txt}.
 */
class AcknowledgedWriteBenchmark {
    static final int ROUNDS = Integer.getInteger("headroom.acknowledged.rounds", 500);
    static final String OPERATOR = "acknowledged-operator";
    static final Instant T0 = Instant.parse("2027-01-10T12:00:00Z");

    @Test
    void acknowledgedWrites() throws Exception {
        List<String> out = new ArrayList<>();
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_connections", "300")
                        .start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            try (ConfigurableApplicationContext writer = node(url)) {
                Api a = new Api(HeadroomNodes.base(writer), OPERATOR);
                Fixture f = fixture(a);
                out.add("One node (nobody to wait for: the baseline)");
                out.add(measure("  idle", a, null, f));
                out.add(underLoad(writer, a, null, f));
                try (ConfigurableApplicationContext second = node(url);
                        ConfigurableApplicationContext third = node(url)) {
                    AdmissionService other = second.getBean(AdmissionService.class);
                    out.add("Three nodes (each write waits for the other two)");
                    out.add(measure("  idle", a, other, f));
                    out.add(underLoad(writer, a, other, f));
                }
            }
        }
        Path result = Path.of("target/bench/acknowledged.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    record Fixture(
            String org, String member, String busy, String service, List<String> busyMembers) {}

    private static Fixture fixture(Api a) {
        String org = org(a);
        // No included usage, so the member's own limit alone decides.
        a.put(
                "/api/v1/orgs/" + org + "/seat-types/STANDARD/included-allowance",
                Map.of(
                        "windows",
                        List.of(Map.of("name", "session", "duration", "PT5H", "allowance", "0"))));
        String member = member(a, org, 0);
        String busy = org(a);
        String service =
                a.post("/api/v1/orgs/" + busy + "/keys", Map.of("role", "SERVICE")).text("key");
        List<String> busyMembers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            busyMembers.add(member(a, busy, i));
        }
        return new Fixture(org, member, busy, service, busyMembers);
    }

    private static String underLoad(
            ConfigurableApplicationContext writer, Api a, AdmissionService other, Fixture f)
            throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong settled = new AtomicLong();
        String measured;
        long before;
        double seconds;
        try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
            Api s = new Api(HeadroomNodes.base(writer), f.service());
            for (int c = 0; c < 16; c++) {
                int client = c;
                load.submit(() -> {
                    for (int n = 0; loading.get(); n++) {
                        Map<String, Object> body = new HashMap<>();
                        body.put(
                                "requestId",
                                "ack-"
                                        + (other == null ? "one" : "three")
                                        + "-"
                                        + client
                                        + "-"
                                        + n);
                        body.put("orgId", f.busy());
                        body.put("memberId", f.busyMembers().get((client + n) % 50));
                        body.put("product", "CLAUDE_CODE");
                        body.put("model", "claude-sonnet-4-5");
                        body.put("timestamp", T0.toString());
                        body.put("usage", Map.of("input_tokens", 1200, "output_tokens", 800));
                        assertThat(s.post("/api/v1/usage", body).status()).isEqualTo(200);
                        settled.incrementAndGet();
                    }
                    return null;
                });
            }
            Thread.sleep(1_000);
            before = settled.get();
            long started = System.nanoTime();
            measured = measure("  while 16 clients settle usage", a, other, f);
            seconds = (System.nanoTime() - started) / 1e9;
            loading.set(false);
        }
        return measured
                + String.format(
                        "%n    (background load: %.0f settlements/s through the writer)",
                        (settled.get() - before) / seconds);
    }

    /**
     * Flips the member's limit {@link #ROUNDS} times on the writer, timing each write; after each
     * answer, asks {@code other} (if any) once.
     */
    private static String measure(String name, Api writer, AdmissionService other, Fixture f) {
        Histogram latency = new Histogram(3);
        int stale = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean deny = round % 2 == 0;
            String expected = deny ? "Denied" : "AllowedExtra";
            if (other != null) {
                // The other node holds the state before the change in memory.
                assertThat(decision(other, f.org(), f.member())).isNotEqualTo(expected);
            }
            Map<String, Object> limit = new HashMap<>();
            limit.put("amount", deny ? "0.00" : null);
            long sent = System.nanoTime();
            assertThat(
                            writer.put(
                                            "/api/v1/orgs/"
                                                    + f.org()
                                                    + "/members/"
                                                    + f.member()
                                                    + "/spend-limit",
                                            limit)
                                    .status())
                    .isEqualTo(200);
            latency.recordValue((System.nanoTime() - sent) / 1_000);
            if (other != null && !decision(other, f.org(), f.member()).equals(expected)) {
                stale++;
            }
        }
        return String.format(
                "%s, %d limit changes over HTTP: p50 %.2f ms  p99 %.2f ms  max %.2f ms%s",
                name,
                ROUNDS,
                latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0,
                other == null
                        ? ""
                        : String.format(
                                "; the other node stale right after the answer: %d times", stale));
    }

    private static String decision(AdmissionService service, String org, String member) {
        Admission admission = service.admit(org, member, "CLAUDE_CODE", "claude-sonnet-4-5");
        return admission.getClass().getSimpleName();
    }

    private static ConfigurableApplicationContext node(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return HeadroomNodes.start(
                url, "postgres", "postgres", OPERATOR, args.toArray(String[]::new));
    }

    private static String org(Api operator) {
        String org =
                operator.post(
                                "/api/v1/orgs",
                                Map.of(
                                        "name",
                                        "Acknowledged",
                                        "plan",
                                        "ENTERPRISE_SEAT",
                                        "testClock",
                                        true,
                                        "testClockStart",
                                        T0.toString()))
                        .text("id");
        operator.put("/api/v1/orgs/" + org + "/extra-usage", Map.of("enabled", true));
        return org;
    }

    private static String member(Api operator, String org, int i) {
        return operator.post(
                        "/api/v1/orgs/" + org + "/members",
                        Map.of(
                                "email",
                                "s" + i + "@" + org + ".example",
                                "name",
                                "S" + i,
                                "seatType",
                                "STANDARD"))
                .text("id");
    }
}
