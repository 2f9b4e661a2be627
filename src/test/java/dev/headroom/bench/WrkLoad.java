package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.bench.LoadBenchmark.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The same phases driven by {@code wrk} (C, two threads) instead of the Java clients, whose own
 * share of the two cores was 0.3–0.6 of a core: what the server and PostgreSQL do when the clients
 * cost little, as pgbench's client costs little (issue 15, item 5). Only when {@code /usr/bin/wrk}
 * is there ({@code apt-get install wrk}).
 */
final class WrkLoad {
    private static final Path WRK = Path.of("/usr/bin/wrk");

    private WrkLoad() {}

    static boolean available() {
        return Files.isExecutable(WRK);
    }

    /** {@code GET /ping} from {@code base}. */
    static String floor(String name, String base) throws Exception {
        return run(name, base, "function request() return wrk.format('GET', '/ping') end\n");
    }

    /**
     * Single usage reports, each with a request id of its own, to the orgs in turn and to each
     * org's members in turn, as {@link LoadBenchmark#overOrgs} sends them.
     */
    static String usage(String name, String base, List<Target> orgs) throws Exception {
        return posts(
                name,
                base,
                orgs,
                "/api/v1/usage",
                """
                '{"requestId":"wrk-' .. run .. '-' .. tid .. '-' .. n .. '","orgId":"'
                    .. t.org .. '","memberId":"' .. m
                    .. '","product":"CLAUDE_CODE","model":"claude-sonnet-4-5","timestamp":"2027-01-10T12:00:00Z",'
                    .. '"usage":{"input_tokens":1200,"output_tokens":800}}'\
                """);
    }

    /** Admissions to the orgs in turn and to each org's members in turn, as {@link #usage}. */
    static String admissions(String name, String base, List<Target> orgs) throws Exception {
        return posts(
                name,
                base,
                orgs,
                "/api/v1/admissions",
                """
                '{"orgId":"' .. t.org .. '","memberId":"' .. m
                    .. '","product":"CLAUDE_CODE","model":"claude-sonnet-4-5"}'\
                """);
    }

    /** POSTs to {@code path} of the body that the Lua expression {@code body} makes. */
    private static String posts(
            String name, String base, List<Target> orgs, String path, String body)
            throws Exception {
        String targets =
                orgs.stream()
                        .map(t ->
                                "{org='"
                                        + t.org()
                                        + "', key='"
                                        + t.service()
                                        + "', members={"
                                        + t.members().stream()
                                                .map(m -> "'" + m + "'")
                                                .collect(Collectors.joining(","))
                                        + "}}")
                        .collect(Collectors.joining(",\n"));
        String script =
                """
                local targets = {%s}
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("tid", threads)
                end
                function init(args)
                  n = 0
                  run = tostring(os.time()) .. "-" .. tostring(math.random(1000000000))
                end
                function request()
                  n = n + 1
                  local t = targets[(n %% #targets) + 1]
                  local m = t.members[(math.floor(n / #targets) %% #t.members) + 1]
                  local body = %s
                  return wrk.format("POST", "%s",
                    {["Authorization"] = "Bearer " .. t.key, ["Content-Type"] = "application/json"}, body)
                end
                """
                        .formatted(targets, body, path);
        return run(name, base, script);
    }

    /** A 3 s warm-up, then the phase; the line in {@link LoadBenchmark}'s shape. */
    private static String run(String name, String base, String script) throws Exception {
        Path file = Files.createTempFile("wrk", ".lua");
        Files.writeString(file, script);
        try {
            wrk(base, file, 3);
            CpuTime cpu = CpuTime.now();
            String out = wrk(base, file, LoadBenchmark.PHASE.toSeconds());
            assertThat(out).as(name + ": every answer a 200").doesNotContain("Non-2xx");
            double rate = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)"));
            return String.format(
                    "%-46s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %s",
                    name,
                    rate,
                    millis(find(out, "\\s50%\\s+([0-9.]+\\w+)")),
                    millis(find(out, "\\s99%\\s+([0-9.]+\\w+)")),
                    // wrk's own time is in "rest": it has exited when the snapshot is taken
                    cpu.since(rate * LoadBenchmark.PHASE.toSeconds(), "req"));
        } finally {
            Files.delete(file);
        }
    }

    private static String wrk(String base, Path script, long seconds) throws Exception {
        Process p =
                new ProcessBuilder(
                                WRK.toString(),
                                "-t2",
                                "-c" + LoadBenchmark.CLIENTS,
                                "-d" + seconds + "s",
                                "--latency",
                                "-s",
                                script.toString(),
                                base)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(seconds + 30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static String find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("%s in %s", regex, out).isTrue();
        return m.group(1);
    }

    /** wrk's durations ("812.00us", "1.23ms", "2.00s") in milliseconds. */
    static double millis(String duration) {
        Matcher m = Pattern.compile("([0-9.]+)(us|ms|s)").matcher(duration);
        assertThat(m.matches()).as(duration).isTrue();
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            default -> value * 1000;
        };
    }
}
