package dev.headroom.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Pipeline;

/**
 * The load benchmark's third baseline (issue 6): Headroom's admission and settlement of a
 * seat-based member as two Lua scripts on a local {@code redis-server} ({@code bench/admit.lua},
 * {@code bench/settle.lua}), called by the same closed-loop clients over a connection pool — what
 * many teams build in front of a model API. Without persistence it is not durable; with {@code
 * appendfsync always} it fsyncs every write, like Headroom's commits.
 */
final class RedisBaseline implements AutoCloseable {
    static final String NOW_MS =
            Long.toString(Instant.parse("2027-01-10T12:00:00Z").toEpochMilli());
    // The STANDARD seat's windows and claude-sonnet-4-5's token prices, in nanos, as the server has
    // them, so that both baselines split the same usage the same way.
    static final List<String> WINDOWS =
            List.of("5000000000", "18000000", "40000000000", "604800000");
    static final String INPUT_PRICE = "3000";
    static final String OUTPUT_PRICE = "15000";

    private final Process process;
    private final Path dir;
    private final JedisPool pool;
    private final String admitSha;
    private final String settleSha;

    private RedisBaseline(Process process, Path dir, JedisPool pool) throws IOException {
        this.process = process;
        this.dir = dir;
        this.pool = pool;
        try (Jedis jedis = pool.getResource()) {
            admitSha = jedis.scriptLoad(script("admit.lua"));
            settleSha = jedis.scriptLoad(script("settle.lua"));
        }
    }

    /** Whether {@code redis-server} is on this machine ({@code bench/load.sh} installs it). */
    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    /** A fresh {@code redis-server}; {@code fsyncEveryWrite} turns on the append-only file. */
    static RedisBaseline start(boolean fsyncEveryWrite, int clients)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("headroom-redis");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "/usr/bin/redis-server",
                                "--port",
                                Integer.toString(port),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                dir.toString(),
                                "--save",
                                "",
                                "--appendonly",
                                fsyncEveryWrite ? "yes" : "no"));
        if (fsyncEveryWrite) {
            command.addAll(List.of("--appendfsync", "always"));
        }
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile())
                        .start();
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(clients);
        config.setMaxIdle(clients);
        JedisPool pool = new JedisPool(config, "127.0.0.1", port);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Jedis jedis = pool.getResource()) {
                jedis.ping();
                return new RedisBaseline(process, dir, pool);
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    process.destroy();
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    /** An org with extra usage enabled and no limits, like the server's load orgs. */
    void enableExtraUsage(String org) {
        try (Jedis jedis = pool.getResource()) {
            jedis.hset("o:" + org, "enabled", "1");
        }
    }

    /** One admission; true when the script answered with a decision. */
    boolean admit(String org, String member) {
        try (Jedis jedis = pool.getResource()) {
            Object decision =
                    jedis.evalsha(
                            admitSha, List.of("o:" + org, "m:" + org + ":" + member), admitArgs());
            return decision instanceof String s && s.startsWith("ALLOWED");
        }
    }

    /** One settlement; true when it was settled (not a duplicate, not refused). */
    boolean settle(String org, String member, String requestId) {
        try (Jedis jedis = pool.getResource()) {
            return jedis.evalsha(
                            settleSha, settleKeys(org, member, requestId), settleArgs(requestId))
                    instanceof List<?>;
        }
    }

    /** A batch of settlements, sent as one pipeline (one round trip; each script still atomic). */
    boolean settleBatch(String org, List<String> members, List<String> requestIds) {
        try (Jedis jedis = pool.getResource()) {
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < requestIds.size(); i++) {
                pipeline.evalsha(
                        settleSha,
                        settleKeys(org, members.get(i), requestIds.get(i)),
                        settleArgs(requestIds.get(i)));
            }
            return pipeline.syncAndReturnAll().stream().allMatch(r -> r instanceof List<?>);
        }
    }

    private static List<String> admitArgs() {
        List<String> args = new ArrayList<>(5);
        args.add(NOW_MS);
        args.addAll(WINDOWS);
        return args;
    }

    private static List<String> settleKeys(String org, String member, String requestId) {
        return List.of(
                "o:" + org, "m:" + org + ":" + member, "r:" + org + ":" + requestId, "e:" + org);
    }

    private static List<String> settleArgs(String requestId) {
        List<String> args = new ArrayList<>(10);
        args.addAll(List.of(NOW_MS, "h" + requestId, "1200", "800", INPUT_PRICE, OUTPUT_PRICE));
        args.addAll(WINDOWS);
        return args;
    }

    private static String script(String name) throws IOException {
        try (InputStream in = RedisBaseline.class.getResourceAsStream("/bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        pool.close();
        process.destroy();
        process.waitFor();
        LoadBenchmark.deleteTree(dir);
    }
}
