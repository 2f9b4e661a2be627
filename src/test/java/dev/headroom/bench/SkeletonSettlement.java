package dev.headroom.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * transaction does per report; in mode {@code rows} it writes the six rows a Headroom report
 * writes, in Headroom's own tables (the event with its indexes, its daily sum, two windows, member
 * and org spend) — what a design that plans from memory without reading would still write; in mode
 * {@code deferred} only the event row is written before the answer, and the other five every 100 ms
 * for all events committed since, in bulk. No key, no admission, no read, no split into included
 * and extra usage, no caps, no refusal, no announcement to other nodes: {@link NodesLoadBenchmark}
 * runs it beside Headroom and pgbench, so whether 3× pgbench is reachable by any design on this
 * stack and host is measured, not argued.
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
    private static final String JOURNAL_ROW_SQL =
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

    // Headroom's own tables for a report's rows (V1, V4: the event with its three indexes and its
    // member's foreign key, the daily sums, the windows, member and org spend), and the members of
    // NodesLoadBenchmark's orgs: org_0 with 1,000, org_1 to org_100 with 10 each.
    static final String ROWS_SCHEMA =
            """
            create table if not exists org (id text primary key);
            create table if not exists member (org_id text not null references org (id),
              id text not null, primary key (org_id, id));
            create table if not exists usage_window (org_id text not null, member_id text not null,
              window_name text not null, started_at timestamptz not null, used_nanos bigint not null,
              primary key (org_id, member_id, window_name),
              foreign key (org_id, member_id) references member (org_id, id));
            create table if not exists usage_event (org_id text not null, request_id text not null,
              member_id text not null, seat_type text, product text not null, model text not null,
              occurred_at timestamptz not null, period text not null, received_at timestamptz not null,
              input_tokens bigint not null, output_tokens bigint not null,
              cache_write_5m_tokens bigint not null, cache_write_1h_tokens bigint not null,
              cache_read_tokens bigint not null, web_search_requests bigint not null,
              batch boolean not null, cost_nanos bigint not null, included_nanos bigint not null,
              extra_nanos bigint not null, content_hash text not null,
              primary key (org_id, request_id),
              foreign key (org_id, member_id) references member (org_id, id));
            create index if not exists usage_event_member_period on usage_event (org_id, member_id, period);
            create index if not exists usage_event_period on usage_event (org_id, period, occurred_at);
            create index if not exists usage_event_received on usage_event (org_id, received_at);
            create table if not exists member_period_spend (org_id text not null,
              member_id text not null, period text not null,
              included_nanos bigint not null default 0, extra_nanos bigint not null default 0,
              primary key (org_id, member_id, period));
            create table if not exists org_period_spend (org_id text not null references org (id),
              period text not null, included_nanos bigint not null default 0,
              extra_nanos bigint not null default 0, primary key (org_id, period));
            create table if not exists usage_daily (org_id text not null, day date not null,
              member_id text not null, seat_type text not null, product text not null,
              model text not null, requests bigint not null default 0,
              included_nanos bigint not null default 0, extra_nanos bigint not null default 0,
              input_tokens bigint not null default 0, output_tokens bigint not null default 0,
              cache_write_5m_tokens bigint not null default 0,
              cache_write_1h_tokens bigint not null default 0,
              cache_read_tokens bigint not null default 0,
              web_search_requests bigint not null default 0,
              primary key (org_id, day, member_id, seat_type, product, model));
            insert into org select 'org_' || o from generate_series(0, 100) o on conflict do nothing;
            insert into member select 'org_0', 'mem_' || m from generate_series(1, 1000) m
              on conflict do nothing;
            insert into member select 'org_' || o, 'mem_' || m
              from generate_series(1, 100) o, generate_series(1, 10) m on conflict do nothing;
            """;

    // A Headroom report's event row, idempotent by request id; returns the rows it took.
    private static final String EVENTS =
            """
            insert into usage_event (org_id, request_id, member_id, seat_type, product, model,
              occurred_at, period, received_at, input_tokens, output_tokens,
              cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
              web_search_requests, batch, cost_nanos, included_nanos, extra_nanos, content_hash)
            select o, r, m, 'STANDARD', 'CLAUDE_CODE', 'claude-sonnet-4-5', now(), '2027-01',
              now(), i, t, 0, 0, 0, 0, false, c, 0, c, md5(r)
            from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
              as x(o, r, m, i, t, c)
            on conflict do nothing
            returning org_id, member_id, input_tokens, output_tokens, cost_nanos
            """;

    // The other five rows of a report (its daily sum, two windows, member and org spend), summed
    // per key and written in key order from the events "e" — the same text for a group's new
    // events (mode rows) and for the events applied later in bulk (mode deferred).
    private static final String COUNTERS =
            """
            daily as (
              insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests,
                included_nanos, extra_nanos, input_tokens, output_tokens)
              select org_id, current_date, member_id, 'STANDARD', 'CLAUDE_CODE',
                'claude-sonnet-4-5', count(*), 0, sum(cost_nanos), sum(input_tokens),
                sum(output_tokens)
              from e group by org_id, member_id order by org_id, member_id
              on conflict (org_id, day, member_id, seat_type, product, model) do update set
                requests = usage_daily.requests + excluded.requests,
                extra_nanos = usage_daily.extra_nanos + excluded.extra_nanos,
                input_tokens = usage_daily.input_tokens + excluded.input_tokens,
                output_tokens = usage_daily.output_tokens + excluded.output_tokens),
            windows as (
              insert into usage_window
              select org_id, member_id, w.name, now(), sum(cost_nanos)
              from e, (values ('five_hour'), ('weekly')) w(name)
              group by org_id, member_id, w.name order by org_id, member_id, w.name
              on conflict (org_id, member_id, window_name)
              do update set used_nanos = usage_window.used_nanos + excluded.used_nanos),
            member_spend as (
              insert into member_period_spend (org_id, member_id, period, extra_nanos)
              select org_id, member_id, '2027-01', sum(cost_nanos)
              from e group by org_id, member_id order by org_id, member_id
              on conflict (org_id, member_id, period)
              do update set extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos)
            insert into org_period_spend (org_id, period, extra_nanos)
            select org_id, '2027-01', sum(cost_nanos) from e group by org_id order by org_id
            on conflict (org_id, period)
            do update set extra_nanos = org_period_spend.extra_nanos + excluded.extra_nanos
            """;

    // The six rows a Headroom report writes, in one statement for the group as GroupWrite's: what
    // a design that plans from memory, reading nothing, would still write before answering.
    private static final String ROWS_SQL = "with e as (" + EVENTS + "), " + COUNTERS;

    // Mode deferred: the events of every group committed since the last apply, their counters
    // written in one transaction that does not wait for the disk (the events are durable; a crash
    // would apply them again from a watermark, which this floor leaves out).
    private static final String APPLY =
            "with e as (select * from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[],"
                    + " ?::bigint[]) as e(org_id, member_id, input_tokens, output_tokens,"
                    + " cost_nanos)), "
                    + COUNTERS;
    private static final long APPLY_EVERY_MILLIS = 100;

    private static final int COMMITTERS = 2;
    private static final int MAX_GROUP = 256;

    /** What a group's statement writes, in which tables, and whether counters follow later. */
    private enum Mode {
        JOURNAL(JOURNAL_ROW_SQL, false, false),
        COUNTERS(JOURNAL_AND_COUNTERS, false, false),
        ROWS(ROWS_SQL, true, false),
        DEFERRED(EVENTS, true, true);

        final String statement;
        // Headroom's own tables (ROWS_SCHEMA), whose event takes its tokens as well as its cost.
        final boolean headroomRows;
        final boolean countersLater;

        Mode(String statement, boolean headroomRows, boolean countersLater) {
            this.statement = statement;
            this.headroomRows = headroomRows;
            this.countersLater = countersLater;
        }
    }

    private SkeletonSettlement() {}

    record Report(
            String org,
            String requestId,
            String member,
            long inputTokens,
            long outputTokens,
            long costNanos,
            CompletableFuture<Void> done) {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String url = args[1];
        Mode mode =
                switch (args[2]) {
                    case "journal" -> Mode.JOURNAL;
                    case "counters" -> Mode.COUNTERS;
                    case "rows" -> Mode.ROWS;
                    case "deferred" -> Mode.DEFERRED;
                    default ->
                            throw new IllegalArgumentException(
                                    "mode journal, counters, rows or deferred: " + args[2]);
                };
        Path data = Path.of(args[3]);
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.createStatement().execute(mode.headroomRows ? ROWS_SCHEMA : SCHEMA);
        }
        BlockingQueue<Report> queue = new ArrayBlockingQueue<>(4_096);
        if (mode.countersLater) {
            Connection c = DriverManager.getConnection(url, "postgres", "");
            Thread applier = new Thread(() -> applyCounters(c), "applier");
            applier.setDaemon(true);
            applier.start();
        }
        for (int i = 0; i < COMMITTERS; i++) {
            Connection c = DriverManager.getConnection(url, "postgres", "");
            Thread committer = new Thread(() -> commitGroups(c, mode, queue), "committer-" + i);
            committer.setDaemon(true);
            committer.start();
        }
        SkeletonGateway.serve(port, data, new Settle(queue));
    }

    /** Takes every report waiting (at least one, at most {@link #MAX_GROUP}) and commits them. */
    private static void commitGroups(Connection c, Mode mode, BlockingQueue<Report> queue) {
        List<Report> group = new ArrayList<>(MAX_GROUP);
        try (PreparedStatement write = c.prepareStatement(mode.statement)) {
            while (true) {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                try {
                    write.setArray(1, texts(c, group.stream().map(Report::org)));
                    write.setArray(2, texts(c, group.stream().map(Report::requestId)));
                    write.setArray(3, texts(c, group.stream().map(Report::member)));
                    if (mode.headroomRows) {
                        write.setArray(4, longs(c, group.stream().map(Report::inputTokens)));
                        write.setArray(5, longs(c, group.stream().map(Report::outputTokens)));
                        write.setArray(6, longs(c, group.stream().map(Report::costNanos)));
                    } else {
                        write.setArray(4, longs(c, group.stream().map(Report::costNanos)));
                    }
                    if (mode.countersLater) {
                        try (ResultSet taken = write.executeQuery()) {
                            while (taken.next()) {
                                PENDING.put(
                                        new Taken(
                                                taken.getString(1),
                                                taken.getString(2),
                                                taken.getLong(3),
                                                taken.getLong(4),
                                                taken.getLong(5)));
                            }
                        }
                    } else {
                        write.executeUpdate();
                    }
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

    /** An event the journal took, to be added to the counters (mode deferred). */
    private record Taken(String org, String member, long input, long output, long cost) {}

    // Committed events not yet in the counters: drained every APPLY_EVERY_MILLIS, so at 10,000
    // reports/s about a thousand are held; a committer waits when the applier falls this far
    // behind.
    private static final BlockingQueue<Taken> PENDING = new ArrayBlockingQueue<>(100_000);

    /** Every {@link #APPLY_EVERY_MILLIS}, the events committed since the last in one statement. */
    private static void applyCounters(Connection c) {
        try (PreparedStatement apply = c.prepareStatement(APPLY)) {
            c.createStatement().execute("set synchronous_commit = off");
            while (true) {
                Thread.sleep(APPLY_EVERY_MILLIS);
                List<Taken> events = new ArrayList<>();
                PENDING.drainTo(events);
                if (events.isEmpty()) {
                    continue;
                }
                apply.setArray(1, texts(c, events.stream().map(Taken::org)));
                apply.setArray(2, texts(c, events.stream().map(Taken::member)));
                apply.setArray(3, longs(c, events.stream().map(Taken::input)));
                apply.setArray(4, longs(c, events.stream().map(Taken::output)));
                apply.setArray(5, longs(c, events.stream().map(Taken::cost)));
                apply.executeUpdate();
            }
        } catch (InterruptedException | SQLException e) {
            System.err.println("applier stopped: " + e);
        }
    }

    private static Array longs(Connection c, java.util.stream.Stream<Long> values)
            throws SQLException {
        return c.createArrayOf("bigint", values.toArray());
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
            long input = usage.path("input_tokens").asLong();
            long output = usage.path("output_tokens").asLong();
            Report r =
                    new Report(
                            report.path("orgId").asString(),
                            report.path("requestId").asString(),
                            report.path("memberId").asString(),
                            input,
                            output,
                            input * 3_000 + output * 15_000,
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
