package dev.headroom.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Calls an org's upstream with the JDK's client (HTTP/1.1 and 2, pooled connections, bodies read as
 * they arrive on virtual threads). Request headers pass through except hop-by-hop ones, the
 * member's credentials and Headroom's own; the upstream's key is set instead.
 */
@Component
public class UpstreamClient {
    /** Never forwarded: hop-by-hop, the member's key, and what the client sets itself. */
    static final Set<String> NOT_FORWARDED =
            Set.of(
                    "host",
                    "connection",
                    "keep-alive",
                    "proxy-authenticate",
                    "proxy-authorization",
                    "proxy-connection",
                    "te",
                    "trailer",
                    "transfer-encoding",
                    "upgrade",
                    "expect",
                    "content-length",
                    "authorization",
                    "x-api-key",
                    "x-headroom-product",
                    // Identity bodies: Headroom reads the usage out of every answer.
                    "accept-encoding",
                    "cookie");

    // Plain-http upstreams get HTTP/1.1: offered HTTP/2 there, the JDK asks every new connection to
    // upgrade (h2c), which no Messages API server does. https negotiates HTTP/2 by ALPN.
    private final HttpClient http;
    private final HttpClient plainHttp;
    private final Duration timeout;

    public UpstreamClient(
            @Value("${headroom.gateway.upstream-timeout:PT15M}") Duration timeout,
            @Value("${headroom.gateway.connect-timeout:PT10S}") Duration connectTimeout) {
        this.timeout = timeout;
        this.http = client(connectTimeout, HttpClient.Version.HTTP_2);
        this.plainHttp = client(connectTimeout, HttpClient.Version.HTTP_1_1);
    }

    private static HttpClient client(Duration connectTimeout, HttpClient.Version version) {
        return HttpClient.newBuilder()
                .version(version)
                .connectTimeout(connectTimeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public static boolean forwarded(String header) {
        return !NOT_FORWARDED.contains(header.toLowerCase(java.util.Locale.ROOT));
    }

    /** Sends one request; the answer's body is read by the caller as it arrives. */
    public HttpResponse<InputStream> send(
            GatewaySettings.Upstream upstream,
            String method,
            String pathAndQuery,
            Map<String, List<String>> headers,
            byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(upstream.baseUrl() + pathAndQuery))
                        .timeout(timeout)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, values) -> {
            if (forwarded(name)) {
                values.forEach(value -> request.header(name, value));
            }
        });
        request.header("x-api-key", upstream.key());
        HttpClient client = "http".equals(upstream.baseUrl().getScheme()) ? plainHttp : http;
        return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
