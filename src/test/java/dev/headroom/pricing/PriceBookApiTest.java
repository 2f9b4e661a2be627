package dev.headroom.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** XU-20, EX-2: the shipped price book and dated versions added through the API. */
class PriceBookApiTest extends IntegrationTest {

    @Test
    void EX2_theShippedPriceBookHasTheCurrentClaudeModels() {
        JsonNode items = operator().get("/api/v1/prices").body().get("items");
        Map<String, JsonNode> byModel = new HashMap<>();
        items.forEach(item -> byModel.putIfAbsent(item.get("model").asString(), item));
        assertThat(byModel)
                .containsKeys(
                        "claude-opus-5-5",
                        "claude-opus-5",
                        "claude-opus-4-8",
                        "claude-opus-4-7",
                        "claude-opus-4-6",
                        "claude-sonnet-5-5",
                        "claude-sonnet-5",
                        "claude-haiku-5-5",
                        "claude-fable-5-1",
                        "claude-fable-5",
                        "claude-mythos-5-1",
                        "claude-mythos-5",
                        "claude-opus-4-5",
                        "claude-sonnet-4-5",
                        "claude-haiku-4-5",
                        "claude-opus-4-1",
                        "claude-3-5-haiku");
        JsonNode sonnet = byModel.get("claude-sonnet-4-5");
        assertThat(sonnet.get("inputPerMTok").asString()).isEqualTo("3.00");
        assertThat(sonnet.get("outputPerMTok").asString()).isEqualTo("15.00");
        assertThat(sonnet.get("cacheWrite5mPerMTok").asString()).isEqualTo("3.75");
        assertThat(sonnet.get("cacheWrite1hPerMTok").asString()).isEqualTo("6.00");
        assertThat(sonnet.get("cacheReadPerMTok").asString()).isEqualTo("0.30");
        assertThat(sonnet.at("/longContext/thresholdInputTokens").asLong()).isEqualTo(200_000);
        assertThat(sonnet.at("/longContext/inputPerMTok").asString()).isEqualTo("6.00");
        assertThat(sonnet.get("webSearchPerThousand").asString()).isEqualTo("10.00");
        assertThat(sonnet.get("batchDiscountPercent").asInt()).isEqualTo(50);
        assertThat(byModel.get("claude-3-haiku").get("cacheReadPerMTok").asString())
                .isEqualTo("0.03");
    }

    /** EX-2: today's models, Claude Code's default among them, each at its own rates. */
    @Test
    void EX2_todaysModelsArePricedWithTheirOwnCacheRatesAndTiers() {
        OrgFixture org =
                scenario().org("ENTERPRISE_USAGE", "UTC", Instant.parse("2027-01-05T09:00:00Z"));
        org.operator.put(org.path("/spend-limit"), Map.of("amount", "1000"));
        String member = org.member(null);
        // Opus 5.5: $4 in, $20 out, $0.20 cache reads (0.05x).
        assertThat(cost(org, member, "claude-opus-5-5", 1_000_000, 0, 0)).isEqualTo("4.00");
        assertThat(cost(org, member, "claude-opus-5-5", 0, 1_000_000, 0)).isEqualTo("20.00");
        assertThat(cost(org, member, "claude-opus-5-5", 0, 0, 1_000_000)).isEqualTo("0.20");
        // A dated id resolves to its model.
        assertThat(cost(org, member, "claude-opus-5-5-20260918", 1_000_000, 0, 0))
                .isEqualTo("4.00");
        // Sonnet 5.5's cache reads were cut to $0.10 on 2026-10-07.
        assertThat(cost(org, member, "claude-sonnet-5-5", 0, 0, 1_000_000)).isEqualTo("0.10");
        assertThat(cost(org, member, "claude-fable-5-1", 1_000_000, 1_000_000, 0))
                .isEqualTo("60.00");
        // Haiku 5.5: $0.10 / $0.50 up to a 100k-token prompt; above it every token at $0.50 /
        // $2.50.
        assertThat(cost(org, member, "claude-haiku-5-5", 100_000, 100_000, 0)).isEqualTo("0.06");
        assertThat(cost(org, member, "claude-haiku-5-5", 100_001, 100_000, 0))
                .isEqualTo("0.3000005");
    }

