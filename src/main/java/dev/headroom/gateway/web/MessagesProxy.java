package dev.headroom.gateway.web;

import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.gateway.AnthropicErrors;
import dev.headroom.gateway.DenialMessages;
import dev.headroom.gateway.GatewaySettings;
import dev.headroom.gateway.MessageUsage;
import dev.headroom.gateway.PromptEstimate;
import dev.headroom.gateway.RequestHead;
import dev.headroom.gateway.UpstreamClient;
import dev.headroom.gateway.UsageJournal;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.StrictAdmissions;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Messages API through Headroom (EX-4): a member's key names org and member; admission is
 * decided in process before the upstream is called; the answer is relayed (a stream event by event,
 * flushed before each wait for the upstream) and its usage made durable before the answer's last
 * bytes go out — the JSON body, or a stream's {@code message_stop} — so a crash never leaves a
 * served request unbilled; it is settled in process right after ({@link UsageJournal}). A client
 * that goes away mid-stream leaves the upstream call running to its final usage, which is settled.
 * Its paths are routed by {@link GatewayRoutes}.
 */
@Component
public class MessagesProxy {
    private static final Logger log = LoggerFactory.getLogger(MessagesProxy.class);
    private static final String PRODUCT_HEADER = "x-headroom-product";
    // The Messages API's own limit on a request body.
    static final int REQUEST_BYTES_MAX = 32 * 1024 * 1024;
    // EX-1: says that max_tokens was lowered to what the room pays for, and to how many.
    static final String LOWERED_HEADER = "x-headroom-max-tokens";
    static final long THINKING_BUDGET_MIN = 1_024;

    private final ApiKeyService keys;
    private final AdmissionService admissions;
    private final MemberUsageService usage;
    private final UsageJournal journal;
    private final GatewaySettings gateways;
    private final UpstreamClient upstream;
    private final OrgService orgs;
    private final ObjectMapper json;
    private final dev.headroom.pricing.PriceBookService prices;
    private final GatewayMetrics metrics;
    private final StrictAdmissions strictAdmissions;

    public MessagesProxy(
            ApiKeyService keys,
            AdmissionService admissions,
            MemberUsageService usage,
            UsageJournal journal,
            GatewaySettings gateways,
            UpstreamClient upstream,
            OrgService orgs,
            ObjectMapper json,
            dev.headroom.pricing.PriceBookService prices,
            GatewayMetrics metrics,
            StrictAdmissions strictAdmissions) {
        this.strictAdmissions = strictAdmissions;
        this.prices = prices;
        this.metrics = metrics;
        this.keys = keys;
        this.admissions = admissions;
        this.usage = usage;
        this.journal = journal;
        this.gateways = gateways;
        this.upstream = upstream;
        this.orgs = orgs;
        this.json = json;
    }

    /**
     * One member's request on its way: who, for which product and model, since when; in a strict
     * org, the id its hold and its usage have (EX-1).
     */
    private record Call(
            Caller.OrgKey member,
            Org org,
            String product,
            String model,
            Instant at,
            String holdId) {}

