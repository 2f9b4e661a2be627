package dev.headroom.gateway;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Calls an org's upstream over HTTP/1.1 with pooled keep-alive connections, blocking on the
 * member's own request thread: the request is written and the answer read right there, as it
 * arrives, without the hand-offs to a selector thread and back that the JDK's client makes for
 * every request (about 60 µs at p50 and 150 µs at p99 per call when idle, more on a busy node;
 * issue 14, BENCHMARKS.md). Request headers pass through except hop-by-hop ones, the member's
 * credentials and Headroom's own; the upstream's key is set instead. Nothing is retried or
 * redirected: a request the upstream may have started is never sent twice.
 */
@Component
public class UpstreamClient implements DisposableBean {
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

    // Upstream calls open at once, on all upstreams together; past it a call waits for a
    // connection up to the connect timeout.
    static final int CONNECTIONS_MAX = 1_024;
    // A pooled connection idle this long is checked before it is used again, so one the upstream
    // has closed meanwhile is not handed a request that then fails.
    static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);
    static final TimeValue CLOSE_AFTER_IDLE = TimeValue.ofSeconds(30);

    private final CloseableHttpClient http;

    public UpstreamClient(
            @Value("${headroom.gateway.upstream-timeout:PT15M}") Duration timeout,
            @Value("${headroom.gateway.connect-timeout:PT10S}") Duration connectTimeout) {
        PoolingHttpClientConnectionManager pool =
                PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(CONNECTIONS_MAX)
                        .setMaxConnPerRoute(CONNECTIONS_MAX)
                        .setDefaultConnectionConfig(
                                ConnectionConfig.custom()
                                        .setConnectTimeout(Timeout.of(connectTimeout))
                                        .setSocketTimeout(Timeout.of(timeout))
                                        .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                                        .build())
                        .build();
        this.http =
                HttpClients.custom()
                        .setConnectionManager(pool)
                        .setDefaultRequestConfig(
                                RequestConfig.custom()
                                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                                        .setResponseTimeout(Timeout.of(timeout))
                                        .build())
                        .disableAutomaticRetries()
                        .disableRedirectHandling()
                        .disableContentCompression()
                        .disableCookieManagement()
                        .disableAuthCaching()
                        .evictIdleConnections(CLOSE_AFTER_IDLE)
                        .build();
    }

    public static boolean forwarded(String header) {
        return !NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT));
    }

    /** The upstream did not answer, or fell silent, within its timeout. */
    public static final class TimedOut extends IOException {
        TimedOut(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The upstream's answer, its body read by the caller as it arrives. Closing it gives the
     * connection back when the body was read to its end, and closes it at once otherwise — never
     * waiting for the rest of a stream nobody reads.
     */
    public static final class Answer implements Closeable {
        private final HttpUriRequestBase request;
        private final ClassicHttpResponse response;
        private final InputStream body;

        Answer(HttpUriRequestBase request, ClassicHttpResponse response) throws IOException {
            this.request = request;
            this.response = response;
            HttpEntity entity = response.getEntity();
            this.body = entity == null ? InputStream.nullInputStream() : entity.getContent();
        }

        public int status() {
            return response.getCode();
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(response.getFirstHeader(name)).map(Header::getValue);
        }

        /** Every header in the order the upstream sent them. */
        public void forEachHeader(BiConsumer<String, String> each) {
            for (Header h : response.getHeaders()) {
                each.accept(h.getName(), h.getValue());
            }
        }

        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            // A body read to its end has given its connection back already, and this is a no-op;
            // otherwise the connection is dropped here, where closing the response alone would
            // read the rest of the answer first.
            request.cancel();
            try {
                response.close();
            } catch (IOException dropped) {
                // The connection was dropped above or by the upstream: nothing is left to give
                // back.
            }
        }
    }

    /** Sends one request; {@link TimedOut} when the upstream does not answer in time. */
    public Answer send(
            GatewaySettings.Upstream upstream,
            String method,
            String pathAndQuery,
            Map<String, List<String>> headers,
            byte[] body)
            throws IOException {
        HttpUriRequestBase request =
                new HttpUriRequestBase(method, URI.create(upstream.baseUrl() + pathAndQuery));
        if (body != null) {
            // The request's own content-type passes through with the other headers.
            request.setEntity(new ByteArrayEntity(body, null));
        }
        headers.forEach((name, values) -> {
            if (forwarded(name)) {
                values.forEach(value -> request.addHeader(name, value));
            }
        });
        request.setHeader("x-api-key", upstream.key());
        try {
            ClassicHttpResponse response = http.executeOpen(null, request, null);
            try {
                return new Answer(request, response);
            } catch (IOException unreadable) {
                response.close();
                throw unreadable;
            }
        } catch (InterruptedIOException timedOut) {
            // Connect, response and pool timeouts all are InterruptedIOExceptions here.
            throw new TimedOut(timedOut);
        }
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }
}