    private static String cost(
            OrgFixture org, String member, String model, long input, long output, long cacheRead) {
        Map<String, Object> usage = new HashMap<>();
        usage.put("input_tokens", input);
        usage.put("output_tokens", output);
        usage.put("cache_read_input_tokens", cacheRead);
        Map<String, Object> body =
                new HashMap<>(org.usageBody(member, "p-" + System.nanoTime(), org.now(), 0, 0));
        body.put("model", model);
        body.put("usage", usage);
        Api.Response settled = org.service.post("/api/v1/usage", body);
        assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
        return settled.text("cost");
    }

    @Test
    void XU20_aNewDatedVersionPricesUsageFromItsDateAndKeepsTheOldOne() {
        Map<String, Object> v1 = price("2020-01-01T00:00:00Z", "2.00", "10.00");
        Map<String, Object> v2 = price("2027-06-01T00:00:00Z", "1.00", "5.00");
        assertThat(operator().put("/api/v1/prices/headroom-test-model", v1).status())
                .isEqualTo(200);
        Api.Response put = operator().put("/api/v1/prices/headroom-test-model", v2);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        long versions = 0;
        for (JsonNode item : operator().get("/api/v1/prices").body().get("items")) {
            if (item.get("model").asString().equals("headroom-test-model")) {
                versions++;
            }
        }
        assertThat(versions).isEqualTo(2);

        OrgFixture org =
                scenario().org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-06-01T00:30:00Z"));
        String m = org.member("PREMIUM");
        Map<String, Object> before =
                new HashMap<>(
                        org.usageBody(
                                m, "p1", Instant.parse("2027-05-31T23:59:59Z"), 1_000_000, 0));
        before.put("model", "headroom-test-model");
        assertThat(org.service.post("/api/v1/usage", before).text("cost")).isEqualTo("2.00");
        Map<String, Object> after =
                new HashMap<>(
                        org.usageBody(
                                m, "p2", Instant.parse("2027-06-01T00:00:00Z"), 1_000_000, 0));
        after.put("model", "headroom-test-model");
        assertThat(org.service.post("/api/v1/usage", after).text("cost")).isEqualTo("1.00");
    }

    @Test
    void EX9_badPricesAreRefused() {
        Map<String, Object> negative = price("2027-01-01T00:00:00Z", "-1", "10");
        assertThat(operator().put("/api/v1/prices/m-neg", negative).errorCode())
                .isEqualTo("VALIDATION_FAILED");
        Map<String, Object> tooFine = price("2027-01-01T00:00:00Z", "1.0001", "10");
        Api.Response fine = operator().put("/api/v1/prices/m-fine", tooFine);
        assertThat(fine.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(fine.body().at("/error/message").asString())
                .contains("whole number of nano-units");
        Map<String, Object> noDate = price("2027-01-01T00:00:00Z", "1", "10");
        noDate.remove("effectiveFrom");
        assertThat(operator().put("/api/v1/prices/m-nodate", noDate).errorCode())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(operator().get("/api/v1/prices").raw())
                .doesNotContain("m-neg", "m-fine", "m-nodate");
    }

    static Map<String, Object> price(String from, String input, String output) {
        Map<String, Object> body = new HashMap<>();
        body.put("effectiveFrom", from);
        body.put("inputPerMTok", input);
        body.put("outputPerMTok", output);
        body.put("cacheWrite5mPerMTok", "1.25");
        body.put("cacheWrite1hPerMTok", "2.00");
        body.put("cacheReadPerMTok", "0.10");
        return body;
    }
}
