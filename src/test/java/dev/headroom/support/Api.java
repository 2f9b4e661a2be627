package dev.headroom.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for Headroom's JSON API, used by the integration tests over real HTTP. */
public final class Api {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // Several nodes' addresses: each request goes to one of them at random (issue 15).
    private final List<String> baseUrls;
    private final String key;
    private final Map<String, String> headers;

    public Api(String baseUrl, String key) {
        this(List.of(baseUrl), key, Map.of());
    }

    private Api(List<String> baseUrls, String key, Map<String, String> headers) {
        this.baseUrls = baseUrls;
        this.key = key;
        this.headers = headers;
    }

    /** A caller whose every request goes to one of several nodes, picked at random. */
    public static Api spreadOver(List<String> baseUrls, String key) {
        return new Api(List.copyOf(baseUrls), key, Map.of());
    }

    /** The key this caller sends. */
    public String key() {
        return key;
    }

    public Api as(String otherKey) {
        return new Api(baseUrls, otherKey, headers);
    }

    /** The same caller, sending one more header with every request. */
    public Api withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new Api(baseUrls, key, Map.copyOf(more));
    }

    public record Response(int status, JsonNode body, String raw) {
        public String text(String field) {
            JsonNode node = body.get(field);
            return node == null || node.isNull() ? null : node.asString();
        }

        public String errorCode() {
            return body.path("error").path("code").asString();
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    private String baseUrl() {
        return baseUrls.size() == 1
                ? baseUrls.getFirst()
                : baseUrls.get(
                        java.util.concurrent.ThreadLocalRandom.current().nextInt(baseUrls.size()));
    }

    /** Sends {@code body} as JSON; a {@code String} body is sent as it is (for malformed input). */
    public Response send(String method, String path, Object body) {
        try {
            String payload =
                    body == null
                            ? ""
                            : body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(baseUrl() + path))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .method(
                                    method,
                                    body == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(payload));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            headers.forEach(request::header);
            HttpResponse<String> response =
                    HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode json = raw == null || raw.isBlank() ? JSON.createObjectNode() : parse(raw);
            return new Response(response.statusCode(), json, raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (RuntimeException e) {
            return JSON.createObjectNode().put("_raw", raw);
        }
    }

    public static Map<String, Object> usage(long input, long output) {
        return Map.of("input_tokens", input, "output_tokens", output);
    }
}
