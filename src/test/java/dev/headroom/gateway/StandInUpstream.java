package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.support.Api;
import dev.headroom.support.Scenario.OrgFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model API on loopback that speaks the Messages API's wire format: a JSON answer, or an SSE
 * stream with {@code ping}, content blocks and usage in {@code message_start} and {@code
 * message_delta}; {@code overloaded} in the model name answers 529. It records what it was sent.
 */
public final class StandInUpstream implements AutoCloseable {
    public static final String KEY = "sk-upstream-test-key";

    record Received(String path, Map<String, List<String>> headers, String body) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    public final AtomicInteger messages = new AtomicInteger();
    private final HttpServer server;

    public StandInUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes this stand-in the org's upstream, set by its owner through the API. */
    public void serve(OrgFixture org) {
        Api.Response set =
                org.owner.put(
                        org.path("/gateway"), Map.of("upstreamUrl", url(), "upstreamKey", KEY));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().toString();
        received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
        exchange.getResponseHeaders().add("request-id", "req_up_" + received.size());
        if (path.startsWith("/v1/messages/count_tokens")) {
            json(exchange, 200, "{\"input_tokens\":42}");
        } else if (path.startsWith("/v1/messages")) {
            messages.incrementAndGet();
            if (body.contains("unauthorised")) {
                json(
                        exchange,
                        401,
                        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
            } else if (body.contains("broken stream")) {
                brokenStream(exchange);
            } else if (body.contains("dropped stream")) {
                boolean stream = body.contains("\"stream\":true");
                exchange.getResponseHeaders()
                        .add("Content-Type", stream ? "text/event-stream" : "application/json");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody()
                        .write(
                                (stream ? STREAM.getFirst() : "{\"id\":\"msg_1\",\"type\":\"mess")
                                        .getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                // Thrown out of the handler, the server closes the connection mid-body.
                throw new IOException("the model's connection dropped");
            } else if (body.contains("overloaded")) {
                json(
                        exchange,
                        529,
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
            } else if (LONG.matcher(body).find()) {
                Matcher seconds = LONG.matcher(body);
                seconds.find();
                longStream(exchange, Integer.parseInt(seconds.group(1)));
            } else if (body.contains("\"stream\":true") || body.contains("stream anyway")) {
                stream(exchange, body.contains("slowly") ? 150 : 0);
            } else {
                json(
                        exchange,
                        200,
                        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                                + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"Hello from upstream\"}],"
                                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":1200,\"output_tokens\":800,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}");
            }
        } else if (path.startsWith("/v1/models")) {
            json(
                    exchange,
                    200,
                    "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\",\"display_name\":\"Claude Sonnet 4.5\",\"created_at\":\"2025-09-29T00:00:00Z\"}],\"has_more\":false}");
        } else {
            json(
                    exchange,
                    404,
                    "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no\"}}");
        }
    }

    static final List<String> STREAM =
            List.of(
                    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1200,\"output_tokens\":1,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}\n\n",
                    "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
                    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":800}}\n\n",
                    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    /** A stream that starts, reports its input, then fails with an error event after the 200. */
    private static void brokenStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(
                    (STREAM.getFirst()
                                    + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** "talk for N seconds" in a message: a stream that pings once a second for that long. */
    static final Pattern LONG = Pattern.compile("talk for (\\d+) seconds");

    /** The stream with a {@code ping} every second for {@code seconds} between its first events. */
    private static void longStream(HttpExchange exchange, int seconds) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(STREAM.getFirst().getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < seconds; i++) {
                pause(1_000);
                out.write(STREAM.get(1).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            for (String event : STREAM.subList(2, STREAM.size())) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The stream, with {@code pauseMillis} between events (a slow model). */
    private static void stream(HttpExchange exchange, long pauseMillis) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : STREAM) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
                pause(pauseMillis);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
