package dev.headroom.bench;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.support.Api;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The gateway's overhead (issue 14, item 9): the same local stand-in model called directly, through
 * Headroom (the packaged server, its own process, fsync on) and through Portkey's open-source
 * gateway ({@code @portkey-ai/gateway}, Node), plain and streaming, 1 and 64 closed-loop clients,
 * p50 and p99, a Claude Code–sized streamed request (100 KB) and a long streamed answer (300
 * deltas) with one client — all in one run, each phase warmed up on every target before any is
 * measured; then the durable one-row commit alone, the floor of a gateway that writes before an
 * answer's last bytes. Beside them, the stack's own floor: {@link SkeletonGateway}, a relay on the
 * same server, client and database as Headroom's and nothing of its work, without ("stack") and
 * with ("stack-db") a durable one-row commit per answer, and ("stack-billed",
 * "stack-billed-notify", "stack-billed-event", "stack-billed-all", each measured only when named in
 * the targets) that commit and settlement batches beside the answers, from the least a gateway that
 * bills each request must write to Headroom's database work ({@link SkeletonGateway.Billing}). Not
 * part of {@code ./test.sh}: {@code bench/gateway.sh}; results in {@code target/bench/gateway.txt}.
 *
 * <p>For experiments: {@code -Dheadroom.gateway.targets=Headroom,nginx} and {@code
 * -Dheadroom.gateway.phases=plain,long} measure only those (the direct call always); {@code
 * -Dheadroom.gateway.variant="-XX:+UseZGC --headroom.gateway.settle-delay=PT1S"} adds a third
 * server, "variant", with those JVM (one dash) and server (two dashes) arguments, beside the
 * default one in the same run; {@code -Dheadroom.gateway.variant-classpath} runs another build as
 * that server, named by {@code -Dheadroom.gateway.variant-name} ({@code BEFORE=<commit>
 * bench/gateway.sh} builds one and names it "before").
 */
