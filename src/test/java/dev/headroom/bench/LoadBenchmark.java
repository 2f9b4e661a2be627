package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The load generator of issue 6: the packaged server as its own process on its embedded PostgreSQL
 * with fsync and synchronous_commit on, driven over HTTP by closed-loop clients on virtual threads.
 * Phases: the HTTP floor ({@code /ping}), admissions, single usage reports and batches of 100, for
 * one org with 1,000 members (the hot-row case) and for 100 orgs.
 *
 * <p>Not part of {@code ./test.sh}: run {@code bench/load.sh}; results in {@code
 * target/bench/load.txt}.
 */
class LoadBenchmark {
    static final int CLIENTS = Integer.getInteger("headroom.load.clients", 64);
    static final Duration PHASE = Duration.ofSeconds(Long.getLong("headroom.load.seconds", 15));
    static final String OPERATOR = "load-operator";
    // Long enough for the JIT and PostgreSQL's autovacuum of the freshly created orgs to settle:
    // with 13 s the first measured phases ran at half speed.
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("headroom.load.warmup", 45));
    static final Duration WARM_UP_MAX =
            Duration.ofSeconds(Long.getLong("headroom.load.warmup-max", 180));
    static final Duration WARM_UP_SLICE = Duration.ofSeconds(10);
    // The share of one core's time in a slice below which the compiler counts as done.
    static final double COMPILING_AT_MOST = 0.03;
    static final int BATCH = 100;

    record Target(String org, String service, List<String> members) {}

    /** The packaged server as its own process, on its own embedded PostgreSQL (fsync on). */
    record Server(Process process, String base, Path data) implements AutoCloseable {
        static Server start(String... extra) throws IOException, InterruptedException {
            return startWithHeap("1g", extra);
        }

        static Server startWithHeap(String maxHeap, String... extra)
                throws IOException, InterruptedException {
            return startFrom(System.getProperty("java.class.path"), maxHeap, extra);
        }

        /** The server built from {@code classpath} (another commit's, for a before/after run). */
        static Server startFrom(String classpath, String maxHeap, String... extra)
                throws IOException, InterruptedException {
            Path data = Files.createTempDirectory("headroom-load");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap));
            // e.g. -XX:StartFlightRecording:filename=load.jfr to profile; flags apart by spaces
            command.addAll(
                    List.of(
                            System.getProperty("headroom.load.jvm", "-Dheadroom.load=1")
                                    .split(" ")));
            // An extra argument with one dash is the JVM's (-Dname=value, -XX:...), with two the
            // server's (--name=value).
            List.of(extra).stream().filter(a -> !a.startsWith("--")).forEach(command::add);
            command.addAll(
                    List.of(
                            "-cp",
                            classpath,
                            "dev.headroom.HeadroomApplication",
                            "--server.port=" + port,
                            "--headroom.data-dir=" + data,
                            "--headroom.demo.enabled=false",
                            "--headroom.operator-key=" + OPERATOR,
                            "--logging.level.root=WARN",
                            "--server.tomcat.threads.max=400"));
            List.of(extra).stream().filter(a -> a.startsWith("--")).forEach(command::add);
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(data.resolve("server.log").toFile())
                            .start();
            Server server = new Server(process, "http://localhost:" + port, data);
            awaitUp(new Api(server.base(), OPERATOR));
            return server;
        }

        /** Stops the server and its PostgreSQL, and removes their data (hundreds of MiB). */
        @Override
        public void close() throws InterruptedException, IOException {
            process.destroy();
            process.waitFor();
            deleteTree(data);
        }
    }

    @Test
    void load() throws Exception {
        List<String> out = new ArrayList<>();
        HttpClient http = client();
        AtomicLong ids = new AtomicLong();
        out.add(header(""));
        out.addAll(phases(Server.start(), http, ids));
        // The naive baseline: the same server, one transaction per single settlement.
        try (Server naive = Server.start("--headroom.benchmark.naive-settlement=true")) {
            String base = naive.base();
            Api operator = new Api(base, OPERATOR);
            Target hot = org(operator, 1_000);
            List<Target> many = orgs(operator);
            out.add(
                    run(
                            "naive POST /usage, 1 org x 1,000 members",
                            http,
                            n -> usage(base, hot, ids.incrementAndGet(), n, 1)));
            out.add(
                    run(
                            "naive POST /usage, 100 orgs x 10 members",
                            http,
                            n -> overOrgs(base, many, ids, n, 1)));
        }
        out.addAll(redisBaseline(ids));
        Path result = Path.of("target/bench/load.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /**
     * The JIT and the pools warm up on every endpoint before anything is measured (on an org of its
     * own), so that the first phase is not measured on a cold server.
     */
    /**
     * The same phases against two builds, one after the other, on this machine in one run: the
     * classpath of {@code headroom.load.before-classpath} and this build ({@code bench/compare.sh}
     * builds the other commit). Results in {@code target/bench/compare.txt}, with the ratios.
     */
    @Test
    void compare() throws Exception {
        String before = System.getProperty("headroom.load.before-classpath");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                before != null, "set headroom.load.before-classpath (bench/compare.sh does)");
        HttpClient http = client();
        AtomicLong ids = new AtomicLong();
        java.util.Map<String, List<String>> results = new java.util.LinkedHashMap<>();
        // The order can be turned around, to see whether going second helps or hurts a build.
        if (Boolean.getBoolean("headroom.load.after-first")) {
            results.put("after", phases(Server.start(), http, ids));
            results.put("before", phases(Server.startFrom(before, "1g"), http, ids));
        } else {
            results.put("before", phases(Server.startFrom(before, "1g"), http, ids));
            results.put("after", phases(Server.start(), http, ids));
        }
        List<String> out = new ArrayList<>();
        out.add(
                header(
                        "; before = "
                                + System.getProperty("headroom.load.before-name", "the other build")
                                + (Boolean.getBoolean("headroom.load.after-first")
                                        ? ", run second"
                                        : ", run first")));
        for (int i = 0; i < results.get("after").size(); i++) {
            String b = results.get("before").get(i);
            String a = results.get("after").get(i);
            out.add("before " + b);
            out.add("after  " + a + "   (after/before " + ratio(a, b) + ")");
        }
        Path result = Path.of("target/bench/compare.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /**
     * Issue 16: what holds cost. One server, two seat-based orgs of 100 members with the same caps,
     * one strict; each request is an admission and the settlement of its usage (with the request id
     * and estimate a strict org needs), so holds are taken and released as in real use. Results in
     * {@code target/bench/strict.txt}; run {@code bench/strict.sh}.
     */
    @Test
    void strict() throws Exception {
        HttpClient http = client();
        AtomicLong ids = new AtomicLong();
        List<String> out = new ArrayList<>();
        out.add(header(", issue 16: admission + settlement per request"));
        try (Server server = Server.start()) {
            String base = server.base();
            Api operator = new Api(base, OPERATOR);
            Target plain = org(operator, 100);
            Target strict = org(operator, 100);
            for (Target t : List.of(plain, strict)) {
                operator.put(
                        "/api/v1/orgs/" + t.org() + "/spend-limit", Map.of("amount", "1000000"));
            }
            operator.put(
                    "/api/v1/orgs/" + strict.org() + "/extra-usage",
                    Map.of("enabled", true, "strict", true));
            warmUp(http, base, operator, ids);
            run("warm-up", n -> admitAndSettle(http, base, strict, ids.incrementAndGet(), n));
            String p =
                    run(
                            "admit + settle, plain org",
                            n -> admitAndSettle(http, base, plain, ids.incrementAndGet(), n));
            String st =
                    run(
                            "admit + settle, strict org (holds)",
                            n -> admitAndSettle(http, base, strict, ids.incrementAndGet(), n));
            out.add(p);
            out.add(st);
            out.add("strict / plain throughput: " + ratio(st, p));
        }
        Path result = Path.of("target/bench/strict.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /** One request's admission (with its hold in a strict org) and then its usage report. */
    private static boolean admitAndSettle(HttpClient http, String base, Target t, long id, int n)
            throws Exception {
        String member = t.members().get(n % t.members().size());
        String admission =
                "{\"orgId\":\""
                        + t.org()
                        + "\",\"memberId\":\""
                        + member
                        + "\",\"product\":\"CLAUDE_CODE\",\"model\":\"claude-sonnet-4-5\",\"requestId\":\"load-"
                        + id
                        + "-0\",\"estimate\":{\"input_tokens\":4000,\"max_tokens\":8000}}";
        HttpResponse<String> admitted =
                http.send(
                        post(base + "/api/v1/admissions", t.service(), admission),
                        HttpResponse.BodyHandlers.ofString());
        if (admitted.statusCode() != 200 || !admitted.body().contains("ALLOWED")) {
            return false;
        }
        return http.send(usage(base, t, id, n, 1), HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                == 200;
    }

    private List<String> phases(Server server, HttpClient http, AtomicLong ids) throws Exception {
        try (server) {
            String base = server.base();
            Api operator = new Api(base, OPERATOR);
            Target hot = org(operator, 1_000);
            List<Target> many = orgs(operator);
            warmUp(http, base, operator, ids);
            return List.of(
                    run("HTTP floor: GET /ping", http, n -> get(base + "/ping")),
                    run("admissions, 1 org x 1,000 members", http, n -> admission(base, hot, n)),
                    run(
                            "admissions, 100 orgs x 10 members",
                            http,
                            n -> admission(base, many.get(n % 100), n / 100)),
                    run(
                            "POST /usage, 1 org x 1,000 members",
                            http,
                            n -> usage(base, hot, ids.incrementAndGet(), n, 1)),
                    run(
                            "POST /usage, 100 orgs x 10 members",
                            http,
                            n -> overOrgs(base, many, ids, n, 1)),
                    run(
                            "POST /usage:batch of 100, 1 org (per event)",
                            http,
                            n -> usage(base, hot, ids.incrementAndGet(), n, BATCH)),
                    run(
                            "POST /usage:batch of 100, 100 orgs (per event)",
                            http,
                            n -> overOrgs(base, many, ids, n, BATCH)));
        }
    }

    /**
     * HTTP/1.1 throughout: the client would otherwise offer an h2c upgrade on every GET, which the
     * floor would pay and the POSTs would not.
     */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    static String header(String more) {
        return "date "
                + Instant.now().toString().substring(0, 10)
                + ", "
                + Runtime.getRuntime().availableProcessors()
                + " cores, "
                + CLIENTS
                + " closed-loop clients, "
                + PHASE.toSeconds()
                + " s per phase, fsync on"
                + more;
    }

    /** The throughput of line {@code after} over that of line {@code before} ("N req/s"). */
    static String ratio(String after, String before) {
        java.util.regex.Pattern rate = java.util.regex.Pattern.compile("([0-9,]+) (req|events)/s");
        java.util.regex.Matcher a = rate.matcher(after);
        java.util.regex.Matcher b = rate.matcher(before);
        if (!a.find() || !b.find()) {
            return "?";
        }
        double ratio =
                Double.parseDouble(a.group(1).replace(",", ""))
                        / Double.parseDouble(b.group(1).replace(",", ""));
        return String.format(java.util.Locale.ROOT, "%.2f", ratio);
    }

    /**
     * {@link #WARM_UP} of pings, admissions and usage reports, then on, {@link #WARM_UP_SLICE} at a
     * time, while the server's JIT compiler is still busy (up to {@link #WARM_UP_MAX} in all): on
     * these 2 cores its compiler threads took 0.4 to 0.5 of a core for over a minute after a 45 s
     * warm-up, inside the first measured phases (BENCHMARKS.md) — a server in service runs
     * compiled.
     */
    static void warmUp(HttpClient http, String base, Api operator, AtomicLong ids)
            throws Exception {
        Target warm = org(operator, 100);
        IntFunction<HttpRequest> mix =
                n ->
                        switch (n % 3) {
                            case 0 -> get(base + "/ping");
                            case 1 -> admission(base, warm, n);
                            default -> usage(base, warm, ids.incrementAndGet(), n, 1);
                        };
        long started = System.nanoTime();
        run("warm-up", http, mix);
        whileCompiling(
                operator,
                WARM_UP_MAX.minusNanos(System.nanoTime() - started),
                () -> run("warm-up", WARM_UP_SLICE, request(http, mix)));
        System.out.printf(
                "warm-up of %s: %d s%n",
                base, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Work a server for {@link #WARM_UP_SLICE} at a time. */
    interface Slice {
        void run() throws Exception;
    }

    /**
     * Runs {@code slice} again and again, at most for {@code atMost}, until the server's JIT
     * compiler worked less than {@link #COMPILING_AT_MOST} of a slice's time during one.
     */
    static void whileCompiling(Api operator, Duration atMost, Slice slice) throws Exception {
        long started = System.nanoTime();
        double compiled = compilationMillis(operator);
        while (System.nanoTime() - started < atMost.toNanos()) {
            slice.run();
            double now = compilationMillis(operator);
            double inSlice = now - compiled;
            compiled = now;
            if (inSlice < WARM_UP_SLICE.toMillis() * COMPILING_AT_MOST) {
                return;
            }
        }
    }

    /** The server's JIT compilation time so far, as its metrics give it. */
    static double compilationMillis(Api operator) {
        Matcher m =
                Pattern.compile("(?m)^jvm_compilation_time_ms_total\\{[^}]*\\} (\\S+)$")
                        .matcher(operator.get("/actuator/prometheus").raw());
        assertThat(m.find()).as("the server's JIT compilation time").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * The same admission and settlement as Lua scripts on a local {@code redis-server}, on the same
     * org shapes, without HTTP in between: the clients call Redis directly.
     */
    static List<String> redisBaseline(AtomicLong ids) throws Exception {
        if (!RedisBaseline.available()) {
            return List.of(
                    "Redis Lua baseline: not run (no /usr/bin/redis-server; bench/load.sh installs it)");
        }
        List<String> out = new ArrayList<>();
        Target hot = redisOrg("redis-hot", 1_000);
        List<Target> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(redisOrg("redis-" + i, 10));
        }
        try (RedisBaseline redis = RedisBaseline.start(false, CLIENTS)) {
            redis.enableExtraUsage(hot.org());
            many.forEach(t -> redis.enableExtraUsage(t.org()));
            out.add(
                    run(
                            "Redis Lua admissions, 1 org x 1,000 members",
                            n -> redis.admit(hot.org(), member(hot, n))));
            out.add(
                    run(
                            "Redis Lua admissions, 100 orgs x 10 members",
                            n ->
                                    redis.admit(
                                            many.get(n % 100).org(),
                                            member(many.get(n % 100), n / 100))));
            out.add(
                    run(
                            "Redis Lua settlements, 1 org x 1,000 members",
                            n ->
                                    redis.settle(
                                            hot.org(),
                                            member(hot, n),
                                            "load-" + ids.incrementAndGet())));
            out.add(
                    run(
                            "Redis Lua settlements, 100 orgs x 10 members",
                            n -> {
                                Target t = many.get(n % 100);
                                return redis.settle(
                                        t.org(),
                                        member(t, n / 100),
                                        "load-" + ids.incrementAndGet());
                            }));
            out.add(
                    run(
                            "Redis Lua pipelined batch of 100, 1 org (per event)",
                            n -> {
                                long id = ids.incrementAndGet();
                                List<String> members = new ArrayList<>(BATCH);
                                List<String> requestIds = new ArrayList<>(BATCH);
                                for (int e = 0; e < BATCH; e++) {
                                    members.add(member(hot, n + e));
                                    requestIds.add("load-" + id + "-" + e);
                                }
                                return redis.settleBatch(hot.org(), members, requestIds);
                            }));
        }
        try (RedisBaseline redis = RedisBaseline.start(true, CLIENTS)) {
            redis.enableExtraUsage(hot.org());
            out.add(
                    run(
                            "Redis Lua settlements, appendfsync always, 1 org",
                            n ->
                                    redis.settle(
                                            hot.org(),
                                            member(hot, n),
                                            "load-" + ids.incrementAndGet())));
        }
        return out;
    }

    private static Target redisOrg(String org, int members) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add("mem_" + i);
        }
        return new Target(org, "", ids);
    }

    private static String member(Target t, int n) {
        return t.members().get(Math.floorMod(n, t.members().size()));
    }

    static List<Target> orgs(Api operator) {
        List<Target> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(org(operator, 10));
        }
        return many;
    }

    /** One request of a phase: true when it was answered as it should be. */
    @FunctionalInterface
    interface Request {
        boolean send(int n) throws Exception;
    }

    static String run(String name, HttpClient http, IntFunction<HttpRequest> requests)
            throws Exception {
        return run(name, request(http, requests));
    }

    static Request request(HttpClient http, IntFunction<HttpRequest> requests) {
        return n ->
                http.send(requests.apply(n), HttpResponse.BodyHandlers.ofString()).statusCode()
                        == 200;
    }

    static String run(String name, Request request) throws Exception {
        return run(name, name.equals("warm-up") ? WARM_UP : PHASE, request);
    }

    static String run(String name, Duration length, Request request) throws Exception {
        String only = System.getProperty("headroom.load.only", "");
        if (!name.equals("warm-up") && !name.contains(only)) {
            return name + ": not run (headroom.load.only=" + only + ")";
        }
        int eventsPerRequest = name.contains("batch of 100") ? BATCH : 1;
        Histogram latency = new ConcurrentHistogram(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        long warmupEnd = System.nanoTime() + 3_000_000_000L;
        long end = warmupEnd + length.toNanos();
        AtomicReference<CpuTime> cpuAtStart = new AtomicReference<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            clients.submit(() -> {
                Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
                cpuAtStart.set(CpuTime.now());
                return null;
            });
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        int n = (int) counter.incrementAndGet();
                        long start = System.nanoTime();
                        boolean answered = request.send(n);
                        long took = System.nanoTime() - start;
                        if (!answered) {
                            failed.incrementAndGet();
                        } else if (start >= warmupEnd) {
                            ok.incrementAndGet();
                            latency.recordValue(took / 1_000);
                        }
                    }
                    return null;
                });
            }
        }
        double perSecond = ok.get() * (double) eventsPerRequest / length.toSeconds();
        assertThat(failed.get()).as(name + " failures").isZero();
        assertThat(ok.get()).as(name + ": no request completed in the measured time").isPositive();
        String unit = eventsPerRequest == 1 ? "req" : "event";
        return String.format(
                "%-46s %9.0f %s/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  %s",
                name,
                perSecond,
                eventsPerRequest == 1 ? "req" : "events",
                latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0,
                cpuAtStart.get().since(ok.get() * (double) eventsPerRequest, unit));
    }

    static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET().build();
    }

    static HttpRequest admission(String base, Target t, int n) {
        String body =
                "{\"orgId\":\""
                        + t.org()
                        + "\",\"memberId\":\""
                        + t.members().get(n % t.members().size())
                        + "\",\"product\":\"CLAUDE_CODE\",\"model\":\"claude-sonnet-4-5\"}";
        return post(base + "/api/v1/admissions", t.service(), body);
    }

    /** Request {@code n} spread over the orgs: org {@code n % 100}, its member {@code n / 100}. */
    static HttpRequest overOrgs(String base, List<Target> orgs, AtomicLong ids, int n, int events) {
        return usage(
                base, orgs.get(n % orgs.size()), ids.incrementAndGet(), n / orgs.size(), events);
    }

    static HttpRequest usage(String base, Target t, long id, int n, int events) {
        StringBuilder items = new StringBuilder();
        for (int e = 0; e < events; e++) {
            if (e > 0) {
                items.append(',');
            }
            items.append("{\"requestId\":\"load-")
                    .append(id)
                    .append('-')
                    .append(e)
                    .append("\",\"orgId\":\"")
                    .append(t.org())
                    .append("\",\"memberId\":\"")
                    .append(t.members().get((n + e) % t.members().size()))
                    .append(
                            "\",\"product\":\"CLAUDE_CODE\",\"model\":\"claude-sonnet-4-5\",\"timestamp\":\"2027-01-10T12:00:00Z\",")
                    .append("\"usage\":{\"input_tokens\":1200,\"output_tokens\":800}}");
        }
        return events == 1
                ? post(base + "/api/v1/usage", t.service(), items.toString())
                : post(base + "/api/v1/usage:batch", t.service(), "{\"items\":[" + items + "]}");
    }

    private static HttpRequest post(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static Target org(Api operator, int members) {
        String org =
                operator.post(
                                "/api/v1/orgs",
                                Map.of(
                                        "name",
                                        "Load",
                                        "plan",
                                        "ENTERPRISE_SEAT",
                                        "testClock",
                                        true,
                                        "testClockStart",
                                        "2027-01-10T12:00:00Z"))
                        .text("id");
        operator.put("/api/v1/orgs/" + org + "/extra-usage", Map.of("enabled", true));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add(
                    operator.post(
                                    "/api/v1/orgs/" + org + "/members",
                                    Map.of(
                                            "email",
                                            "l" + i + "@" + org + ".example",
                                            "name",
                                            "L" + i,
                                            "seatType",
                                            "STANDARD"))
                            .text("id"));
        }
        String service =
                operator.post("/api/v1/orgs/" + org + "/keys", Map.of("role", "SERVICE"))
                        .text("key");
        return new Target(org, service, ids);
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void awaitUp(Api operator) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (operator.get("/ping").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IOException("server did not start");
    }
}
