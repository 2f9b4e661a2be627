package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's memory target: one org with 100,000 members and a day of 1,000,000 usage events, on a
 * server limited to 512 MiB of heap. Members are created through the API, events are settled
 * through {@code POST /usage:batch} (1,000 per request, 8 clients); the heap in use is sampled from
 * the server's own Prometheus endpoint throughout, and the member list, a member's usage and an
 * admission are checked at the end.
 *
 * <p>Not part of {@code ./test.sh}; run with {@code bench/memory.sh}. Writes {@code
 * target/bench/memory.txt}.
 */
class MemoryBenchmark {
    static final int MEMBERS = Integer.getInteger("headroom.memory.members", 100_000);
    static final int EVENTS = Integer.getInteger("headroom.memory.events", 1_000_000);
    static final int PER_BATCH = 1_000;
    static final Pattern HEAP_USED =
            Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"\\} ([0-9.E+]+)");

    @Test
    void aHundredThousandMembersAndAMillionEventsIn512MiB() throws Exception {
        try (LoadBenchmark.Server server = LoadBenchmark.Server.startWithHeap("512m")) {
            Api operator = new Api(server.base(), LoadBenchmark.OPERATOR);
            String org =
                    operator.post(
                                    "/api/v1/orgs",
                                    Map.of(
                                            "name", "Memory",
                                            "plan", "ENTERPRISE_SEAT",
                                            "testClock", true,
                                            "testClockStart", "2027-01-10T23:00:00Z"))
                            .text("id");
            operator.put("/api/v1/orgs/" + org + "/extra-usage", Map.of("enabled", true));
            String service =
                    operator.post("/api/v1/orgs/" + org + "/keys", Map.of("role", "SERVICE"))
                            .text("key");
            Api backend = operator.as(service);
            AtomicLong peakHeap = new AtomicLong();
            long start = System.nanoTime();
            List<String> members = new ArrayList<>(MEMBERS);
            try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
                List<Future<String>> created = new ArrayList<>();
                for (int i = 0; i < MEMBERS; i++) {
                    int n = i;
                    created.add(
                            clients.submit(() -> {
                                Api.Response r =
                                        operator.post(
                                                "/api/v1/orgs/" + org + "/members",
                                                Map.of(
                                                        "email", "m" + n + "@memory.example",
                                                        "name", "Member " + n,
                                                        "seatType",
                                                                n % 4 == 0
                                                                        ? "PREMIUM"
                                                                        : "STANDARD"));
                                assertThat(r.status()).as(r.toString()).isEqualTo(201);
                                if (n % 5_000 == 0) {
                                    sampleHeap(operator, peakHeap);
                                }
                                return r.text("id");
                            }));
                }
                for (Future<String> f : created) {
                    members.add(f.get());
                }
                long membersSeconds = (System.nanoTime() - start) / 1_000_000_000;
                long eventsStart = System.nanoTime();
                List<Future<?>> batches = new ArrayList<>();
                for (int b = 0; b < EVENTS / PER_BATCH; b++) {
                    int batch = b;
                    batches.add(
                            clients.submit(() -> {
                                StringBuilder items = new StringBuilder();
                                for (int e = 0; e < PER_BATCH; e++) {
                                    int n = batch * PER_BATCH + e;
                                    if (e > 0) {
                                        items.append(',');
                                    }
                                    items.append("{\"requestId\":\"mem-")
                                            .append(n)
                                            .append("\",\"orgId\":\"")
                                            .append(org)
                                            .append("\",\"memberId\":\"")
                                            .append(members.get(n % MEMBERS))
                                            .append(
                                                    "\",\"product\":\"CLAUDE_CODE\",\"model\":\"claude-sonnet-4-5\",")
                                            .append("\"timestamp\":\"2027-01-10T22:00:00Z\",")
                                            .append(
                                                    "\"usage\":{\"input_tokens\":1200,\"output_tokens\":800}}");
                                }
                                Api.Response r =
                                        backend.post(
                                                "/api/v1/usage:batch",
                                                "{\"items\":[" + items + "]}");
                                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                                if (batch % 20 == 0) {
                                    sampleHeap(operator, peakHeap);
                                }
                                return null;
                            }));
                }
                for (Future<?> f : batches) {
                    f.get();
                }
                long eventsSeconds = Math.max(1, (System.nanoTime() - eventsStart) / 1_000_000_000);
                sampleHeap(operator, peakHeap);
                // One admission per member: every member's state is then held in memory.
                long admissionsStart = System.nanoTime();
                List<Future<?>> admissions = new ArrayList<>();
                for (int i = 0; i < MEMBERS; i++) {
                    String member = members.get(i);
                    int n = i;
                    admissions.add(
                            clients.submit(() -> {
                                Api.Response r =
                                        backend.post(
                                                "/api/v1/admissions",
                                                Map.of(
                                                        "orgId",
                                                        org,
                                                        "memberId",
                                                        member,
                                                        "product",
                                                        "CLAUDE_CODE",
                                                        "model",
                                                        "claude-sonnet-4-5"));
                                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                                if (n % 5_000 == 0) {
                                    sampleHeap(operator, peakHeap);
                                }
                                return null;
                            }));
                }
                for (Future<?> f : admissions) {
                    f.get();
                }
                long admissionsSeconds =
                        Math.max(1, (System.nanoTime() - admissionsStart) / 1_000_000_000);
                sampleHeap(operator, peakHeap);

                Api.Response list =
                        operator.get("/api/v1/orgs/" + org + "/members?q=member+9999&size=20");
                assertThat(list.status()).isEqualTo(200);
                Api.Response usage =
                        operator.get(
                                "/api/v1/orgs/" + org + "/members/" + members.get(7) + "/usage");
                assertThat(usage.status()).isEqualTo(200);
                long events =
                        operator.get(
                                        "/api/v1/orgs/"
                                                + org
                                                + "/usage?from=2027-01-10&to=2027-01-10&groupBy=day")
                                .body()
                                .path("items")
                                .get(0)
                                .path("requests")
                                .asLong();
                assertThat(events).isEqualTo(EVENTS);

                List<String> out = new ArrayList<>();
                out.add("date " + Instant.now().toString().substring(0, 10) + ", server -Xmx512m");
                out.add(MEMBERS + " members created through the API in " + membersSeconds + " s");
                out.add(
                        EVENTS
                                + " events settled through POST /usage:batch (1,000 each, 8 clients) in "
                                + eventsSeconds
                                + " s = "
                                + (EVENTS / eventsSeconds)
                                + " events/s");
                out.add(
                        MEMBERS
                                + " admissions, one per member (every member's state then held in"
                                + " memory), in "
                                + admissionsSeconds
                                + " s");
                out.add(
                        "peak heap in use (sampled): "
                                + peakHeap.get() / (1024 * 1024)
                                + " MiB of 512 MiB");
                Path result = Path.of("target/bench/memory.txt");
                Files.createDirectories(result.getParent());
                Files.write(result, out);
                out.forEach(System.out::println);
            }
        }
    }

    /** Adds up the heap pools' used bytes from the server's Prometheus page; keeps the peak. */
    private static void sampleHeap(Api operator, AtomicLong peak) {
        String text = operator.get("/actuator/prometheus").raw();
        long used = 0;
        Matcher m = HEAP_USED.matcher(text);
        while (m.find()) {
            used += (long) Double.parseDouble(m.group(1));
        }
        long sample = used;
        peak.accumulateAndGet(sample, Math::max);
    }
}