    public void messages(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Caller.OrgKey member = authenticate(request, response);
        if (member == null) {
            return;
        }
        byte[] body = body(request, response);
        if (body == null) {
            return;
        }
        Org org = admissions.org(member.orgId());
        boolean strict = admissions.strict(org.id());
        // A strict org estimates the prompt from the parsed body and may rewrite it (EX-1).
        JsonNode message = strict ? parse(body) : null;
        RequestHead head =
                (strict ? RequestHead.of(message) : RequestHead.read(json, body)).orElse(null);
        if (head == null) {
            error(response, 400, "The request body must be a JSON object.", null);
            return;
        }
        if (head.model() == null || head.model().isBlank()) {
            error(response, 400, "model: Field required", null);
            return;
        }
        if (strict && (head.maxTokens() == null || head.maxTokens() < 1)) {
            error(response, 400, "max_tokens: Field required", null);
            return;
        }
        Call call =
                new Call(
                        member,
                        org,
                        product(request),
                        head.model(),
                        orgs.now(org),
                        strict ? Ids.newId("gwreq") : null);
        StrictAdmissions.Answer answer;
        try {
            answer =
                    admissions.admitHolding(
                            org.id(),
                            member.memberId(),
                            call.product(),
                            call.model(),
                            call.holdId(),
                            strict
                                    ? new StrictAdmissions.Estimate(
                                            PromptEstimate.upperBound(message, body.length),
                                            head.maxTokens())
                                    : null);
        } catch (ApiException refused) {
            error(response, 400, refused.getMessage(), null);
            return;
        }
        if (answer.admission() instanceof Admission.Denied denied) {
            deny(response, call, denied, strict);
            return;
        }
        if (answer instanceof StrictAdmissions.Answer.Held held && held.lowered()) {
            // EX-1: the room pays for fewer output tokens than asked for; the member is told.
            body = withMaxTokens((ObjectNode) message, held.hold().maxTokens());
            response.setHeader(LOWERED_HEADER, Long.toString(held.hold().maxTokens()));
        }
        boolean billed = false;
        try {
            billed = forward(request, response, call, body);
        } finally {
            if (!billed && call.holdId() != null) {
                strictAdmissions.release(org.id(), call.holdId());
            }
        }
    }

    /**
     * The request with {@code max_tokens} lowered; an extended-thinking budget that no longer fits
     * below it is lowered with it (the API needs it below {@code max_tokens}, and at least 1,024).
     */
    private byte[] withMaxTokens(ObjectNode message, long maxTokens) {
        message.put("max_tokens", maxTokens);
        JsonNode thinking = message.get("thinking");
        if (thinking instanceof ObjectNode t
                && t.path("budget_tokens").isIntegralNumber()
                && t.get("budget_tokens").asLong() >= maxTokens
                && maxTokens - 1 >= THINKING_BUDGET_MIN) {
            t.put("budget_tokens", maxTokens - 1);
        }
        return json.writeValueAsBytes(message);
    }

    public void countTokens(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Caller.OrgKey member = authenticate(request, response);
        if (member == null) {
            return;
        }
        byte[] body = body(request, response);
        if (body == null) {
            return;
        }
        passThrough(request, response, member, body);
    }

