package dev.headroom.gateway.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * EX-17, the gateway's metrics: requests by how Headroom answered them, and the upstream's time to
 * its response headers by outcome. Meters are made once per label value (a handful) and kept, so a
 * request only increments.
 */
@Component
class GatewayMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> upstreamCalls = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Headroom answered the request itself with {@code status}: a denial, a refusal or a failure.
     */
    void answeredByHeadroom(int status) {
        request(status == 429 ? "denied" : status < 500 ? "refused" : "failed");
    }

    /** The clock of an upstream call, on the registry's clock. */
    Timer.Sample upstreamCallStarts() {
        return Timer.start(registry);
    }

    /** The upstream answered with {@code status}, its headers now: the call's time ends. */
    void upstreamAnswered(int status, Timer.Sample call) {
        upstream(status / 100 + "xx", call);
    }

    /**
     * The upstream's answer goes back to the member: its usage is durable and its body (or a
     * stream's end) goes out now. Counted then, not at its headers, so that an answer Headroom
     * could not finish (the usage journal refused it, the upstream's body was lost) counts once, as
     * {@code failed}.
     */
    void forwarded() {
        request("forwarded");
    }

    /** The upstream call ended without an answer: {@code timeout} or {@code unreachable}. */
    void upstreamFailed(String outcome, Timer.Sample call) {
        upstream(outcome, call);
    }

    private void request(String outcome) {
        requests.computeIfAbsent(
                        outcome,
                        o ->
                                Counter.builder("headroom.gateway.requests")
                                        .description("Gateway requests by how they were answered")
                                        .tag("outcome", o)
                                        .register(registry))
                .increment();
    }

    private void upstream(String outcome, Timer.Sample call) {
        Timer timer =
                upstreamCalls.computeIfAbsent(
                        outcome,
                        o ->
                                Timer.builder("headroom.gateway.upstream")
                                        .description("The upstream's time to its response headers")
                                        .tag("outcome", o)
                                        .register(registry));
        call.stop(timer);
    }
}
