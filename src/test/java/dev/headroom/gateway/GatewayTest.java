package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The gateway (EX-4) against a stand-in upstream that speaks the Messages API: the member's key
 * stays in Headroom, the answer and the stream come through as sent, the usage is settled, and a
 * denial is Anthropic's 429 without an upstream call.
 */
class GatewayTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-05-20T09:00:00Z");
    static StandInUpstream upstream;
    final HttpClient http = HttpClient.newHttpClient();
    @Autowired JdbcClient jdbc;

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = new StandInUpstream();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    record Org(OrgFixture fixture, String member, String key) {}

    Org org() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        upstream.serve(org);
        String member = org.member("STANDARD");
        return new Org(org, member, org.memberKey(member));
    }

    HttpResponse<String> post(String path, String key, String body, String agent) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("anthropic-version", "2023-06-01")
                        .header("anthropic-beta", "claude-code-20250219,oauth-2025-04-20")
                        .header("User-Agent", agent)
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("x-api-key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String message(boolean stream, String model) {
        return message(stream, model, "hi");
    }

    /** A message whose text tells the stand-in model how to answer ("overloaded", "slowly", …). */
    static String message(boolean stream, String model, String text) {
        return "{\"model\":\""
                + model
                + "\",\"max_tokens\":1024,\"stream\":"
                + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text
                + "\"}]}";
    }

    /** The member's use of their first window, as the API shows it. */
    String used(Org org) {
        awaitGatewaySettlements();
        return org.fixture().usageOf(org.member()).body().at("/windows/0/used").asString();
    }

    static JsonNode json(String body) {
        return Api.JSON.readTree(body);
    }

    @Test
    void EX4_anAnswerComesThroughAndItsUsageIsSettled() throws Exception {
        Org org = org();
        HttpResponse<String> answer =
                post(
                        "/v1/messages?beta=true",
                        org.key(),
                        message(false, "claude-sonnet-4-5"),
                        "claude-cli/2.1.328 (external, cli)");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer.body()).at("/content/0/text").asString())
                .isEqualTo("Hello from upstream");
        assertThat(answer.headers().firstValue("request-id")).isPresent();
        StandInUpstream.Received sent = upstream.received.getLast();
        assertThat(sent.path()).isEqualTo("/v1/messages?beta=true");
        assertThat(sent.headers().get("X-api-key")).containsExactly(StandInUpstream.KEY);
        assertThat(sent.headers().toString()).doesNotContain(org.key());
        assertThat(sent.headers().get("Anthropic-beta"))
                .containsExactly("claude-code-20250219,oauth-2025-04-20");
        assertThat(sent.body()).isEqualTo(message(false, "claude-sonnet-4-5"));
        // 1,200 input at $3 and 800 output at $15 per million tokens.
        assertThat(used(org)).isEqualTo("0.0156");
        awaitGatewaySettlements();
        assertThat(org.fixture().owner.get(org.fixture().path("/usage?groupBy=product")).raw())
                .contains("CLAUDE_CODE");
    }

    @Test
    void EX4_aStreamIsRelayedEventByEventAndItsFinalUsageReplacesTheFirst() throws Exception {
        Org org = org();
        HttpResponse<String> answer =
                post("/v1/messages", org.key(), message(true, "claude-sonnet-4-5"), "my-app/1.0");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse(""))
                .contains("text/event-stream");
        assertThat(answer.body()).isEqualTo(String.join("", StandInUpstream.STREAM));
        assertThat(used(org)).isEqualTo("0.0156");
        awaitGatewaySettlements();
        assertThat(org.fixture().owner.get(org.fixture().path("/usage?groupBy=product")).raw())
                .contains("\"CLAUDE\"");
    }

    @Test
    void EX4_aStreamTheRequestDidNotAskForIsStillRelayedAndBilledAsAStream() throws Exception {
        Org org = org();
        HttpResponse<String> answer =
                post(
                        "/v1/messages",
                        org.key(),
                        message(false, "claude-sonnet-4-5", "stream anyway"),
                        "my-app/1.0");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(String.join("", StandInUpstream.STREAM));
        assertThat(used(org)).isEqualTo("0.0156");
    }

    /**
     * A long stream keeps flowing: its pings reach the client as they are sent, spread over the
     * whole stream, and it is billed once at its end. {@code reliability/long-stream.sh} runs it
     * for ten minutes.
     */
    @Test
    void EX4_aLongStreamFlowsEventByEventAndIsBilledOnce() throws Exception {
        int seconds = Integer.getInteger("headroom.gateway.long-stream-seconds", 5);
        Org org = org();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/messages"))
                        .header("Content-Type", "application/json")
                        .header("x-api-key", org.key())
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        message(
                                                true,
                                                "claude-sonnet-4-5",
                                                "talk for " + seconds + " seconds")))
                        .build();
        HttpResponse<java.util.stream.Stream<String>> answer =
                http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(answer.statusCode()).isEqualTo(200);
        List<Long> pings = new java.util.ArrayList<>();
        List<String> events = new java.util.ArrayList<>();
        try (java.util.stream.Stream<String> lines = answer.body()) {
            lines.filter(line -> line.startsWith("event: "))
                    .forEach(line -> {
                        events.add(line);
                        if (line.equals("event: ping")) {
                            pings.add(System.nanoTime());
                        }
                    });
        }
        assertThat(pings).hasSize(seconds);
        // Relayed as they came, not gathered: the pings arrived about a second apart.
        assertThat(pings.getLast() - pings.getFirst())
                .isGreaterThanOrEqualTo((seconds - 1) * 500_000_000L);
        assertThat(events.getLast()).isEqualTo("event: message_stop");
        assertThat(used(org)).isEqualTo("0.0156");
    }

    @Test
    void EX4_aClientThatLeavesMidStreamIsStillCharged() throws Exception {
        Org org = org();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/messages"))
                        .header("Content-Type", "application/json")
                        .header("x-api-key", org.key())
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        message(true, "claude-sonnet-4-5", "slowly")))
                        .build();
        HttpResponse<java.io.InputStream> answer =
                http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream events = answer.body()) {
            // The first event arrives as it is sent, long before the stream ends.
            byte[] first = new byte[64];
            assertThat(events.read(first)).isPositive();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"0.0156".equals(used(org))) {
            assertThat(System.nanoTime())
                    .as("usage settled after the client left")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void EX4_aDeniedRequestIsAnthropicsRateLimitErrorAndNeverReachesTheUpstream() throws Exception {
        Org org = org();
        org.fixture().windows("STANDARD", "session", "PT5H", "0.000001");
        assertThat(org.fixture().spendCents(org.member(), 1).status()).isEqualTo(200);
        int before = upstream.messages.get();
        HttpResponse<String> denied =
                post(
                        "/v1/messages",
                        org.key(),
                        message(false, "claude-sonnet-4-5"),
                        "claude-cli/2.1.328");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("x-should-retry")).contains("false");
        assertThat(Long.parseLong(denied.headers().firstValue("retry-after").orElseThrow()))
                .isPositive();
        JsonNode body = json(denied.body());
        assertThat(body.get("type").asString()).isEqualTo("error");
        assertThat(body.at("/error/type").asString()).isEqualTo("rate_limit_error");
        assertThat(body.at("/error/headroom/reason").asString()).isEqualTo("INCLUDED_EXHAUSTED");
        assertThat(body.at("/error/headroom/requestAction").asString()).isEqualTo("AVAILABLE");
        assertThat(body.at("/error/message").asString())
                .contains("included in your seat")
                .contains("You can continue at 2027-05-20 14:00 UTC")
                .contains("Request extra usage");
        assertThat(upstream.messages.get()).isEqualTo(before);
    }

    @Test
    void EX4_keysModelsAndPathsAreRefusedInAnthropicsShape() throws Exception {
        Org org = org();
        int before = upstream.messages.get();
        HttpResponse<String> noKey =
                post("/v1/messages", null, message(false, "claude-sonnet-4-5"), "x");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey.body()).at("/error/type").asString())
                .isEqualTo("authentication_error");
        // Refusals are final: SDKs and Claude Code show them instead of retrying.
        assertThat(noKey.headers().firstValue("x-should-retry")).hasValue("false");
        HttpResponse<String> service =
                post(
                        "/v1/messages",
                        org.fixture().service.key(),
                        message(false, "claude-sonnet-4-5"),
                        "x");
        assertThat(service.statusCode()).isEqualTo(401);
        HttpResponse<String> unpriced =
                post("/v1/messages", org.key(), message(false, "claude-nonexistent-9"), "x");
        assertThat(unpriced.statusCode()).isEqualTo(400);
        assertThat(json(unpriced.body()).at("/error/type").asString())
                .isEqualTo("invalid_request_error");
        assertThat(json(unpriced.body()).at("/error/message").asString())
                .contains("claude-nonexistent-9");
        HttpResponse<String> other = post("/v1/complete", org.key(), "{}", "x");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json(other.body()).at("/error/type").asString()).isEqualTo("not_found_error");
        assertThat(other.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(upstream.messages.get()).isEqualTo(before);
    }

    @Test
    void EX4_upstreamErrorsPassThroughAndChargeNothing() throws Exception {
        Org org = org();
        HttpResponse<String> overloaded =
                post(
                        "/v1/messages",
                        org.key(),
                        message(false, "claude-sonnet-4-5", "overloaded"),
                        "x");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json(overloaded.body()).at("/error/type").asString())
                .isEqualTo("overloaded_error");
        HttpResponse<String> counted =
                post(
                        "/v1/messages/count_tokens",
                        org.key(),
                        message(false, "claude-sonnet-4-5"),
                        "x");
        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(json(counted.body()).get("input_tokens").asInt()).isEqualTo(42);
        assertThat(used(org)).isEqualTo("0.00");
    }

    @Test
    void EX4_anErrorAfterTheStreamStartedChargesWhatTheUpstreamReported() throws Exception {
        Org org = org();
        HttpResponse<String> broken =
                post(
                        "/v1/messages",
                        org.key(),
                        message(true, "claude-sonnet-4-5", "broken stream"),
                        "x");
        assertThat(broken.statusCode()).isEqualTo(200);
        assertThat(broken.body()).contains("event: error").contains("overloaded_error");
        // message_start reported 1,200 input and 1 output token: that, and nothing more.
        assertThat(used(org)).isEqualTo("0.003615");
        HttpResponse<String> refused =
                post(
                        "/v1/messages",
                        org.key(),
                        message(false, "claude-sonnet-4-5", "unauthorised"),
                        "x");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused.body()).at("/error/message").asString())
                .isEqualTo("invalid x-api-key");
    }

    @Test
    void EX4_anUpstreamThatDropsMidStreamEndsInAnErrorEventAndChargesWhatItReported()
            throws Exception {
        Org org = org();
        HttpResponse<String> dropped =
                post(
                        "/v1/messages",
                        org.key(),
                        message(true, "claude-sonnet-4-5", "dropped stream"),
                        "x");
        assertThat(dropped.statusCode()).isEqualTo(200);
        assertThat(dropped.body())
                .startsWith(StandInUpstream.STREAM.getFirst())
                .endsWith(
                        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                + "\"message\":\"The upstream connection was lost mid-stream.\"}}\n\n");
        // message_start reported 1,200 input and 1 output token: that, and nothing more.
        assertThat(used(org)).isEqualTo("0.003615");
        // A JSON answer cut off before its usage: the member gets an error and pays nothing.
        HttpResponse<String> droppedJson =
                post(
                        "/v1/messages",
                        org.key(),
                        message(false, "claude-sonnet-4-5", "dropped stream"),
                        "x");
        assertThat(droppedJson.statusCode()).isEqualTo(502);
        assertThat(json(droppedJson.body()).at("/error/type").asString()).isEqualTo("api_error");
        assertThat(used(org)).isEqualTo("0.003615");
    }

    /**
     * The journal cannot be written (its database refuses every row): no answer's last bytes go out
     * unbilled, and the member is told in Anthropic's shape — a 500 {@code api_error} for a JSON
     * answer, an {@code error} event instead of {@code message_stop} for a stream.
     */
    @Test
    void EX4_aJournalThatCannotBeWrittenServesNoLastByteAndAnswersInAnthropicsShape()
            throws Exception {
        Org org = org();
        jdbc.sql(
                        "alter table gateway_usage_journal add constraint refuse_all"
                                + " check (false) not valid")
                .update();
        HttpResponse<String> plain;
        HttpResponse<String> stream;
        try {
            plain = post("/v1/messages", org.key(), message(false, "claude-sonnet-4-5"), "x");
            stream = post("/v1/messages", org.key(), message(true, "claude-sonnet-4-5"), "x");
        } finally {
            jdbc.sql("alter table gateway_usage_journal drop constraint refuse_all").update();
        }
        assertThat(plain.statusCode()).isEqualTo(500);
        assertThat(json(plain.body()).at("/type").asString()).isEqualTo("error");
        assertThat(json(plain.body()).at("/error/type").asString()).isEqualTo("api_error");
        assertThat(plain.body()).doesNotContain("Hello from upstream");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body())
                .startsWith(StandInUpstream.STREAM.getFirst())
                .doesNotContain("message_stop")
                .endsWith(
                        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                + "\"message\":\"Headroom failed unexpectedly; this request is not"
                                + " billed.\"}}\n\n");
        assertThat(used(org)).isEqualTo("0.00");
        // Once the journal takes rows again, answers come through and are billed.
        HttpResponse<String> again =
                post("/v1/messages", org.key(), message(false, "claude-sonnet-4-5"), "x");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(used(org)).isEqualTo("0.0156");
    }

    @Test
    void EX4_anUnreachableUpstreamIsAnApiErrorAndTheModelsComeFromThePriceBook() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        org.operator.put(
                org.path("/gateway"),
                Map.of("upstreamUrl", "http://127.0.0.1:9", "upstreamKey", "k"));
        String member = org.member("STANDARD");
        String key = org.memberKey(member);
        HttpResponse<String> unreachable =
                post("/v1/messages", key, message(false, "claude-sonnet-4-5"), "x");
        assertThat(unreachable.statusCode()).isEqualTo(502);
        assertThat(json(unreachable.body()).at("/error/type").asString()).isEqualTo("api_error");
        assertThat(org.usageOf(member).body().at("/windows/0/used").asString()).isEqualTo("0.00");
        HttpResponse<String> models =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + port + "/v1/models"))
                                .header("x-api-key", key)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body())
                .contains("\"id\":\"claude-opus-5-5\"")
                .contains("\"has_more\":false");
    }

    @Test
    void EX4_theUpstreamKeyIsNeverShownBackAndOwnersStayWithinTheAllowedUpstreams() {
        Org org = org();
        Api.Response view = org.fixture().owner.get(org.fixture().path("/gateway"));
        assertThat(view.text("upstreamUrl")).isEqualTo(upstream.url());
        assertThat(view.body().get("upstreamKeySet").asBoolean()).isTrue();
        assertThat(view.raw()).doesNotContain(StandInUpstream.KEY);
        Api.Response elsewhere =
                org.fixture()
                        .owner
                        .put(
                                org.fixture().path("/gateway"),
                                Map.of(
                                        "upstreamUrl",
                                        "https://models.example",
                                        "upstreamKey",
                                        "k"));
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(
                        org.fixture()
                                .operator
                                .put(
                                        org.fixture().path("/gateway"),
                                        Map.of(
                                                "upstreamUrl",
                                                "https://models.example",
                                                "upstreamKey",
                                                "k"))
                                .status())
                .isEqualTo(200);
        assertThat(org.fixture().owner.get(org.fixture().path("/audit-log")).raw())
                .contains("gateway.upstream")
                .doesNotContain(StandInUpstream.KEY);
    }

    /** EX-1: a strict org whose member has no included usage and the given monthly cap. */
    Org strictOrg(String cap) {
        Org org = org();
        org.fixture().windows("STANDARD", "session", "PT5H", "0");
        org.fixture().put("/extra-usage", Map.of("enabled", true, "strict", true));
        org.fixture().limit("/members/" + org.member() + "/spend-limit", cap);
        return org;
    }

    String held(Org org) {
        return org.fixture().owner.get(org.fixture().path("/extra-usage")).text("held");
    }

    String mtd(Org org) {
        awaitGatewaySettlements();
        return org.fixture().usageOf(org.member()).text("mtdSpend");
    }

    static String asking(long maxTokens, String text) {
        return message(false, "claude-sonnet-4-5", text)
                .replace("\"max_tokens\":1024", "\"max_tokens\":" + maxTokens);
    }

    @Test
    void EX1_throughTheGatewayAHoldIsTakenSettledAndReleased() throws Exception {
        Org org = strictOrg("1.00");
        HttpResponse<String> answer =
                post(
                        "/v1/messages",
                        org.key(),
                        asking(1_024, "hi"),
                        "claude-cli/2.1.328 (external, cli)");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-headroom-max-tokens")).isEmpty();
        assertThat(json(upstream.received.getLast().body()).get("max_tokens").asLong())
                .isEqualTo(1_024);
        assertThat(mtd(org)).isEqualTo("0.0156");
        assertThat(held(org)).isEqualTo("0.00");

        // An upstream error with no usage charges nothing and gives the hold back.
        HttpResponse<String> overloaded =
                post("/v1/messages", org.key(), asking(1_024, "overloaded"), "my-app/1.0");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(held(org)).isEqualTo("0.00");

        HttpResponse<String> noMax =
                post(
                        "/v1/messages",
                        org.key(),
                        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[]}",
                        "my-app/1.0");
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(json(noMax.body()).at("/error/message").asString()).contains("max_tokens");
    }

    @Test
    void EX1_throughTheGatewayMaxTokensIsLoweredToTheRoomThenDenied() throws Exception {
        // $0.05: the first request's hold takes $0.0163 of it, its usage $0.0156.
        Org org = strictOrg("0.05");
        post("/v1/messages", org.key(), asking(1_024, "hi"), "my-app/1.0");
        assertThat(mtd(org)).isEqualTo("0.0156");
        HttpResponse<String> lowered =
                post("/v1/messages", org.key(), asking(32_000, "hi"), "my-app/1.0");
        assertThat(lowered.statusCode()).as(lowered.body()).isEqualTo(200);
        long maxTokens =
                Long.parseLong(lowered.headers().firstValue("x-headroom-max-tokens").orElseThrow());
        assertThat(maxTokens).isBetween(1_024L, 2_300L);
        assertThat(json(upstream.received.getLast().body()).get("max_tokens").asLong())
                .isEqualTo(maxTokens);
        assertThat(mtd(org)).isEqualTo("0.0312");
        // $0.0188 left pays for the prompt and about 1,200 output tokens: more than the floor.
        assertThat(post("/v1/messages", org.key(), asking(32_000, "hi"), "my-app/1.0").statusCode())
                .isEqualTo(200);
        assertThat(mtd(org)).isEqualTo("0.0468");
        HttpResponse<String> denied =
                post("/v1/messages", org.key(), asking(32_000, "hi"), "my-app/1.0");
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(429);
        assertThat(json(denied.body()).at("/error/headroom/reason").asString())
                .isEqualTo("MEMBER_CAP_REACHED");
        assertThat(json(denied.body()).at("/error/message").asString())
                .startsWith(
                        "Your monthly extra-usage limit of 0.05 USD has no room for this request: 0.0468 USD spent and 0.00 USD held");
    }
}
