package dev.headroom.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The least a gateway built on Headroom's stack can add on this machine (issue 14, item 9): Tomcat
 * on virtual threads, the upstream called with Apache HttpClient's classic client on the request's
 * thread, the answer relayed as it comes — and, on {@code /durable}, one row inserted and committed
 * on an embedded PostgreSQL with fsync on before the answer's last bytes go out. Nothing else: no
 * key, no admission, no price, no settlement. {@link GatewayBenchmark} runs it as its own process
 * (targets "stack" and "stack-db") beside Headroom and nginx, so what Headroom adds beyond it is
 * Headroom's own work, and what it adds beyond nginx is the stack's.
 *
 * <p>On {@code /billed} ("stack-billed") and its kin ({@link Billing}), the durable row and, beside
 * the answers, settlement batches: from the least any gateway that bills each request must write to
 * what Headroom's settlement writes and reads in its database, without any of its work in Java.
 *
 * <p>Arguments: the port to listen on, the stand-in model's base URL, a data directory.
 */
public final class SkeletonGateway {
    private SkeletonGateway() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1];
        Path data = Path.of(args[2]);
        EmbeddedPostgres pg =
                GatewayBenchmark.journalPostgres(Files.createDirectories(data.resolve("pg")), true);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> {
                            try {
                                pg.close();
                            } catch (IOException e) {
                                System.err.println("PostgreSQL did not stop: " + e);
                            }
                        }));
        BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(16);
        for (int i = 0; i < 16; i++) {
            Connection c = pg.getPostgresDatabase().getConnection();
            if (i == 0) {
                c.createStatement().execute(GatewayBenchmark.JOURNAL_TABLE);
            }
            connections.add(c);
        }
        CloseableHttpClient client =
                HttpClients.custom()
                        .setConnectionManager(
                                PoolingHttpClientConnectionManagerBuilder.create()
                                        .setMaxConnTotal(1024)
                                        .setMaxConnPerRoute(1024)
                                        .build())
                        .disableContentCompression()
                        .disableAutomaticRetries()
                        .build();
        connections.peek().createStatement().execute(SkeletonSettlement.ROWS_SCHEMA + TABLES);
        java.util.Map<String, BlockingQueue<String>> answered = new java.util.HashMap<>();
        for (Billing billing : Billing.values()) {
            BlockingQueue<String> queue = new ArrayBlockingQueue<>(100_000);
            answered.put(billing.path, queue);
            Connection c = pg.getPostgresDatabase().getConnection();
            Thread.ofPlatform().daemon().start(() -> settle(c, billing, queue));
        }
        Connection listening = pg.getPostgresDatabase().getConnection();
        Thread.ofPlatform().daemon().start(() -> listen(listening));
        serve(port, data, new Relay(client, upstream, connections, answered));
    }

    /**
     * Serves every path with {@code servlet} on Tomcat with a virtual thread per request, as
     * Headroom's server runs, until the process ends (here and {@link SkeletonSettlement}).
     */
    static void serve(int port, Path data, HttpServlet servlet) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(data.resolve("tomcat")).toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.getProtocolHandler().setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", data.toString());
        Tomcat.addServlet(context, "all", servlet);
        context.addServletMappingDecoded("/*", "all");
        tomcat.start();
        tomcat.getServer().await();
    }

    /**
     * What a settlement batch writes beside the answers, from the least a gateway that bills each
     * request must do ({@code /billed}) towards what Headroom's settlement does in its database
     * ({@code /billed-all}), so that one run tells which part of it the answers' tail feels. Each
     * runs on a thread and connection of its own, a batch every 0.1 s, each batch one transaction
     * committed without waiting for the disk; {@code ?} is the batch's request ids.
     */
    enum Billing {
        // One narrow row per request with only its primary key, and the member's counter.
        MINIMAL("/billed/", NARROW_EVENT, SPEND),
        // The same with pg_notify of the member and the org, as Headroom's batches announce.
        NOTIFY("/billed-notify/", NARROW_EVENT, SPEND, ANNOUNCE),
        // The counter, and each request as Headroom's usage_event row: twenty columns, the
        // foreign key to its member, three more indexes.
        EVENT("/billed-event/", USAGE_EVENT, SPEND),
        // Headroom's database work of a batch: the member locked and the org's settings, the
        // seat's allowances and the member's windows read, the usage_event rows, the daily sum,
        // the window, the member's and the org's spend upserted, both announced.
        ALL(
                "/billed-all/",
                "select * from member where org_id = 'org_1' and id = 'mem_1' for no key update",
                "select * from settings where org_id = 'org_1'",
                "select * from allowance where org_id = 'org_1'",
                "select * from usage_window where org_id = 'org_1' and member_id = 'mem_1'",
                USAGE_EVENT,
                "insert into usage_daily (org_id, day, member_id, seat_type, product, model,"
                        + " requests, extra_nanos, input_tokens, output_tokens) values ('org_1',"
                        + " current_date, 'mem_1', 'STANDARD', 'CLAUDE_CODE', 'claude-sonnet-4-5',"
                        + " cardinality(?::text[]), 1, 2, 3) on conflict (org_id, day, member_id,"
                        + " seat_type, product, model) do update set"
                        + " requests = usage_daily.requests + excluded.requests,"
                        + " extra_nanos = usage_daily.extra_nanos + excluded.extra_nanos,"
                        + " input_tokens = usage_daily.input_tokens + excluded.input_tokens,"
                        + " output_tokens = usage_daily.output_tokens + excluded.output_tokens",
                "insert into usage_window values ('org_1', 'mem_1', 'session', now(), 1)"
                        + " on conflict (org_id, member_id, window_name) do update set"
                        + " used_nanos = usage_window.used_nanos + 1",
                "insert into member_period_spend (org_id, member_id, period, extra_nanos)"
                        + " values ('org_1', 'mem_1', '2026-12', 4800000::bigint *"
                        + " cardinality(?::text[])) on conflict (org_id, member_id, period) do update"
                        + " set extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos",
                "insert into org_period_spend (org_id, period, extra_nanos) values ('org_1',"
                        + " '2026-12', 1) on conflict (org_id, period) do update set"
                        + " extra_nanos = org_period_spend.extra_nanos + 1",
                ANNOUNCE);

        final String path;
        final List<String> statements;

        Billing(String path, String... statements) {
            this.path = path;
            this.statements = List.of(statements);
        }
    }

    private static final String ANNOUNCE =
            "select pg_notify('headroom_state', 'M:' || pg_current_xact_id() || ':org_1:mem_1'),"
                    + " pg_notify('headroom_state', 'O:' || pg_current_xact_id() || ':org_1')";
    private static final String NARROW_EVENT =
            "insert into event select 'org_1', r, 'mem_1', 'claude-sonnet-4-5', 1200, 80, 4800000"
                    + " from unnest(?::text[]) as r";
    private static final String SPEND =
            "insert into spend values ('mem_1', 4800000::bigint * cardinality(?::text[]))"
                    + " on conflict (member_id) do update set nanos = spend.nanos + excluded.nanos";
    private static final String USAGE_EVENT =
            "insert into usage_event select 'org_1', r, 'mem_1', 'STANDARD', 'CLAUDE_CODE',"
                    + " 'claude-sonnet-4-5', now(), '2026-12', now(), 1200, 80, 0, 0, 0, 0, false,"
                    + " 4800000, 0, 4800000, md5(r) from unnest(?::text[]) as r";
    // Beside Headroom's own tables (SkeletonSettlement.ROWS_SCHEMA): the narrow row and counter,
    // and stand-ins for the org's settings and its seats' allowances that a settlement reads.
    private static final String TABLES =
            """
            create table event (org_id text, request_id text, member_id text, model text,
              input_tokens bigint, output_tokens bigint, cost_nanos bigint,
              primary key (org_id, request_id));
            create table spend (member_id text primary key, nanos bigint not null);
            create table settings (org_id text primary key, enabled boolean, limit_nanos bigint);
            insert into settings values ('org_1', true, 2000000000000);
            create table allowance (org_id text, seat_type text, window_name text, nanos bigint,
              primary key (org_id, seat_type, window_name));
            insert into allowance values ('org_1', 'STANDARD', 'session', 1000000000),
              ('org_1', 'STANDARD', 'weekly', 9000000000);
            """;

    /** Settles what was answered on {@code path}, a batch every 0.1 s, until the process ends. */
    private static void settle(Connection c, Billing billing, BlockingQueue<String> answered) {
        List<String> batch = new ArrayList<>();
        List<PreparedStatement> statements = new ArrayList<>();
        try {
            for (String sql : billing.statements) {
                statements.add(c.prepareStatement(sql));
            }
            c.setAutoCommit(false);
            c.createStatement().execute("set synchronous_commit = off");
            while (true) {
                batch.add(answered.take());
                Thread.sleep(100);
                answered.drainTo(batch);
                java.sql.Array ids = c.createArrayOf("text", batch.toArray());
                for (int i = 0; i < statements.size(); i++) {
                    if (billing.statements.get(i).contains("?")) {
                        statements.get(i).setArray(1, ids);
                    }
                    statements.get(i).execute();
                }
                c.commit();
                batch.clear();
            }
        } catch (InterruptedException | java.sql.SQLException e) {
            System.err.println("The settlement of " + billing + " ended: " + e);
        }
    }

    /** Hears the announcements of the batches, as a Headroom node does. */
    private static void listen(Connection c) {
        try {
            c.createStatement().execute("listen headroom_state");
            org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
            while (true) {
                pg.getNotifications(0);
            }
        } catch (java.sql.SQLException e) {
            System.err.println("The listener ended: " + e);
        }
    }

    private static final class Relay extends HttpServlet {
        private final transient CloseableHttpClient client;
        private final String upstream;
        private final transient BlockingQueue<Connection> connections;
        private final transient java.util.Map<String, BlockingQueue<String>> answered;

        Relay(
                CloseableHttpClient client,
                String upstream,
                BlockingQueue<Connection> connections,
                java.util.Map<String, BlockingQueue<String>> answered) {
            this.client = client;
            this.upstream = upstream;
            this.connections = connections;
            this.answered = answered;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            String uri = request.getRequestURI();
            BlockingQueue<String> billed = answered.get(uri.substring(0, uri.indexOf('/', 1) + 1));
            boolean durable = billed != null || uri.startsWith("/durable");
            byte[] body = request.getInputStream().readAllBytes();
            HttpPost post = new HttpPost(upstream + "/v1/messages");
            post.setHeader("x-api-key", "sk-bench");
            post.setHeader("anthropic-version", "2023-06-01");
            post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
            try (ClassicHttpResponse answer = client.executeOpen(null, post, null)) {
                response.setStatus(answer.getCode());
                response.setContentType(answer.getEntity().getContentType());
                InputStream in = answer.getEntity().getContent();
                OutputStream out = response.getOutputStream();
                // The last bytes read are held until the next read or, at the end, the commit.
                byte[] held = new byte[8192];
                int heldLength = 0;
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(held, 0, heldLength);
                    out.flush();
                    byte[] swap = held;
                    held = buffer;
                    buffer = swap;
                    heldLength = n;
                }
                if (durable) {
                    String requestId = commitOneRow();
                    if (billed != null) {
                        billed.add(requestId);
                    }
                }
                out.write(held, 0, heldLength);
                out.flush();
            }
        }

        /** Its request id. */
        private String commitOneRow() throws IOException {
            Connection c = null;
            try {
                c = connections.take();
                try (PreparedStatement insert = c.prepareStatement(GatewayBenchmark.JOURNAL_ROW)) {
                    String requestId = UUID.randomUUID().toString();
                    insert.setString(1, requestId);
                    insert.executeUpdate();
                    return requestId;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            } finally {
                if (c != null) {
                    connections.add(c);
                }
            }
        }
    }
}
