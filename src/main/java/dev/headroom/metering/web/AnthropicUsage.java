package dev.headroom.metering.web;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headroom.core.ApiException;
import dev.headroom.pricing.TokenUsage;

/**
 * The {@code usage} block exactly as the Messages API returns it (snake_case). Fields Headroom does
 * not price are ignored so that a response's usage can be passed on unchanged.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnthropicUsage(
        @JsonProperty("input_tokens") Long inputTokens,
        @JsonProperty("output_tokens") Long outputTokens,
        @JsonProperty("cache_creation_input_tokens") Long cacheCreationInputTokens,
        @JsonProperty("cache_read_input_tokens") Long cacheReadInputTokens,
        @JsonProperty("cache_creation") CacheCreation cacheCreation,
        @JsonProperty("server_tool_use") ServerToolUse serverToolUse,
        @JsonProperty("service_tier") String serviceTier) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CacheCreation(
            @JsonProperty("ephemeral_5m_input_tokens") Long ephemeral5mInputTokens,
            @JsonProperty("ephemeral_1h_input_tokens") Long ephemeral1hInputTokens) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ServerToolUse(@JsonProperty("web_search_requests") Long webSearchRequests) {}

    /**
     * Cache writes: the per-lifetime split when given; any part of {@code
     * cache_creation_input_tokens} it does not cover counts as 5-minute writes, the API's default.
     */
    public TokenUsage toTokenUsage() {
        if (inputTokens == null || outputTokens == null) {
            throw ApiException.validation(
                    "usage.input_tokens and usage.output_tokens are required.");
        }
        long write5m =
                count(
                        "cache_creation.ephemeral_5m_input_tokens",
                        cacheCreation == null ? null : cacheCreation.ephemeral5mInputTokens());
        long write1h =
                count(
                        "cache_creation.ephemeral_1h_input_tokens",
                        cacheCreation == null ? null : cacheCreation.ephemeral1hInputTokens());
        long total = count("cache_creation_input_tokens", cacheCreationInputTokens);
        long uncovered = total - write5m - write1h;
        if (uncovered > 0) {
            write5m += uncovered;
        }
        return new TokenUsage(
                count("input_tokens", inputTokens),
                count("output_tokens", outputTokens),
                write5m,
                write1h,
                count("cache_read_input_tokens", cacheReadInputTokens),
                count(
                        "server_tool_use.web_search_requests",
                        serverToolUse == null ? null : serverToolUse.webSearchRequests()),
                "batch".equals(serviceTier));
    }

    private static long count(String field, Long value) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > 1_000_000_000_000L) {
            throw ApiException.validation(
                    "usage."
                            + field
                            + " must be a token count from 0 to 10^12, got "
                            + value
                            + ".");
        }
        return value;
    }
}
