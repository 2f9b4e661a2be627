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
        serve(port, data, new Relay(client, upstream, connections));
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

    private static final class Relay extends HttpServlet {
        private final transient CloseableHttpClient client;
        private final String upstream;
        private final transient BlockingQueue<Connection> connections;

        Relay(CloseableHttpClient client, String upstream, BlockingQueue<Connection> connections) {
            this.client = client;
            this.upstream = upstream;
            this.connections = connections;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            boolean durable = request.getRequestURI().startsWith("/durable");
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
                    commitOneRow();
                }
                out.write(held, 0, heldLength);
                out.flush();
            }
        }

        private void commitOneRow() throws IOException {
            Connection c = null;
            try {
                c = connections.take();
                try (PreparedStatement insert = c.prepareStatement(GatewayBenchmark.JOURNAL_ROW)) {
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.executeUpdate();
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
