package dev.headroom.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The least a settlement server on Headroom's stack can cost per single usage report on this
 * machine (issue 15, item 5): Tomcat on virtual threads, the report's JSON read with Jackson, and
 * its row made durable by group commit — every report waiting at that moment, of any org, written
 * by one statement in one transaction on an external PostgreSQL with fsync on, the report answered
 * after the commit. In mode {@code journal} that is all (one row per report, as a design that
 * applies counters later would write); in mode {@code counters} the same statement also adds each
 * report's cost to its member's and its org's spend (upserts, summed per key), as pgbench's naive
 * transaction does per report. No key, no admission, no split, no windows, no caps, no refusal, no
 * announcement to other nodes: {@link NodesLoadBenchmark} runs it beside Headroom and pgbench, so
 * whether 3× pgbench is reachable by any design on this stack and host is measured, not argued.
 *
 * <p>Arguments: the port to listen on, a JDBC URL (user postgres), the mode, a data directory.
 */
public final class SkeletonSettlement {
    static final String SCHEMA =
            """
            create table if not exists journal (org_id text, request_id text, member_id text,
              cost_nanos bigint, recorded_at timestamptz default now(),
              primary key (org_id, request_id));
            create table if not exists member_spend (org_id text, member_id text, extra_nanos bigint,
              primary key (org_id, member_id));
            create table if not exists org_spend (org_id text primary key, extra_nanos bigint);
            """;

    // Idempotent by (org, request id) as Headroom's event is; one statement for the whole group.
    private static final String JOURNAL =
            """
            insert into journal (org_id, request_id, member_id, cost_nanos)
            select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[])
            on conflict do nothing
            """;

    // The counters from the rows the journal took (a repeated report adds nothing), summed per key
    // and in key order, so two committers lock rows in one order.
    private static final String JOURNAL_AND_COUNTERS =
            """
            with e as (
              insert into journal (org_id, request_id, member_id, cost_nanos)
              select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[])
              on conflict do nothing
              returning org_id, member_id, cost_nanos),
            m as (
              insert into member_spend
              select org_id, member_id, sum(cost_nanos) from e
              group by org_id, member_id order by org_id, member_id
              on conflict (org_id, member_id)
              do update set extra_nanos = member_spend.extra_nanos + excluded.extra_nanos)
            insert into org_spend
            select org_id, sum(cost_nanos) from e group by org_id order by org_id
            on conflict (org_id) do update set extra_nanos = org_spend.extra_nanos + excluded.extra_nanos
            """;

    private static final int COMMITTERS = 2;
    private static final int MAX_GROUP = 256;

    private SkeletonSettlement() {}

    record Report(
            String org,
            String requestId,
            String member,
            long costNanos,
            CompletableFuture<Void> done) {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String url = args[1];
        boolean counters =
                switch (args[2]) {
                    case "journal" -> false;
                    case "counters" -> true;
                    default ->
                            throw new IllegalArgumentException(
                                    "mode journal or counters: " + args[2]);
                };
        Path data = Path.of(args[3]);
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.createStatement().execute(SCHEMA);
        }
        BlockingQueue<Report> queue = new ArrayBlockingQueue<>(4_096);
        for (int i = 0; i < COMMITTERS; i++) {
            Connection c = DriverManager.getConnection(url, "postgres", "");
            Thread committer = new Thread(() -> commitGroups(c, counters, queue), "committer-" + i);
            committer.setDaemon(true);
            committer.start();
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(data.resolve("tomcat")).toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.getProtocolHandler().setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", data.toString());
        Tomcat.addServlet(context, "settle", new Settle(queue));
        context.addServletMappingDecoded("/*", "settle");
        tomcat.start();
        tomcat.getServer().await();
    }

    /** Takes every report waiting (at least one, at most {@link #MAX_GROUP}) and commits them. */
    private static void commitGroups(Connection c, boolean counters, BlockingQueue<Report> queue) {
        List<Report> group = new ArrayList<>(MAX_GROUP);
        try (PreparedStatement write =
                c.prepareStatement(counters ? JOURNAL_AND_COUNTERS : JOURNAL)) {
            while (true) {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                try {
                    write.setArray(1, texts(c, group.stream().map(Report::org)));
                    write.setArray(2, texts(c, group.stream().map(Report::requestId)));
                    write.setArray(3, texts(c, group.stream().map(Report::member)));
                    write.setArray(
                            4,
                            c.createArrayOf(
                                    "bigint", group.stream().map(Report::costNanos).toArray()));
                    write.executeUpdate();
                    group.forEach(r -> r.done().complete(null));
                } catch (SQLException e) {
                    group.forEach(r -> r.done().completeExceptionally(e));
                }
                group.clear();
            }
        } catch (InterruptedException | SQLException e) {
            System.err.println("committer stopped: " + e);
        }
    }

    private static Array texts(Connection c, java.util.stream.Stream<String> values)
            throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }

    private static final class Settle extends HttpServlet {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final byte[] SETTLED =
                "{\"status\":\"SETTLED\"}".getBytes(StandardCharsets.UTF_8);
        private final transient BlockingQueue<Report> queue;

        Settle(BlockingQueue<Report> queue) {
            this.queue = queue;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            JsonNode report = JSON.readTree(request.getInputStream());
            JsonNode usage = report.path("usage");
            // Sonnet's list prices in nanodollars per token: $3 in, $15 out per million.
            long cost =
                    usage.path("input_tokens").asLong() * 3_000
                            + usage.path("output_tokens").asLong() * 15_000;
            Report r =
                    new Report(
                            report.path("orgId").asString(),
                            report.path("requestId").asString(),
                            report.path("memberId").asString(),
                            cost,
                            new CompletableFuture<>());
            try {
                if (!queue.offer(r, 5, TimeUnit.SECONDS)) {
                    response.sendError(503);
                    return;
                }
                r.done().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (ExecutionException | TimeoutException e) {
                response.sendError(500, e.toString());
                return;
            }
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(SETTLED.length);
            response.getOutputStream().write(SETTLED);
        }
    }
}
