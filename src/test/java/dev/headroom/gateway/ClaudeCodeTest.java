package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Claude Code itself ({@code @anthropic-ai/claude-code}, installed by {@code test.sh}), unmodified,
 * with two environment variables pointing it at Headroom (EX-4): an answer comes through, its usage
 * is settled as {@code CLAUDE_CODE}, and a member at their limit sees Headroom's sentence at once,
 * after a single request.
 */
class ClaudeCodeTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-10T09:00:00Z");
    static final Path CLAUDE =
            Path.of(
                    System.getenv()
                            .getOrDefault(
                                    "HEADROOM_CLAUDE_CODE", ".tools/npm/node_modules/.bin/claude"));
    static StandInUpstream upstream;

    @BeforeAll
    static void startUpstream() throws Exception {
        assertThat(Files.isExecutable(CLAUDE))
                .as(CLAUDE + " is missing: test.sh installs @anthropic-ai/claude-code")
                .isTrue();
        upstream = new StandInUpstream();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    record Run(int exit, String out, String err) {}

    Run claude(String key, String prompt) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("claude-home");
        Process process = start(key, prompt, home);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            // Still running (retrying, say): stopped, so that what it printed is asserted on.
            process.destroyForcibly().waitFor();
        }
        return new Run(
                process.exitValue(),
                Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    /** Claude Code, headless, its output in {@code home}'s out.txt and err.txt. */
    Process start(String key, String prompt, Path home) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                CLAUDE.toAbsolutePath().toString(),
                                "-p",
                                prompt,
                                "--output-format",
                                "json"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", "http://localhost:" + port);
        env.put("ANTHROPIC_API_KEY", key);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        return builder.redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile())
                .start();
    }

    record Member(OrgFixture org, String id, String key) {}

    static final String REFUSED = "headroom_gateway_requests_total{outcome=\"refused\"}";
    static final String DENIED = "headroom_gateway_requests_total{outcome=\"denied\"}";

    /** A counter's value as {@code /actuator/prometheus} shows it; 0 before its first count. */
    double counter(String series) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.E+-]+)$")
                        .matcher(operator().get("/actuator/prometheus").raw());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    Member member() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        upstream.serve(org);
        String id = org.member("STANDARD");
        return new Member(org, id, org.memberKey(id));
    }

    @Test
    void EX4_claudeCodeAnswersThroughHeadroomAndItsUsageIsClaudeCodes() throws Exception {
        Member m = member();
        Run run = claude(m.key(), "say hi");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode result = Api.JSON.readTree(run.out());
        assertThat(result.get("result").asString()).contains("Hello");
        StandInUpstream.Received sent =
                upstream.received.stream()
                        .filter(r -> r.path().startsWith("/v1/messages"))
                        .reduce((a, b) -> b)
                        .orElseThrow();
        assertThat(sent.headers().get("X-api-key")).containsExactly(StandInUpstream.KEY);
        assertThat(String.join(",", sent.headers().get("User-agent"))).startsWith("claude-cli/");
        awaitGatewaySettlements();
        assertThat(m.org().owner.get(m.org().path("/usage?groupBy=product")).raw())
                .contains("CLAUDE_CODE");
        // Claude Code prices its own request from the public list: Headroom bills the same.
        String claudeCodesCost =
                java.math.BigDecimal.valueOf(result.get("total_cost_usd").asDouble())
                        .stripTrailingZeros()
                        .toPlainString();
        String billed =
                Api.JSON
                        .readTree(m.org().owner.get(m.org().path("/usage?groupBy=product")).raw())
                        .at("/items/0/includedCost")
                        .asString();
        assertThat(new java.math.BigDecimal(billed)).isEqualByComparingTo(claudeCodesCost);
    }

    @Test
    void EX4_aMemberAtTheirLimitSeesWhyAtOnceAfterOneRequest() throws Exception {
        Member m = member();
        m.org().windows("STANDARD", "session", "PT5H", "0.000001");
        assertThat(m.org().spendCents(m.id(), 1).status()).isEqualTo(200);
        int before = upstream.messages.get();
        double denied = counter(DENIED);
        Run run = claude(m.key(), "say hi");
        assertThat(run.out() + run.err()).contains("429").contains("included in your seat");
        assertThat(upstream.messages.get()).isEqualTo(before);
        // Shown after one request: Claude Code did not ask again.
        assertThat(counter(DENIED) - denied).isEqualTo(1.0);
    }

    /**
     * EX-12 with the real client: a member whose key was revoked is told so after one call, where
     * without {@code x-should-retry: false} Claude Code retries a 401 with growing pauses for
     * minutes, printing nothing.
     */
    @Test
    void EX12_aRevokedKeyIsShownAtOnceAfterOneRequest() throws Exception {
        Member m = member();
        Api.Response created =
                m.org()
                        .owner
                        .post(m.org().path("/keys"), Map.of("role", "MEMBER", "memberId", m.id()));
        assertThat(created.status()).isEqualTo(201);
        assertThat(
                        m.org()
                                .owner
                                .send("DELETE", m.org().path("/keys/" + created.text("id")), "")
                                .status())
                .isEqualTo(204);
        double before = counter(REFUSED);
        Run run = claude(created.text("key"), "say hi");
        assertThat(run.out() + run.err()).contains("401").contains("This API key was revoked.");
        assertThat(counter(REFUSED) - before).isEqualTo(1.0);
    }

    /**
     * EX-1 with the real client: in a strict org whose member has $1.00 of room, Claude Code's
     * request for 128,000 output tokens of its default model (a worst case near $3) goes through
     * with max_tokens lowered to what $1.00 pays for, and Claude Code answers as usual.
     */
    @Test
    void EX1_claudeCodeInAStrictOrgRunsWithALoweredMaxTokens() throws Exception {
        Member m = member();
        m.org().windows("STANDARD", "session", "PT5H", "0");
        m.org().put("/extra-usage", Map.of("enabled", true, "strict", true));
        m.org().limit("/members/" + m.id() + "/spend-limit", "1.00");
        Run run = claude(m.key(), "say hi");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(Api.JSON.readTree(run.out()).get("result").asString()).contains("Hello");
        JsonNode sent =
                Api.JSON.readTree(
                        upstream.received.stream()
                                .filter(r ->
                                        r.path().startsWith("/v1/messages?")
                                                || r.path().equals("/v1/messages"))
                                .reduce((a, b) -> b)
                                .orElseThrow()
                                .body());
        long maxTokens = sent.get("max_tokens").asLong();
        assertThat(maxTokens).isBetween(1_024L, 127_999L);
        awaitGatewaySettlements();
        assertThat(m.org().owner.get(m.org().path("/extra-usage")).text("held")).isEqualTo("0.00");
    }

    @Test
    void EX4_claudeCodeKilledMidStreamIsChargedWhatTheModelProduced() throws Exception {
        Member m = member();
        int before = upstream.messages.get();
        Process claude =
                start(m.key(), "talk for 4 seconds", Files.createTempDirectory("claude-home"));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (upstream.messages.get() == before) {
            assertThat(claude.isAlive()).as("Claude Code still running").isTrue();
            assertThat(System.nanoTime()).as("Claude Code's request arrived").isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(1_000);
        claude.destroyForcibly().waitFor();
        // The model goes on to its final usage, which is settled: 1,200 input and 800 output
        // tokens of Claude Code's default model (Opus 5.5: $4 and $20 per million).
        while (!"0.0208".equals(m.org().usageOf(m.id()).body().at("/windows/0/used").asString())) {
            assertThat(System.nanoTime())
                    .as("usage settled after Claude Code was killed")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(upstream.messages.get()).isEqualTo(before + 1);
    }
}
