package dev.headroom.gateway;

import dev.headroom.pricing.TokenUsage;
import tools.jackson.databind.JsonNode;

/**
 * The usage of one Messages API answer, as the upstream reports it: a JSON body's {@code usage}, or
 * a stream's — {@code message_start}'s usage, then each {@code message_delta}'s cumulative figures
 * replacing the fields they carry (never added). Every token class is kept: cache writes of 5
 * minutes and 1 hour, cache reads, server-side web searches.
 */
public final class MessageUsage {
    private long input;
    private long output;
    private long cacheWrite;
    private long cacheWrite5m;
    private long cacheWrite1h;
    private long cacheRead;
    private long webSearch;
    private boolean batch;
    private boolean reported;

    /** Takes the fields {@code usage} carries, replacing what was known. */
    public void update(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        reported = true;
        input = field(usage, "input_tokens", input);
        output = field(usage, "output_tokens", output);
        cacheWrite = field(usage, "cache_creation_input_tokens", cacheWrite);
        cacheRead = field(usage, "cache_read_input_tokens", cacheRead);
        JsonNode creation = usage.get("cache_creation");
        if (creation != null && creation.isObject()) {
            cacheWrite5m = field(creation, "ephemeral_5m_input_tokens", cacheWrite5m);
            cacheWrite1h = field(creation, "ephemeral_1h_input_tokens", cacheWrite1h);
        }
        JsonNode tools = usage.get("server_tool_use");
        if (tools != null && tools.isObject()) {
            webSearch = field(tools, "web_search_requests", webSearch);
        }
        JsonNode tier = usage.get("service_tier");
        if (tier != null && tier.isString()) {
            batch = "batch".equals(tier.asString());
        }
    }

    /** Whether the upstream said anything about usage: only then is anything charged. */
    public boolean reported() {
        return reported;
    }

    /** The cache writes not split by lifetime count as 5-minute writes, the API's default. */
    public TokenUsage toTokenUsage() {
        long uncovered = Math.max(0, cacheWrite - cacheWrite5m - cacheWrite1h);
        return new TokenUsage(
                input, output, cacheWrite5m + uncovered, cacheWrite1h, cacheRead, webSearch, batch);
    }

    private static long field(JsonNode node, String name, long previous) {
        JsonNode value = node.get(name);
        return value != null && value.isIntegralNumber() && value.asLong() >= 0
                ? value.asLong()
                : previous;
    }
}
