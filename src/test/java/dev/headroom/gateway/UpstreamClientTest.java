package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EX-4: the gateway's calls to an upstream — what is forwarded, connections kept and checked,
 * timeouts, and no request ever sent twice.
 */
class UpstreamClientTest {
    private final UpstreamClient client =
            new UpstreamClient(Duration.ofMillis(500), Duration.ofSeconds(2));
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        client.destroy();
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private GatewaySettings.Upstream upstream(int port) {
        return new GatewaySettings.Upstream(URI.create("http://127.0.0.1:" + port), "sk-upstream");
    }

    /** A JDK server answering every request after {@code delayMillis}; it notes who called. */
    private HttpServer server(
            long delayMillis, List<Map<String, List<String>>> seen, Set<Integer> ports)
            throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext(
                "/",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    seen.add(Map.copyOf(exchange.getRequestHeaders()));
                    ports.add(exchange.getRemoteAddress().getPort());
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("request-id", "req_1");
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, out.length);
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(out);
                    }
                });
        s.start();
        servers.add(() -> s.stop(0));
        return s;
    }

    @Test
    void EX4_headersPassExceptHopByHopAndTheMembersKeyAndTheUpstreamsKeyIsSet() throws Exception {
        List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
        HttpServer s = server(0, seen, ConcurrentHashMap.newKeySet());

        try (UpstreamClient.Answer answer =
                client.send(
                        upstream(s.getAddress().getPort()),
                        "POST",
                        "/v1/messages?beta=true",
                        Map.of(
                                "x-api-key", List.of("hr_member_key"),
                                "Authorization", List.of("Bearer hr_member_key"),
                                "anthropic-version", List.of("2023-06-01"),
                                "anthropic-beta", List.of("a-2025-01-01,b-2025-02-02"),
                                "Content-Type", List.of("application/json"),
                                "Connection", List.of("close"),
                                "Accept-Encoding", List.of("gzip"),
                                "x-headroom-product", List.of("CLAUDE_CODE")),
                        "{}".getBytes(StandardCharsets.UTF_8))) {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("REQUEST-ID")).contains("req_1");
            assertThat(new String(answer.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"ok\":true}");
        }

        Map<String, List<String>> headers = seen.getFirst();
        assertThat(headers.get("X-api-key")).containsExactly("sk-upstream");
        assertThat(headers.get("Anthropic-version")).containsExactly("2023-06-01");
        assertThat(headers.get("Anthropic-beta")).containsExactly("a-2025-01-01,b-2025-02-02");
        assertThat(headers.get("Content-type")).containsExactly("application/json");
        assertThat(headers.get("Content-length")).containsExactly("2");
        assertThat(headers)
                .doesNotContainKeys("Authorization", "Accept-encoding", "X-headroom-product");
        assertThat(headers.getOrDefault("Connection", List.of())).doesNotContain("close");
    }

    @Test
    void EX4_aConnectionIsKeptForTheNextCall() throws Exception {
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        HttpServer s = server(0, new CopyOnWriteArrayList<>(), ports);

        for (int i = 0; i < 5; i++) {
            try (UpstreamClient.Answer answer =
                    client.send(
                            upstream(s.getAddress().getPort()),
                            "GET",
                            "/v1/models",
                            Map.of(),
                            null)) {
                answer.body().readAllBytes();
            }
        }

        assertThat(ports).hasSize(1);
    }

    @Test
    void EX4_anUpstreamThatDoesNotAnswerInTimeIsATimeout() throws Exception {
        HttpServer s = server(2_000, new CopyOnWriteArrayList<>(), ConcurrentHashMap.newKeySet());

        assertThatThrownBy(() ->
                        client.send(
                                upstream(s.getAddress().getPort()),
                                "POST",
                                "/v1/messages",
                                Map.of(),
                                new byte[0]))
                .isInstanceOf(UpstreamClient.TimedOut.class);
    }

    /**
     * A raw server that answers one request per connection with keep-alive and then closes it after
     * {@code closeAfterMillis}, or (with a negative figure) closes it without answering.
     */
    private ServerSocket closingServer(long closeAfterMillis, AtomicInteger requests)
            throws IOException {
        ServerSocket socket = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
        servers.add(socket);
        Thread.ofVirtual()
                .start(() -> {
                    while (!socket.isClosed()) {
                        try {
                            Socket c = socket.accept();
                            Thread.ofVirtual()
                                    .start(() -> answerOnce(c, closeAfterMillis, requests));
                        } catch (IOException closed) {
                            return;
                        }
                    }
                });
        return socket;
    }

    private static void answerOnce(Socket c, long closeAfterMillis, AtomicInteger requests) {
        try (c) {
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            int length = 0;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.skip(length);
            requests.incrementAndGet();
            if (closeAfterMillis < 0) {
                return;
            }
            c.getOutputStream()
                    .write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            Thread.sleep(closeAfterMillis);
        } catch (IOException | InterruptedException gone) {
            // The test is over with this connection.
        }
    }

    @Test
    void EX4_aKeptConnectionTheUpstreamClosedMeanwhileIsNotUsed() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        ServerSocket s = closingServer(100, requests);

        for (int i = 0; i < 2; i++) {
            try (UpstreamClient.Answer answer =
                    client.send(
                            upstream(s.getLocalPort()),
                            "POST",
                            "/v1/messages",
                            Map.of(),
                            "{}".getBytes(StandardCharsets.UTF_8))) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body().readAllBytes()).asString().isEqualTo("ok");
            }
            // Past the idle time after which a kept connection is checked before it is used.
            Thread.sleep(UpstreamClient.CHECK_AFTER_IDLE.toMilliseconds() + 300);
        }

        assertThat(requests).hasValue(2);
    }

    @Test
    void EX4_aRequestTheUpstreamDroppedIsNeverSentAgain() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        ServerSocket s = closingServer(-1, requests);

        assertThatThrownBy(() ->
                        client.send(
                                upstream(s.getLocalPort()),
                                "POST",
                                "/v1/messages",
                                Map.of(),
                                "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(UpstreamClient.TimedOut.class);
        Thread.sleep(200);

        assertThat(requests).hasValue(1);
    }
}