class GatewayBenchmark {
    static final Duration PHASE = Duration.ofSeconds(Long.getLong("headroom.gateway.seconds", 10));
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("headroom.gateway.warmup", 20));
    static final Duration PHASE_WARM_UP =
            Duration.ofSeconds(Long.getLong("headroom.gateway.phase-warmup", 10));
    static final int[] CLIENTS =
            java.util.Arrays.stream(
                            System.getProperty("headroom.gateway.clients", "1,64").split(","))
                    .mapToInt(Integer::parseInt)
                    .toArray();
    static final String BODY_PLAIN =
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String BODY_STREAM =
            BODY_PLAIN.replace("\"max_tokens\":256", "\"max_tokens\":256,\"stream\":true");
    // Asks the stand-in model for a long answer: 300 text deltas, as a real answer streams.
    static final String BODY_STREAM_LONG =
            BODY_STREAM.replace("\"max_tokens\":256", "\"max_tokens\":4096");
    static final String JSON =
            "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],\"stop_reason\":\"end_turn\","
                    + "\"usage\":{\"input_tokens\":1200,\"output_tokens\":80}}";
    static final String SSE =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":1200,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
                    + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":80}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    static final String SSE_LONG = longStream(300);

    /** {@link #SSE} with {@code deltas} text deltas of a few words each. */
    static String longStream(int deltas) {
        String delta =
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" and a few more words\"}}\n\n";
        int at = SSE.indexOf("event: content_block_stop");
        return SSE.substring(0, at) + delta.repeat(deltas) + SSE.substring(at);
    }

    /** One measured phase: which request, with how many closed-loop clients. */
    record Phase(String name, String body, int clients) {}

    /** Where a request goes, and the headers it needs there. */
    record Target(String name, String url, Map<String, String> headers) {}

    @Test
    void gateway() throws Exception {
        // Without it the stand-in's long answers wait ~40 ms for delayed ACKs (Nagle's algorithm),
        // which would hide what the gateway adds to them.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The JDK's server keeps at most 200 idle connections and closes each one past that as
        // soon as it has answered; with every target's pool beside the others (64 and more each)
        // the proxies' next requests met connections closed under them and were answered 502
        // (BENCHMARKS.md, the whole command of 2026-12-06).
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        HttpServer model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        model.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        model.createContext(
                "/",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    boolean stream = body.contains("\"stream\":true");
                    boolean longer = body.contains("\"max_tokens\":4096");
                    byte[] out =
                            (stream ? longer ? SSE_LONG : SSE : JSON)
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add("Content-Type", stream ? "text/event-stream" : "application/json");
                    exchange.sendResponseHeaders(200, out.length);
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(out);
                    }
                });
        model.start();
        String modelUrl = "http://127.0.0.1:" + model.getAddress().getPort();
        List<String> out = new ArrayList<>();
        out.add(
                "date "
                        + Instant.now().toString().substring(0, 10)
                        + ", "
                        + Runtime.getRuntime().availableProcessors()
                        + " cores, "
                        + PHASE.toSeconds()
                        + " s per phase, latency per request (closed loop)");
        Process portkey = null;
        Process nginx = null;
        Process skeleton = null;
        Path skeletonData = null;
        // fsync off bounds what durability costs: the same server, settling without a disk flush.
        String variantArgs = System.getProperty("headroom.gateway.variant", "");
        // Another build as the variant (bench/gateway.sh with BEFORE=<commit> builds one).
        String variantClasspath = System.getProperty("headroom.gateway.variant-classpath");
        String variantName = System.getProperty("headroom.gateway.variant-name", "variant");
        // -Dheadroom.gateway.targets decides which servers start at all, not only which run.
        List<String> only = names("headroom.gateway.targets");
        java.util.function.Predicate<String> wanted =
                name -> name.equals("direct") || only.isEmpty() || only.contains(name);
        try (LoadBenchmark.Server headroom =
                        wanted.test("Headroom") ? LoadBenchmark.Server.start() : null;
                LoadBenchmark.Server volatileHeadroom =
                        wanted.test("fsync-off")
                                ? LoadBenchmark.Server.start("--headroom.embedded.ephemeral=true")
                                : null;
                LoadBenchmark.Server variant =
                        (variantArgs.isBlank() && variantClasspath == null)
                                        || !wanted.test(variantName)
                                ? null
                                : LoadBenchmark.Server.startFrom(
                                        variantClasspath != null
                                                ? variantClasspath
                                                : System.getProperty("java.class.path"),
                                        "1g",
                                        variantArgs.isBlank()
                                                ? new String[0]
                                                : variantArgs.split(" "))) {
            Path gateway =
                    Path.of(".tools/npm/node_modules/@portkey-ai/gateway/build/start-server.js");
            List<Target> targets = new ArrayList<>();
            targets.add(
                    new Target(
                            "direct", modelUrl + "/v1/messages", Map.of("x-api-key", "sk-bench")));
            if (headroom != null) {
                targets.add(
                        new Target(
                                "Headroom",
                                headroom.base() + "/v1/messages",
                                Map.of("x-api-key", memberKey(headroom, modelUrl))));
            }
            if (volatileHeadroom != null) {
                targets.add(
                        new Target(
                                "fsync-off",
                                volatileHeadroom.base() + "/v1/messages",
                                Map.of("x-api-key", memberKey(volatileHeadroom, modelUrl))));
            }
            if (variant != null) {
                targets.add(
                        new Target(
                                variantName,
                                variant.base() + "/v1/messages",
                                Map.of("x-api-key", memberKey(variant, modelUrl))));
            }
            if (wanted.test("Portkey") && Files.exists(gateway)) {
                int portkeyPort;
                try (ServerSocket s = new ServerSocket(0)) {
                    portkeyPort = s.getLocalPort();
                }
                portkey =
                        new ProcessBuilder(
                                        "node",
                                        gateway.toString(),
                                        "--port=" + portkeyPort,
                                        "--headless")
                                .redirectErrorStream(true)
                                .redirectOutput(Files.createTempFile("portkey", ".log").toFile())
                                .start();
                Thread.sleep(3_000);
                targets.add(
                        new Target(
                                "Portkey",
                                "http://127.0.0.1:" + portkeyPort + "/v1/messages",
                                Map.of(
                                        "x-api-key",
                                        "sk-bench",
                                        "x-portkey-provider",
                                        "anthropic",
                                        "x-portkey-custom-host",
                                        modelUrl + "/v1")));
            } else if (wanted.test("Portkey")) {
                out.add("Portkey not installed (bench/gateway.sh installs @portkey-ai/gateway)");
            }
            // The least any proxy adds on this machine: nginx relaying to the same model.
            Path nginxBinary = Path.of("/usr/sbin/nginx");
            if (wanted.test("nginx") && Files.isExecutable(nginxBinary)) {
                int nginxPort;
                try (ServerSocket s = new ServerSocket(0)) {
                    nginxPort = s.getLocalPort();
                }
                Path conf = nginxConfig(nginxPort, model.getAddress().getPort());
                nginx =
                        new ProcessBuilder(
                                        nginxBinary.toString(),
                                        "-p",
                                        conf.getParent().toString(),
                                        "-c",
                                        conf.toString())
                                .redirectErrorStream(true)
                                .redirectOutput(conf.resolveSibling("nginx.out").toFile())
                                .start();
                awaitListening(nginxPort);
                targets.add(
                        new Target(
                                "nginx",
                                "http://127.0.0.1:" + nginxPort + "/v1/messages",
                                Map.of("x-api-key", "sk-bench")));
            } else if (wanted.test("nginx")) {
                out.add("nginx not installed (bench/gateway.sh installs it)");
            }
            // What the stack alone adds: Headroom's server, client and database, none of its work.
            // Named only: an experiment's floor, not one of the whole command's.
            List<String> billed = only.stream().filter(t -> t.startsWith("stack-billed")).toList();
            if (wanted.test("stack") || wanted.test("stack-db") || !billed.isEmpty()) {
                int skeletonPort;
                try (ServerSocket s = new ServerSocket(0)) {
                    skeletonPort = s.getLocalPort();
                }
                skeletonData = Files.createTempDirectory("headroom-skeleton");
                skeleton =
                        javaProcess(
                                SkeletonGateway.class,
                                skeletonData.resolve("skeleton.log"),
                                "" + skeletonPort,
                                modelUrl,
                                skeletonData.toString());
                awaitListening(skeletonPort);
                String base = "http://127.0.0.1:" + skeletonPort;
                if (wanted.test("stack")) {
                    targets.add(
                            new Target("stack", base + "/v1/messages", Map.of("x-api-key", "k")));
                }
                if (wanted.test("stack-db")) {
                    targets.add(
                            new Target(
                                    "stack-db",
                                    base + "/durable/v1/messages",
                                    Map.of("x-api-key", "k")));
                }
                // stack-billed on /billed/, stack-billed-all on /billed-all/ (SkeletonGateway).
                for (String name : billed) {
                    String path = name.replace("stack-", "/");
                    targets.add(
                            new Target(
                                    name, base + path + "/v1/messages", Map.of("x-api-key", "k")));
                }
            }
            HttpClient http =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .build();
            List<Phase> phases = new ArrayList<>();
            for (int clients : CLIENTS) {
                phases.add(new Phase("plain", BODY_PLAIN, clients));
                phases.add(new Phase("stream", BODY_STREAM, clients));
            }
            // What Claude Code sends: the gateway reads the model out of 100 KB, not 90 bytes.
            phases.add(new Phase("cc-100k", ClaudeCodeSizedRequest.body(), 1));
            // A long answer: what the relay does per event, 300 times a request.
            phases.add(new Phase("long", BODY_STREAM_LONG, 1));
            List<String> phaseNames = names("headroom.gateway.phases");
            if (!phaseNames.isEmpty()) {
                phases.removeIf(p -> !phaseNames.contains(p.name()));
            }
            // Every phase once unmeasured before any is measured: a server's JIT compiler still
            // compiles for a load it has not yet seen (one client after sixteen) for 10-15 s, on
            // one of the two cores the measured requests need.
            Map<String, LoadBenchmark.Server> compiling = new java.util.HashMap<>();
            if (headroom != null) {
                compiling.put("Headroom", headroom);
            }
            if (volatileHeadroom != null) {
                compiling.put("fsync-off", volatileHeadroom);
            }
            if (variant != null) {
                compiling.put(variantName, variant);
            }
            for (Target t : targets) {
                run(http, t, BODY_PLAIN, 16, WARM_UP.dividedBy(2));
                run(http, t, BODY_STREAM, 16, WARM_UP.dividedBy(2));
                for (Phase phase : phases) {
                    run(http, t, phase.body(), phase.clients(), PHASE_WARM_UP);
                }
                if (compiling.containsKey(t.name())) {
                    untilCompiled(http, t, phases, compiling.get(t.name()));
                }
            }
            for (Phase phase : phases) {
                Result direct = null;
                double directCpu = 0;
                for (Target t : targets) {
                    double busyBefore = machineBusySeconds();
                    Result r = run(http, t, phase.body(), phase.clients(), PHASE);
                    // The machine's CPU per request: less noisy than a percentile, and what every
                    // process of the path cost, the client and the stand-in model included.
                    double cpu =
                            (machineBusySeconds() - busyBefore) / (r.rate() * PHASE.toSeconds());
                    if (t.name().equals("direct")) {
                        direct = r;
                        directCpu = cpu;
                    }
                    out.add(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%-9s %-7s %2d clients  %7.0f req/s  p50 %7.3f ms  p99 %7.3f ms  added p50 %+7.3f ms  p99 %+7.3f ms  cpu %5.0f us  added %+5.0f us  (%d errors)",
                                    t.name(),
                                    phase.name(),
                                    phase.clients(),
                                    r.rate(),
                                    r.p50(),
                                    r.p99(),
                                    r.p50() - direct.p50(),
                                    r.p99() - direct.p99(),
                                    cpu * 1e6,
                                    (cpu - directCpu) * 1e6,
                                    r.errors()));
                    r.errorKinds()
                            .forEach((kind, count) ->
                                    out.add(String.format("          %7d × %s", count, kind)));
                }
            }
            out.addAll(commitFloor());
        } finally {
            if (portkey != null) {
                portkey.destroy();
            }
            if (nginx != null) {
                nginx.destroy();
            }
            if (skeleton != null) {
                skeleton.destroy();
                skeleton.waitFor();
            }
            if (skeletonData != null) {
                LoadBenchmark.deleteTree(skeletonData);
            }
            model.stop(0);
        }
        Path result = Path.of("target/bench/gateway.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /**
     * Every phase again, a slice at a time, while a Headroom server's JIT compiler still works (up
     * to {@link LoadBenchmark#WARM_UP_MAX} in all), as {@link LoadBenchmark#warmUp} does: measured
     * by hand, Headroom's compiler worked through about 18,000 long answers, where the phases'
     * fixed warm-up gives each about 4,000 (BENCHMARKS.md), and the bare relays have far less to
     * compile.
     */
    private static void untilCompiled(
            HttpClient http, Target t, List<Phase> phases, LoadBenchmark.Server server)
            throws Exception {
        long started = System.nanoTime();
        LoadBenchmark.whileCompiling(
                new Api(server.base(), LoadBenchmark.OPERATOR),
                LoadBenchmark.WARM_UP_MAX,
                () -> {
                    for (Phase phase : phases) {
                        run(
                                http,
                                t,
                                phase.body(),
                                phase.clients(),
                                LoadBenchmark.WARM_UP_SLICE.dividedBy(phases.size()));
                    }
                });
        System.out.printf(
                "%s compiled after %d s more warm-up%n",
                t.name(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    // A row like the usage journal's, for the floors of a durable write (here and SkeletonGateway).
    static final String JOURNAL_TABLE =
            "create table journal (org_id text, request_id text, member_id text, model text,"
                    + " input_tokens bigint, output_tokens bigint, recorded_at timestamptz,"
                    + " primary key (org_id, request_id))";
    static final String JOURNAL_ROW =
            "insert into journal values ('org_1', ?, 'mem_1', 'claude-sonnet-4-5', 1200, 80, now())"
                    + " on conflict do nothing";

    /**
     * An embedded PostgreSQL for the journal-like row: set up as Headroom's default run (fsync,
     * synchronous commit and full-page writes on) when {@code durable}, else as its fsync-off one.
     */
    static io.zonky.test.db.postgres.embedded.EmbeddedPostgres journalPostgres(
            Path dir, boolean durable) throws java.io.IOException {
        return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setServerConfig("full_page_writes", "on")
                .start();
    }

    /**
     * What a gateway that writes durably before an answer's last bytes (issue 14, item 5) cannot go
     * below on this machine: one client inserting one row like the journal's and committing it, on
     * an embedded PostgreSQL configured as Headroom's default run (fsync, synchronous commit and
     * full-page writes on) and as its fsync-off server, for as long as a phase.
     */
    static List<String> commitFloor() throws Exception {
        List<String> lines = new ArrayList<>();
        for (boolean durable : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory("headroom-floor");
            try (var pg = journalPostgres(dir, durable);
                    java.sql.Connection c = pg.getPostgresDatabase().getConnection()) {
                c.createStatement().execute(JOURNAL_TABLE);
                var insert = c.prepareStatement(JOURNAL_ROW);
                long warmEnd = System.nanoTime() + PHASE_WARM_UP.toNanos();
                long end = warmEnd + PHASE.toNanos();
                long[] samples = new long[1 << 22];
                int n = 0;
                for (long i = 0; System.nanoTime() < end && n < samples.length; i++) {
                    long start = System.nanoTime();
                    insert.setString(1, "req_" + i);
                    insert.executeUpdate();
                    if (start > warmEnd) {
                        samples[n++] = System.nanoTime() - start;
                    }
                }
                long[] taken = Arrays.copyOf(samples, n);
                Arrays.sort(taken);
                lines.add(
                        String.format(
                                java.util.Locale.ROOT,
                                "floor     commit   1 clients  %7.0f commits/s  p50 %7.3f ms  p99 %7.3f ms  (one row inserted and committed, fsync %s)",
                                n / (PHASE.toNanos() / 1e9),
                                percentile(taken, 0.50) / 1e6,
                                percentile(taken, 0.99) / 1e6,
                                durable ? "on" : "off"));
            } finally {
                // Removed on close, unless the start failed.
                if (Files.exists(dir)) {
                    LoadBenchmark.deleteTree(dir);
                }
            }
        }
        return lines;
    }

    /**
     * nginx as a plain reverse proxy: nothing buffered either way, kept-alive connections on both
     * sides (as Headroom keeps them), no log per request.
     */
    static Path nginxConfig(int port, int modelPort) throws java.io.IOException {
        Path dir = Files.createTempDirectory("nginx-bench");
        Files.setPosixFilePermissions(
                dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(
                conf,
                """
                worker_processes 2;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  keepalive_requests 10000000;
                  upstream model {
                    server 127.0.0.1:%3$d;
                    keepalive 128;
                    keepalive_requests 10000000;
                  }
                  server {
                    listen 127.0.0.1:%2$d;
                    client_max_body_size 10m;
                    location / {
                      proxy_pass http://model;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_request_buffering off;
                    }
                  }
                }
                """
                        .formatted(dir, port, modelPort));
        return conf;
    }

    /**
     * {@code main} of this class path as a process of its own with a 1 GiB heap, its output in
     * {@code log} (the floors: {@link SkeletonGateway}, {@link SkeletonSettlement}).
     */
    static Process javaProcess(Class<?> main, Path log, String... args) throws java.io.IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-Xmx1g",
                                "-cp",
                                System.getProperty("java.class.path"),
                                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens on port " + port);
                }
                Thread.sleep(50);
            }
        }
    }

    /** The CPU time every core of this machine has spent busy since boot (Linux's /proc/stat). */
    static double machineBusySeconds() throws java.io.IOException {
        String[] ticks = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = 0;
        // user nice system idle iowait irq softirq steal: user to system, irq and softirq are
        // work done here (idle and iowait are not, steal is the host's).
        for (int i : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(ticks[i]);
        }
        return busy / 100.0; // USER_HZ, 100 on Linux
    }

    /** A seat-based org whose upstream is {@code modelUrl}, and its member's key. */
    static String memberKey(LoadBenchmark.Server headroom, String modelUrl) {
        Api operator = new Api(headroom.base(), LoadBenchmark.OPERATOR);
        String org =
                operator.post(
                                "/api/v1/orgs",
                                Map.of("name", "Gateway bench", "plan", "ENTERPRISE_SEAT"))
                        .text("id");
        operator.put(
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
                                        "100000000"))));
        operator.put(
                "/api/v1/orgs/" + org + "/gateway",
                Map.of("upstreamUrl", modelUrl, "upstreamKey", "sk-bench"));
        String member =
                operator.post(
                                "/api/v1/orgs/" + org + "/members",
                                Map.of(
                                        "email",
                                        "bench@gateway.example",
                                        "name",
                                        "Bench",
                                        "seatType",
                                        "STANDARD"))
                        .text("id");
        return operator.post(
                        "/api/v1/orgs/" + org + "/keys",
                        Map.of("role", "MEMBER", "memberId", member))
                .text("key");
    }

    /**
     * A phase's outcome on one target: requests per second, p50 and p99 in ms, how many answers
     * were wrong, and what they were — status and Anthropic error type, an {@code error} event in a
     * stream, or the exception of a dropped connection — so an error count can be told apart from a
     * failure of the stand-in's.
     */
    record Result(double rate, double p50, double p99, long errors, Map<String, Long> errorKinds) {}

    /** The comma-separated names of a system property; none when it is unset. */
    static List<String> names(String property) {
        return List.of(System.getProperty(property, "").split(",")).stream()
                .filter(name -> !name.isBlank())
                .toList();
    }

    /** The value below which {@code q} of the sorted samples lie. */
    static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
    }

    /** {@code clients} closed loops for {@code length}. */
    static Result run(HttpClient http, Target t, String body, int clients, Duration length)
            throws Exception {
        long end = System.nanoTime() + length.toNanos();
        Map<String, Long> kinds = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<Future<long[]>> loops = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                loops.add(
                        pool.submit(() -> {
                            long[] samples = new long[1 << 20];
                            int n = 0;
                            while (System.nanoTime() < end && n < samples.length) {
                                HttpRequest.Builder request =
                                        HttpRequest.newBuilder(URI.create(t.url()))
                                                .header("Content-Type", "application/json")
                                                .header("anthropic-version", "2023-06-01")
                                                .POST(HttpRequest.BodyPublishers.ofString(body));
                                t.headers().forEach(request::header);
                                long start = System.nanoTime();
                                String wrong;
                                try {
                                    HttpResponse<String> answer =
                                            http.send(
                                                    request.build(),
                                                    HttpResponse.BodyHandlers.ofString());
                                    wrong = wrongAnswer(answer.statusCode(), answer.body());
                                } catch (java.io.IOException dropped) {
                                    wrong = "no answer: " + dropped;
                                }
                                samples[n++] = System.nanoTime() - start;
                                if (wrong != null) {
                                    kinds.merge(wrong, 1L, Long::sum);
                                }
                            }
                            return Arrays.copyOf(samples, n);
                        }));
            }
        }
        int total = 0;
        for (Future<long[]> loop : loops) {
            total += loop.get().length;
        }
        long[] all = new long[total];
        int at = 0;
        for (Future<long[]> loop : loops) {
            long[] r = loop.get();
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        Arrays.sort(all);
        long errors = kinds.values().stream().mapToLong(Long::longValue).sum();
        return new Result(
                total / (length.toNanos() / 1e9),
                percentile(all, 0.50) / 1e6,
                percentile(all, 0.99) / 1e6,
                errors,
                kinds);
    }

    /** {@code null} for the stand-in's answer, else what came instead, in a few words. */
    static String wrongAnswer(int status, String body) {
        if (status == 200 && body.contains("Hello") && !body.contains("event: error")) {
            return null;
        }
        java.util.regex.Matcher error =
                java.util.regex.Pattern.compile(
                                "\"error\":\\{\"type\":\"([a-z_]+)\",\"message\":\"([^\"]{0,80})")
                        .matcher(body);
        String what =
                error.find()
                        ? error.group(1) + " \"" + error.group(2) + "\""
                        : body.substring(0, Math.min(80, body.length())).replace('\n', ' ');
        return status + (body.contains("event: error") ? " then an error event: " : ": ") + what;
    }
}