    /** The upstream's list; without an upstream that answers it, the models Headroom prices. */
    public void models(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Caller.OrgKey member = authenticate(request, response);
        if (member == null) {
            return;
        }
        GatewaySettings.Upstream target = gateways.upstreamOf(member.orgId()).orElse(null);
        if (target != null) {
            try (UpstreamClient.Answer answer =
                    upstream.send(target, "GET", pathAndQuery(request), headersOf(request), null)) {
                if (answer.status() == 200) {
                    response.setStatus(200);
                    copyHeaders(answer, response);
                    answer.body().transferTo(response.getOutputStream());
                    return;
                }
            } catch (IOException unreachable) {
                // Answered from the price book below.
            }
        }
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), pricedModels());
    }

    private Map<String, Object> pricedModels() {
        Map<String, String> firstPriced = new java.util.TreeMap<>();
        prices.current()
                .allVersions()
                .forEach(v -> firstPriced.putIfAbsent(v.model(), v.effectiveFrom().toString()));
        List<Map<String, Object>> data = new java.util.ArrayList<>();
        firstPriced.forEach((id, from) ->
                data.add(
                        Map.of("type", "model", "id", id, "display_name", id, "created_at", from)));
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("data", data);
        list.put("has_more", false);
        list.put("first_id", data.isEmpty() ? null : data.getFirst().get("id"));
        list.put("last_id", data.isEmpty() ? null : data.getLast().get("id"));
        return list;
    }

    /** Any other path of the Messages API: Anthropic's not-found answer. */
    public void notFound(HttpServletResponse response) throws IOException {
        error(
                response,
                404,
                "Headroom's gateway serves /v1/messages, /v1/messages/count_tokens"
                        + " and /v1/models.",
                null);
    }

    /** Whether usage was recorded for billing (a strict org's hold is released otherwise). */
    private boolean forward(
            HttpServletRequest request, HttpServletResponse response, Call call, byte[] body)
            throws IOException {
        GatewaySettings.Upstream target = gateways.upstreamOf(call.org().id()).orElse(null);
        if (target == null) {
            error(
                    response,
                    502,
                    "The organisation has no upstream configured; an owner or the"
                            + " operator sets one with PUT /api/v1/orgs/{org}/gateway.",
                    null);
            return false;
        }
        UpstreamClient.Answer answer = call(request, response, target, body);
        if (answer == null) {
            return false;
        }
        // A strict org's usage is billed under its hold's id, so the settlement releases the hold.
        String requestId =
                call.holdId() != null
                        ? call.holdId()
                        : answer.header("request-id").orElseGet(() -> Ids.newId("gwreq"));
        response.setStatus(answer.status());
        copyHeaders(answer, response);
        String type = answer.header("content-type").orElse("");
        try (answer) {
            InputStream in = answer.body();
            // Whatever the request said about streaming, a stream is relayed and billed as one.
            if (answer.status() == 200 && type.contains("text/event-stream")) {
                boolean billed = relay(in, response, call, requestId);
                metrics.forwarded();
                return billed;
            } else {
                byte[] bytes;
                try {
                    bytes = in.readAllBytes();
                } catch (IOException upstreamLost) {
                    // Nothing of the answer went out and no usage is known: nothing is charged.
                    response.reset();
                    error(response, 502, "The upstream connection was lost.", null);
                    return false;
                }
                JsonNode parsed = parse(bytes);
                MessageUsage used = new MessageUsage();
                if (parsed != null && parsed.isObject()) {
                    used.update(parsed.get("usage"));
                }
                boolean billed = settle(call, requestId, used);
                metrics.forwarded();
                response.getOutputStream().write(bytes);
                return billed;
            }
        }
    }

    /**
     * Relays the stream event by event, watching {@code message_start} and {@code message_delta}
     * for the usage; the usage is made durable before {@code message_stop} goes out.
     */
    private boolean relay(InputStream in, HttpServletResponse response, Call call, String requestId)
            throws IOException {
        ClientStream client = new ClientStream(response.getOutputStream());
        SseEvents events = new SseEvents(in, client::flush);
        MessageUsage used = new MessageUsage();
        boolean settled = false;
        boolean billed = false;
        try {
            while (events.next()) {
                observe(events, used);
                if ("message_stop".equals(events.name()) && !settled) {
                    billed = settle(call, requestId, used);
                    settled = true;
                }
                client.write(events::writeTo);
            }
            if (events.held()) {
                client.write(events::writeTo);
            }
        } catch (IOException upstreamLost) {
            // The upstream dropped mid-stream: what it reported so far is charged below, and the
            // member is told in the stream's own error event instead of a cut-off half event.
            log.warn("The upstream dropped request {} mid-stream.", requestId);
            byte[] lost = errorEvent(json, "The upstream connection was lost mid-stream.");
            client.write(o -> o.write(lost));
        }
        client.flush();
        if (!settled) {
            // The stream ended without message_stop (an error event, a dropped upstream): what the
            // upstream reported is still charged, nothing more.
            billed = settle(call, requestId, used);
        }
        if (client.gone) {
            log.info("A client left request {} mid-stream; its usage was settled.", requestId);
        }
        return billed;
    }

    /**
     * Only the two events that carry usage are parsed: a long answer is hundreds of {@code
     * content_block_delta} events, none of which the bill needs.
     */
    private void observe(SseEvents event, MessageUsage used) {
        boolean start = "message_start".equals(event.name());
        if (!start && !"message_delta".equals(event.name()) || !event.hasData()) {
            return;
        }
        JsonNode parsed = parse(event.data());
        if (parsed != null) {
            used.update(start ? parsed.path("message").get("usage") : parsed.get("usage"));
        }
    }

    /** An {@code api_error} as the stream's own {@code error} event, which ends it. */
    static byte[] errorEvent(ObjectMapper json, String message) {
        return ("event: error\ndata: "
                        + json.writeValueAsString(AnthropicErrors.body("api_error", message, null))
                        + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes for the client, written to its stream. */
    private interface Writing {
        void to(OutputStream out) throws IOException;
    }

    /**
     * The member's end of a relayed stream. Written event by event, flushed whenever the relay is
     * about to wait for the upstream (and at the end), so no event waits for the next; once the
     * client has gone, nothing more is written and the upstream is read to its final usage.
     */
    private static final class ClientStream {
        private final OutputStream out;
        private boolean gone;
        private boolean unflushed;

        ClientStream(OutputStream out) {
            this.out = out;
        }

        void write(Writing event) {
            if (gone) {
                return;
            }
            try {
                event.to(out);
                unflushed = true;
            } catch (IOException left) {
                gone = true;
            }
        }

        void flush() {
            if (gone || !unflushed) {
                return;
            }
            try {
                out.flush();
                unflushed = false;
            } catch (IOException left) {
                gone = true;
            }
        }
    }

    /**
     * Durable before the answer's last bytes go out; settled right after ({@link UsageJournal}).
     */
    private boolean settle(Call call, String requestId, MessageUsage used) {
        if (!used.reported()) {
            return false;
        }
        journal.record(
                new UsageReport(
                        requestId,
                        call.org().id(),
                        call.member().memberId(),
                        call.product(),
                        call.model(),
                        call.at(),
                        used.toTokenUsage()));
        return true;
    }

    private void passThrough(
            HttpServletRequest request,
            HttpServletResponse response,
            Caller.OrgKey member,
            byte[] body)
            throws IOException {
        GatewaySettings.Upstream target = gateways.upstreamOf(member.orgId()).orElse(null);
        if (target == null) {
            error(response, 502, "The organisation has no upstream configured.", null);
            return;
        }
        UpstreamClient.Answer answer = call(request, response, target, body);
        if (answer == null) {
            return;
        }
        response.setStatus(answer.status());
        copyHeaders(answer, response);
        metrics.forwarded();
        try (answer) {
            answer.body().transferTo(response.getOutputStream());
        }
    }

    /** The upstream's answer, or {@code null} once an error has been answered instead. */
    private UpstreamClient.Answer call(
            HttpServletRequest request,
            HttpServletResponse response,
            GatewaySettings.Upstream target,
            byte[] body)
            throws IOException {
        Timer.Sample started = metrics.upstreamCallStarts();
        try {
            UpstreamClient.Answer answer =
                    upstream.send(
                            target,
                            request.getMethod(),
                            pathAndQuery(request),
                            headersOf(request),
                            body);
            metrics.upstreamAnswered(answer.status(), started);
            return answer;
        } catch (UpstreamClient.TimedOut timedOut) {
            metrics.upstreamFailed("timeout", started);
            error(response, 504, "The upstream did not answer in time.", null);
        } catch (IOException unreachable) {
            metrics.upstreamFailed("unreachable", started);
            error(response, 502, "The upstream could not be reached.", null);
        }
        return null;
    }

    /** The path the member called, sent on to the upstream as it came. */
    private static String pathAndQuery(HttpServletRequest request) {
        return request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    }

    private static Map<String, List<String>> headersOf(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    private static void copyHeaders(UpstreamClient.Answer answer, HttpServletResponse response) {
        answer.forEachHeader((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (UpstreamClient.forwarded(lower)
                    && !lower.equals("content-encoding")
                    && !lower.equals("date")
                    && !lower.equals("server")) {
                response.addHeader(name, value);
            }
        });
    }

    private Caller.OrgKey authenticate(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String key = request.getHeader("x-api-key");
        if (key == null || key.isBlank()) {
            key = ApiKeyService.bearerKey(request.getHeader("Authorization"));
        }
        if (key == null || key.isBlank()) {
            error(response, 401, "Send your Headroom member key as x-api-key.", null);
            return null;
        }
        switch (keys.authenticate(key)) {
            case ApiKeyService.Verdict.Accepted accepted
                    when accepted.caller() instanceof Caller.OrgKey member
                            && member.memberId() != null -> {
                return member;
            }
            case ApiKeyService.Verdict.Accepted other ->
                    error(
                            response,
                            401,
                            "The gateway takes a member's key: it names who works.",
                            null);
            case ApiKeyService.Verdict.Rejected rejected ->
                    error(response, 401, rejected.message(), null);
        }
        return null;
    }

    private static String product(HttpServletRequest request) {
        String header = request.getHeader(PRODUCT_HEADER);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String agent = request.getHeader("User-Agent");
        return agent != null && agent.startsWith("claude-cli/") ? "CLAUDE_CODE" : "CLAUDE";
    }

    /** API.md's 429: how long until the member can work again, and why, in their words. */
    private void deny(
            HttpServletResponse response, Call call, Admission.Denied denied, boolean strict)
            throws IOException {
        MemberState state = usage.usageOf(call.org().id(), call.member().memberId());
        String message =
                strict
                        ? DenialMessages.withHolds(
                                denied,
                                state,
                                strictAdmissions.memberHeld(call.org(), call.member().memberId()),
                                strictAdmissions.orgHeld(call.org()))
                        : DenialMessages.of(denied, state);
        Map<String, Object> headroom = new LinkedHashMap<>();
        headroom.put("reason", denied.reason().name());
        headroom.put(
                "resumesAt", denied.resumesAt() == null ? null : denied.resumesAt().toString());
        headroom.put("requestAction", denied.requestAction().name());
        if (denied.resumesAt() != null) {
            long seconds = Duration.between(orgs.now(call.org()), denied.resumesAt()).toSeconds();
            response.setHeader("retry-after", Long.toString(Math.max(1, seconds + 1)));
        }
        error(response, 429, message, headroom);
    }

    private void error(
            HttpServletResponse response, int status, String message, Map<String, Object> headroom)
            throws IOException {
        metrics.answeredByHeadroom(status);
        response.setStatus(status);
        if (status < 500) {
            // Final: the same request would be refused again. Without it Claude Code retries a 401
            // (a revoked key) for minutes in silence; with it, it says why after one call.
            response.setHeader("x-should-retry", "false");
        }
        response.setContentType("application/json");
        json.writeValue(
                response.getOutputStream(),
                AnthropicErrors.body(AnthropicErrors.typeOf(status), message, headroom));
    }

    /** The request body, or {@code null} once 413 is answered past {@link #REQUEST_BYTES_MAX}. */
    private byte[] body(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        long length = request.getContentLengthLong();
        byte[] bytes =
                length > REQUEST_BYTES_MAX
                        ? null
                        : length >= 0
                                ? exactly(request.getInputStream(), (int) length)
                                : request.getInputStream().readNBytes(REQUEST_BYTES_MAX + 1);
        if (bytes == null || bytes.length > REQUEST_BYTES_MAX) {
            error(response, 413, "The request is larger than 32 MB.", null);
            return null;
        }
        return bytes;
    }

    /**
     * A body of known length read into one array: {@code readNBytes(int)} gathers it in 8 KB chunks
     * and copies them, twice the allocation on every request (Claude Code's are 100 KB and more).
     */
    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int read = in.readNBytes(bytes, 0, length);
        return read == length ? bytes : Arrays.copyOf(bytes, read);
    }

    private JsonNode parse(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
