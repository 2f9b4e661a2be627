package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.bench.LoadBenchmark.Server;
import dev.headroom.bench.LoadBenchmark.Target;
import dev.headroom.support.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 5: the hot path on an external PostgreSQL (the production shape: its own server
 * process, default settings, fsync and synchronous commit on), with one Headroom node and with
 * three on the same database, against the HTTP floor of the same run and pgbench's naive
 * three-statement settlement on the same PostgreSQL; the Redis Lua baseline beside them. The
 * settlement floor ({@link SkeletonSettlement}; {@code -Dheadroom.load.floors=false} leaves it out)
 * says what any settlement server on this stack could reach against the same pgbench.
 *
 * <p>Not part of {@code ./test.sh}: run {@code bench/nodes.sh}; results in {@code
 * target/bench/nodes.txt}.
 */
class NodesLoadBenchmark {
    static final Path PG =
            Path.of(System.getProperty("headroom.load.pg-bin", "/usr/lib/postgresql/15/bin"));

    /** The PostgreSQL that the benchmark runs, as it names itself ("PostgreSQL 15.14"). */
    static String postgresVersion() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(PG.resolve("postgres").toString(), "--version")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.replaceFirst("^postgres \\(PostgreSQL\\) ", "PostgreSQL ");
    }

    /** A PostgreSQL server of its own, as an operator would run it; removed at the end. */
    record Postgres(Path data, int port) implements AutoCloseable {
        static Postgres start() throws Exception {
            Path data = Files.createTempDirectory("headroom-pg");
            if (AS_ROOT) {
                exec("chown", "postgres", data.toString());
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            server(
                    PG.resolve("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust");
            // Default settings, but for connections: three nodes hold 40 each. A profile may add
            // its own (headroom.load.pg-options: pg_stat_statements, auto_explain).
            server(
                    PG.resolve("pg_ctl").toString(),
                    "-D",
                    data.toString(),
                    "-l",
                    data.resolve("server.log").toString(),
                    "-o",
                    "-p "
                            + port
                            + " -c max_connections=300 -k "
                            + data
                            + " "
                            + System.getProperty("headroom.load.pg-options", ""),
                    "-w",
                    "start");
            return new Postgres(data, port);
        }

        String createDatabase(String name) throws Exception {
            client("createdb", name);
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
        }

        /** Runs one of PostgreSQL's client programs against this server as its superuser. */
        String client(String program, String... args) throws Exception {
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    PG.resolve(program).toString(),
                                    "-h",
                                    "127.0.0.1",
                                    "-p",
                                    "" + port,
                                    "-U",
                                    "postgres"));
            command.addAll(List.of(args));
            return exec(command.toArray(String[]::new));
        }

        /** The server's arguments for {@code url}, and any of {@code headroom.load.server-args}. */
        String[] serverArgs(String url) {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--spring.datasource.url=" + url,
                                    "--spring.datasource.username=postgres"));
            String more = System.getProperty("headroom.load.server-args", "").trim();
            if (!more.isEmpty()) {
                args.addAll(List.of(more.split(" +")));
            }
            return args.toArray(String[]::new);
        }

        @Override
        public void close() throws Exception {
            server(
                    PG.resolve("pg_ctl").toString(),
                    "-D",
                    data.toString(),
                    "-m",
                    "fast",
                    "-w",
                    "stop");
            LoadBenchmark.deleteTree(data);
        }
    }

    @Test
    void nodes() throws Exception {
        HttpClient http = LoadBenchmark.client();
        AtomicLong ids = new AtomicLong();
        List<String> out = new ArrayList<>();
        out.add(
                LoadBenchmark.header(
                        ", external "
                                + postgresVersion()
                                + " (default settings, max_connections=300)"));
        try (Postgres pg = Postgres.start()) {
            String hotNaive = pgbench(pg, true, true);
            String manyNaive = pgbench(pg, false, true);
            // Whether the naive transaction waits on its commits here: what group commit saves.
            String hotNaiveFsyncOff = pgbench(pg, true, false);
            String manyNaiveFsyncOff = pgbench(pg, false, false);

            List<String> one;
            try (Server node = Server.start(pg.serverArgs(pg.createDatabase("one")))) {
                one = phases(List.of(node.base()), http, ids, "1 node");
            }
            List<String> floors =
                    Boolean.parseBoolean(System.getProperty("headroom.load.floors", "true"))
                            ? settlementFloors(pg, http, ids)
                            : List.of();
            List<String> three = List.of();
            if (!Boolean.getBoolean("headroom.load.one-node-only")) {
                String url = pg.createDatabase("three");
                try (Server a = Server.start(pg.serverArgs(url));
                        Server b = Server.start(pg.serverArgs(url));
                        Server c = Server.start(pg.serverArgs(url))) {
                    three = phases(List.of(a.base(), b.base(), c.base()), http, ids, "3 nodes");
                }
            }
            out.add(hotNaive);
            out.add(manyNaive);
            out.add(hotNaiveFsyncOff);
            out.add(manyNaiveFsyncOff);
            out.addAll(one);
            out.addAll(three);
            for (List<String> phases : three.isEmpty() ? List.of(one) : List.of(one, three)) {
                String floor = phases.get(0);
                out.add(
                        label(floor)
                                + ": admissions / HTTP floor: 1 org "
                                + LoadBenchmark.ratio(phases.get(1), floor)
                                + ", 100 orgs "
                                + LoadBenchmark.ratio(phases.get(2), floor)
                                + "; single settlements / pgbench naive: 1 org "
                                + LoadBenchmark.ratio(phases.get(3), hotNaive)
                                + ", 100 orgs "
                                + LoadBenchmark.ratio(phases.get(4), manyNaive));
            }
            wrkRatios(one, hotNaive, manyNaive).ifPresent(out::add);
            out.addAll(floors);
            for (String floor : floors) {
                if (floor.contains("req/s")) {
                    out.add(
                            floor.substring(0, floor.indexOf("  ")).trim()
                                    + " / pgbench naive: "
                                    + LoadBenchmark.ratio(
                                            floor,
                                            floor.contains("1 org x") ? hotNaive : manyNaive));
                }
            }
        }
        if (!Boolean.getBoolean("headroom.load.one-node-only")) {
            out.addAll(LoadBenchmark.redisBaseline(ids));
        }
        Path result = Path.of("target/bench/nodes.txt");
        Files.createDirectories(result.getParent());
        Files.write(result, out);
        out.forEach(System.out::println);
    }

    /**
     * {@link SkeletonSettlement} in its four modes on the same PostgreSQL, driven as Headroom's
     * single reports are (Java clients, then {@code wrk} when it runs): what the least settlement
     * server on this stack settles per second, the ceiling any design of Headroom's could reach.
     */
    private static List<String> settlementFloors(Postgres pg, HttpClient http, AtomicLong ids)
            throws Exception {
        Target hot = syntheticOrg(0, 1_000);
        List<Target> many = new ArrayList<>();
        for (int o = 1; o <= 100; o++) {
            many.add(syntheticOrg(o, 10));
        }
        List<String> lines = new ArrayList<>();
        String only = System.getProperty("headroom.load.only", "");
        boolean wrk = Boolean.getBoolean("headroom.load.wrk") && WrkLoad.available();
        for (String mode : List.of("journal", "counters", "rows", "deferred")) {
            try (Skeleton floor = Skeleton.start(pg.createDatabase("floor_" + mode), mode)) {
                String name = "floor, " + mode + ": POST /usage, ";
                // Its JIT warmed as Headroom's is, by the same requests.
                LoadBenchmark.run(
                        "warm-up",
                        FLOOR_WARM_UP,
                        LoadBenchmark.request(
                                http, i -> LoadBenchmark.overOrgs(floor.base(), many, ids, i, 1)));
                lines.add(
                        LoadBenchmark.run(
                                name + "1 org x 1,000",
                                http,
                                i ->
                                        LoadBenchmark.usage(
                                                floor.base(), hot, ids.incrementAndGet(), i, 1)));
                lines.add(
                        LoadBenchmark.run(
                                name + "100 orgs x 10",
                                http,
                                i -> LoadBenchmark.overOrgs(floor.base(), many, ids, i, 1)));
                if (wrk && ("POST /usage, 1 org".contains(only) || only.isEmpty())) {
                    lines.add(
                            WrkLoad.usage(
                                    "floor, " + mode + ", wrk: POST /usage, 1 org x 1,000",
                                    floor.base(),
                                    List.of(hot)));
                }
                if (wrk && ("POST /usage, 100 orgs".contains(only) || only.isEmpty())) {
                    lines.add(
                            WrkLoad.usage(
                                    "floor, " + mode + ", wrk: POST /usage, 100 orgs x 10",
                                    floor.base(),
                                    many));
                }
            }
        }
        lines.removeIf(l -> l.contains("not run"));
        return lines;
    }

    // Less than Headroom's: the floor's little code is compiled in seconds.
    private static final java.time.Duration FLOOR_WARM_UP = java.time.Duration.ofSeconds(15);

    private static Target syntheticOrg(int org, int members) {
        List<String> ids = new ArrayList<>();
        for (int m = 1; m <= members; m++) {
            ids.add("mem_" + m);
        }
        return new Target("org_" + org, "unused", ids);
    }

    /**
     * {@link SkeletonSettlement} as its own process on {@code url}; stopped and removed at close.
     */
    record Skeleton(Process process, String base, Path data) implements AutoCloseable {
        static Skeleton start(String url, String mode) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path data = Files.createTempDirectory("headroom-load-floor");
            Process p =
                    GatewayBenchmark.javaProcess(
                            SkeletonSettlement.class,
                            data.resolve("floor.log"),
                            "" + port,
                            url,
                            mode,
                            data.toString());
            GatewayBenchmark.awaitListening(port);
            return new Skeleton(p, "http://127.0.0.1:" + port, data);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            LoadBenchmark.deleteTree(data);
        }
    }

    /** The admissions and single settlements {@link WrkLoad} drove, as ratios, when it ran. */
    private static java.util.Optional<String> wrkRatios(
            List<String> phases, String hotNaive, String manyNaive) {
        java.util.function.Function<String, java.util.Optional<String>> phase =
                name -> phases.stream().filter(p -> p.contains("wrk: " + name)).findFirst();
        java.util.Optional<String> floor = phase.apply("HTTP floor");
        if (floor.isEmpty()) {
            return java.util.Optional.empty();
        }
        java.util.function.BiFunction<String, String, String> ratio =
                (name, base) ->
                        phase.apply(name).map(p -> LoadBenchmark.ratio(p, base)).orElse("?");
        return java.util.Optional.of(
                "1 node, wrk: admissions / HTTP floor: 1 org "
                        + ratio.apply("admissions, 1 org", floor.get())
                        + ", 100 orgs "
                        + ratio.apply("admissions, 100 orgs", floor.get())
                        + "; single settlements / pgbench naive: 1 org "
                        + ratio.apply("POST /usage, 1 org", hotNaive)
                        + ", 100 orgs "
                        + ratio.apply("POST /usage, 100 orgs", manyNaive));
    }

    private static String label(String phase) {
        return phase.substring(0, phase.indexOf(':'));
    }

    /**
     * The phases with every request sent to one of {@code bases} in turn; orgs made through the
     * first. The first five lines are the floor, admissions of one and of 100 orgs, and single
     * settlements of one and of 100 orgs (the ratios read them in that order).
     */
    private static List<String> phases(
            List<String> bases, HttpClient http, AtomicLong ids, String label) throws Exception {
        Api operator = new Api(bases.getFirst(), LoadBenchmark.OPERATOR);
        Target hot = LoadBenchmark.org(operator, 1_000);
        List<Target> many = LoadBenchmark.orgs(operator);
        for (String base : bases) {
            LoadBenchmark.warmUp(http, base, new Api(base, LoadBenchmark.OPERATOR), ids);
        }
        int n = bases.size();
        List<String> phases = new ArrayList<>();
        phases.addAll(
                List.of(
                        LoadBenchmark.run(
                                label + ": HTTP floor: GET /ping",
                                http,
                                i -> LoadBenchmark.get(bases.get(i % n) + "/ping")),
                        LoadBenchmark.run(
                                label + ": admissions, 1 org x 1,000",
                                http,
                                i -> LoadBenchmark.admission(bases.get(i % n), hot, i / n)),
                        LoadBenchmark.run(
                                label + ": admissions, 100 orgs x 10",
                                http,
                                i ->
                                        LoadBenchmark.admission(
                                                bases.get(i % n),
                                                many.get((i / n) % 100),
                                                i / n / 100)),
                        LoadBenchmark.run(
                                label + ": POST /usage, 1 org x 1,000",
                                http,
                                i ->
                                        LoadBenchmark.usage(
                                                bases.get(i % n),
                                                hot,
                                                ids.incrementAndGet(),
                                                i / n,
                                                1)),
                        LoadBenchmark.run(
                                label + ": POST /usage, 100 orgs x 10",
                                http,
                                i -> LoadBenchmark.overOrgs(bases.get(i % n), many, ids, i / n, 1)),
                        LoadBenchmark.run(
                                label + ": POST /usage:batch of 100, 100 orgs (per event)",
                                http,
                                i ->
                                        LoadBenchmark.overOrgs(
                                                bases.get(i % n),
                                                many,
                                                ids,
                                                i / n,
                                                LoadBenchmark.BATCH))));
        String only = System.getProperty("headroom.load.only", "");
        if (n == 1 && Boolean.getBoolean("headroom.load.wrk") && WrkLoad.available()) {
            phases.add(WrkLoad.floor(label + ", wrk: HTTP floor: GET /ping", bases.getFirst()));
            if ("admissions".contains(only) || only.isEmpty()) {
                phases.add(
                        WrkLoad.admissions(
                                label + ", wrk: admissions, 1 org x 1,000",
                                bases.getFirst(),
                                List.of(hot)));
                phases.add(
                        WrkLoad.admissions(
                                label + ", wrk: admissions, 100 orgs x 10",
                                bases.getFirst(),
                                many));
            }
            if ("POST /usage, 1 org".contains(only) || only.isEmpty()) {
                phases.add(
                        WrkLoad.usage(
                                label + ", wrk: POST /usage, 1 org x 1,000",
                                bases.getFirst(),
                                List.of(hot)));
            }
            if ("POST /usage, 100 orgs".contains(only) || only.isEmpty()) {
                phases.add(
                        WrkLoad.usage(
                                label + ", wrk: POST /usage, 100 orgs x 10",
                                bases.getFirst(),
                                many));
            }
        }
        return phases;
    }

    /**
     * pgbench's naive settlement on the same PostgreSQL: per report one transaction of three
     * statements (the event, the member's spend, the org's spend), as the issue measured it. Not
     * {@code durable}: with fsync and synchronous commit off for its run, so that the two runs
     * together say how much of the naive transaction's time is its commit's flush — the part a
     * group commit shares out.
     */
    private static String pgbench(Postgres pg, boolean hot, boolean durable) throws Exception {
        String db = (hot ? "naive_hot" : "naive_many") + (durable ? "" : "_fsync_off");
        pg.createDatabase(db);
        int orgs = hot ? 1 : 100;
        int members = hot ? 1_000 : 10;
        psql(
                pg,
                db,
                """
                create table event (org_id text, request_id text, member_id int, cost_nanos bigint,
                  primary key (org_id, request_id));
                create table member_spend (org_id text, member_id int, extra_nanos bigint,
                  primary key (org_id, member_id));
                create table org_spend (org_id text primary key, extra_nanos bigint);
                insert into org_spend select 'o' || o, 0 from generate_series(1, %d) o;
                insert into member_spend select 'o' || o, m, 0
                  from generate_series(1, %d) o, generate_series(1, %d) m;
                """
                        .formatted(orgs, orgs, members));
        Path script = Files.createTempFile("naive", ".sql");
        Files.writeString(
                script,
                """
                \\set o random(1, %d)
                \\set m random(1, %d)
                begin;
                insert into event values ('o' || :o, gen_random_uuid()::text, :m, 1000);
                update member_spend set extra_nanos = extra_nanos + 1000 where org_id = 'o' || :o and member_id = :m;
                update org_spend set extra_nanos = extra_nanos + 1000 where org_id = 'o' || :o;
                end;
                """
                        .formatted(orgs, members));
        if (!durable) {
            durability(pg, "off");
        }
        double busyBefore;
        double busyAfter;
        String output;
        // Set back whatever happens: every phase after this one must run with fsync on.
        try {
            busyBefore = GatewayBenchmark.machineBusySeconds();
            output =
                    pg.client(
                            "pgbench",
                            "-n",
                            "-c",
                            "" + LoadBenchmark.CLIENTS,
                            "-j",
                            "2",
                            "-T",
                            "" + LoadBenchmark.PHASE.toSeconds(),
                            "-f",
                            script.toString(),
                            db);
            busyAfter = GatewayBenchmark.machineBusySeconds();
            Files.delete(script);
        } finally {
            if (!durable) {
                durability(pg, "on");
            }
        }
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
        Matcher latency = Pattern.compile("latency average = ([0-9.]+) ms").matcher(output);
        assertThat(tps.find()).as(output).isTrue();
        assertThat(latency.find()).as(output).isTrue();
        double rate = Double.parseDouble(tps.group(1));
        // The machine's only: pgbench's connections have exited, and their time with them.
        double cpu = (busyAfter - busyBefore) / (rate * LoadBenchmark.PHASE.toSeconds());
        return String.format(
                Locale.ROOT,
                "%-46s %9.0f req/s  latency average %6.2f ms  cpu/req %4.0f us (the machine's)",
                "pgbench naive settlement, "
                        + (hot ? "1 org x 1,000" : "100 orgs x 10")
                        + (durable ? "" : ", fsync off"),
                rate,
                Double.parseDouble(latency.group(1)),
                cpu * 1e6);
    }

    /** Turns fsync and synchronous commit on or off for the whole server, at once. */
    private static void durability(Postgres pg, String onOrOff) throws Exception {
        for (String sql :
                List.of(
                        "alter system set fsync = " + onOrOff,
                        "alter system set synchronous_commit = " + onOrOff,
                        "select pg_reload_conf()")) {
            psql(pg, "postgres", sql);
        }
    }

    private static void psql(Postgres pg, String db, String sql) throws Exception {
        pg.client("psql", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql, db);
    }

    // PostgreSQL refuses to run as root; as root, its server programs run as the user postgres.
    static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"));

    private static String server(String... command) throws IOException, InterruptedException {
        if (!AS_ROOT) {
            return exec(command);
        }
        List<String> as = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        as.addAll(List.of(command));
        return exec(as.toArray(String[]::new));
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
