package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK, unmodified, with Headroom as its base URL and a member key as
 * its API key (EX-4): plain and streaming messages, count_tokens, and Headroom's and the upstream's
 * errors as the SDK's own exceptions.
 */
class GatewaySdkTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-03T09:00:00Z");
    static StandInUpstream upstream;

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = new StandInUpstream();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    record Member(OrgFixture org, String id, AnthropicClient client) {}

    Member member() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        upstream.serve(org);
        String id = org.member("STANDARD");
        AnthropicClient client =
                AnthropicOkHttpClient.builder()
                        .baseUrl("http://localhost:" + port)
                        .apiKey(org.memberKey(id))
                        .maxRetries(0)
                        .build();
        return new Member(org, id, client);
    }

    static MessageCreateParams hello(String text) {
        return MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(1024)
                .addUserMessage(text)
                .build();
    }

    String used(Member m) {
        awaitGatewaySettlements();
        return m.org().usageOf(m.id()).body().at("/windows/0/used").asString();
    }

    @Test
    void EX4_theJavaSdkGetsAnAnswerAndAStreamThroughHeadroom() {
        Member m = member();
        Message answer = m.client().messages().create(hello("hi"));
        assertThat(answer.content().getFirst().text().orElseThrow().text())
                .isEqualTo("Hello from upstream");
        assertThat(answer.usage().outputTokens()).isEqualTo(800);
        assertThat(used(m)).isEqualTo("0.0156");

        List<RawMessageStreamEvent> events;
        try (StreamResponse<RawMessageStreamEvent> stream =
                m.client().messages().createStreaming(hello("hi"))) {
            events = stream.stream().toList();
        }
        assertThat(events).hasSize(6); // the ping is no message event of the SDK's
        assertThat(events.getFirst().isMessageStart()).isTrue();
        assertThat(events.getLast().isMessageStop()).isTrue();
        assertThat(used(m)).isEqualTo("0.0312");

        long counted =
                m.client()
                        .messages()
                        .countTokens(
                                MessageCountTokensParams.builder()
                                        .model("claude-sonnet-4-5")
                                        .addUserMessage("hi")
                                        .build())
                        .inputTokens();
        assertThat(counted).isEqualTo(42);
    }

    /** The TypeScript SDK, run by Node from the project's own npm install (test.sh). */
    @Test
    void EX4_theTypeScriptSdkGetsAnswersStreamsAndItsRateLimitError() throws Exception {
        Member m = member();
        Member limited = member();
        limited.org().windows("STANDARD", "session", "PT5H", "0.000001");
        assertThat(limited.org().spendCents(limited.id(), 1).status()).isEqualTo(200);
        java.nio.file.Path npm = java.nio.file.Path.of(".tools/npm");
        java.nio.file.Path script = npm.resolve("sdk-check.mjs");
        try (var in = getClass().getResourceAsStream("/gateway/sdk-check.mjs")) {
            java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Process node =
                new ProcessBuilder(
                                "node",
                                script.getFileName().toString(),
                                "http://localhost:" + port,
                                m.org().memberKey(m.id()),
                                limited.org().memberKey(limited.id()))
                        .directory(npm.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out =
                new String(
                        node.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(out).isZero();
        var seen = Api.JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(seen.get("text").asString()).isEqualTo("Hello from upstream");
        assertThat(seen.get("outputTokens").asInt()).isEqualTo(800);
        assertThat(seen.get("events").toString())
                .isEqualTo(
                        "[\"message_start\",\"content_block_start\",\"content_block_delta\","
                                + "\"content_block_stop\",\"message_delta\",\"message_stop\"]");
        assertThat(seen.get("final").asInt()).isEqualTo(800);
        assertThat(seen.get("limited").asString()).isEqualTo("RateLimitError");
        assertThat(seen.get("reason").asString()).isEqualTo("INCLUDED_EXHAUSTED");
        assertThat(used(m)).isEqualTo("0.0312");
    }

    @Test
    void EX4_theJavaSdkRaisesItsUsualExceptions() {
        Member m = member();
        m.org().windows("STANDARD", "session", "PT5H", "0.000001");
        assertThat(m.org().spendCents(m.id(), 1).status()).isEqualTo(200);
        assertThatThrownBy(() -> m.client().messages().create(hello("hi")))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("included in your seat");

        AnthropicClient stranger =
                AnthropicOkHttpClient.builder()
                        .baseUrl("http://localhost:" + port)
                        .apiKey("hr_not_a_key")
                        .maxRetries(0)
                        .build();
        assertThatThrownBy(() -> stranger.messages().create(hello("hi")))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() ->
                        m.client()
                                .messages()
                                .create(
                                        MessageCreateParams.builder()
                                                .model("claude-unpriced-1")
                                                .maxTokens(10)
                                                .addUserMessage("hi")
                                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("claude-unpriced-1");

        Member other = member();
        assertThatThrownBy(() -> other.client().messages().create(hello("overloaded")))
                .isInstanceOf(OverloadedException.class);
        assertThat(used(other)).isEqualTo("0.00");
    }
}
