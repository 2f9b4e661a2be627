package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.HeadroomApplication;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.support.Api;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 6, the cross-node bound of admission from memory: two Headroom nodes on one PostgreSQL
 * (fsync on), a writer and a node that answers admissions from memory and learns of other nodes'
 * writes by notification. The writer changes a member's limit over HTTP (0.00, then unlimited, and
 * so on); from the moment the writer answers, the other node's admission service is asked in a
 * tight loop until its decision follows. That delay is the staleness across nodes. Measured once
 * with the nodes idle and once while 16 clients settle usage of another org through the writer.
 *
 * <p>Not part of {@code ./test.sh}; run {@code bench/staleness.sh}. Results go to {@code
 * target/bench/staleness.txt}.
 */
class CrossNodeStalenessBenchmark {
    static final int ROUNDS = Integer.getInteger("headroom.staleness.rounds", 300);
    static final String OPERATOR = "staleness-operator";
    static final Instant T0 = Instant.parse("2027-01-10T12:00:00Z");

    @Test
    void staleness() throws Exception {
        List<String> out = new ArrayList<>();
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_connections", "200")
                        .start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            try (ConfigurableApplicationContext writer = node(url);
                    ConfigurableApplicationContext cached =
                            node(url, "--headroom.admission.cache=true")) {
                Api a = new Api(base(writer), OPERATOR);
                AdmissionService fromMemory = cached.getBean(AdmissionService.class);
                String org = org(a);
                // No included usage, so the member's own limit alone decides.
                a.put(
                        "/api/v1/orgs/" + org + "/seat-types/STANDARD/included-allowance",
                        Map.of(
                                "windows",
                                List.of(
                                        Map.of(
                                                "name",
                                                "session",
                                                "duration",
                                                "PT5H",
                                                "allowance",
                                                "0"))));
                String member = member(a, org, 0);
                out.add(measure("idle", a, fromMemory, org, member));

                String busy = org(a);
                String service =
                        a.post("/api/v1/orgs/" + busy + "/keys", Map.of("role", "SERVICE"))
                                .text("key");
                List<String> busyMembers = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    busyMembers.add(member(a, busy, i));
                }
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicLong settled = new AtomicLong();
                try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
                    Api s = new Api(base(writer), service);
                    for (int c = 0; c < 16; c++) {
                        int client = c;
                        load.submit(() -> {
                            for (int n = 0; loading.get(); n++) {
                                Map<String, Object> body = new HashMap<>();
                                body.put("requestId", "st-" + client + "-" + n);
                                body.put("orgId", busy);
                                body.put("memberId", busyMembers.get((client + n) % 50));
                                body.put("product", "CLAUDE_CODE");
                                body.put("model", "claude-sonnet-4-5");
                                body.put("timestamp", T0.toString());
                                body.put(
                                        "usage",
                                        Map.of("input_tokens", 1200, "output_tokens", 800));
                                assertThat(s.post("/api/v1/usage", body).status()).isEqualTo(200);
                                settled.incrementAndGet();
                            }
                            return null;
                        });
                    }
                    long before = settled.get();
                    long started = System.nanoTime();
                    out.add(measure("while 16 clients settle usage", a, fromMemory, org, member));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    out.add(
                            String.format(
                                    "  (background load: %.0f settlements/s through the writer)",
                                    (settled.get() - before) / seconds));
                    loading.set(false);
                }
            }
        }
        Path result = Path.of("target/bench/staleness.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /**
     * Flips the member's limit {@link #ROUNDS} times on the writer; after each answer, asks the
     * caching node until its decision follows.
     */
    private static String measure(
            String name, Api writer, AdmissionService fromMemory, String org, String member) {
        Histogram staleness = new Histogram(3);
        // From the moment the change is sent: an upper bound of the staleness after its commit.
        Histogram sinceSent = new Histogram(3);
        int alreadyFresh = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean deny = round % 2 == 0;
            String expected = deny ? "Denied" : "AllowedExtra";
            // The caching node holds the state before the change.
            assertThat(decision(fromMemory, org, member)).isNotEqualTo(expected);
            Map<String, Object> limit = new HashMap<>();
            limit.put("amount", deny ? "0.00" : null);
            long sent = System.nanoTime();
            assertThat(
                            writer.put(
                                            "/api/v1/orgs/"
                                                    + org
                                                    + "/members/"
                                                    + member
                                                    + "/spend-limit",
                                            limit)
                                    .status())
                    .isEqualTo(200);
            long answered = System.nanoTime();
            long deadline = answered + 5_000_000_000L;
            // The staleness ends when a request that starts then is answered from the new state.
            long freshFrom;
            for (int look = 0; ; look++) {
                long asked = System.nanoTime();
                if (decision(fromMemory, org, member).equals(expected)) {
                    freshFrom = asked;
                    alreadyFresh += look == 0 ? 1 : 0;
                    break;
                }
                assertThat(asked).as("the caching node follows within 5 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            staleness.recordValue(Math.max(0, freshFrom - answered) / 1_000);
            sinceSent.recordValue((freshFrom - sent) / 1_000);
        }
        return String.format(
                "%s, %d changes: after the writer's answer p50 %.2f ms  p99 %.2f ms  max %.2f ms"
                        + " (%d fresh at the first look); after the change was sent p50 %.2f ms"
                        + "  p99 %.2f ms  max %.2f ms",
                name,
                ROUNDS,
                staleness.getValueAtPercentile(50) / 1000.0,
                staleness.getValueAtPercentile(99) / 1000.0,
                staleness.getMaxValue() / 1000.0,
                alreadyFresh,
                sinceSent.getValueAtPercentile(50) / 1000.0,
                sinceSent.getValueAtPercentile(99) / 1000.0,
                sinceSent.getMaxValue() / 1000.0);
    }

    private static String decision(AdmissionService service, String org, String member) {
        Admission admission = service.admit(org, member, "CLAUDE_CODE", "claude-sonnet-4-5");
        return admission.getClass().getSimpleName();
    }

    private static ConfigurableApplicationContext node(String url, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--server.port=0",
                                "--spring.datasource.url=" + url,
                                "--spring.datasource.username=postgres",
                                "--spring.datasource.password=postgres",
                                "--headroom.demo.enabled=false",
                                "--headroom.operator-key=" + OPERATOR,
                                "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(HeadroomApplication.class)
                .run(args.toArray(String[]::new));
    }

    private static String base(ConfigurableApplicationContext node) {
        return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    private static String org(Api operator) {
        String org =
                operator.post(
                                "/api/v1/orgs",
                                Map.of(
                                        "name",
                                        "Staleness",
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
