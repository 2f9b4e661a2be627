package dev.headroom.gateway;

import tools.jackson.databind.JsonNode;

/**
 * EX-1 through the gateway: an upper bound of a request's prompt tokens without asking the
 * upstream. Every token of text is at least one byte of UTF-8, so the request body's length bounds
 * the prompt — system prompt, messages, tool definitions and the JSON around them — from above. The
 * exception is base64 images: the Messages API bills an image by its pixels, at most about 1,600
 * tokens once it is scaled to its size limit, so each counts that much instead of its bytes.
 * Documents (PDFs) count their bytes; a page with little data can cost more tokens than bytes, the
 * one shape this bound can miss (the settlement charges it in full and counts it).
 */
public final class PromptEstimate {
    /** The most tokens one image costs after the API's scaling (1.15 megapixels / 750). */
    static final long IMAGE_TOKENS_MAX = 1_600;

    private PromptEstimate() {}

    public static long upperBound(JsonNode message, long bodyBytes) {
        long[] images = new long[2]; // count, base64 bytes
        visit(message, images);
        return bodyBytes - images[1] + images[0] * IMAGE_TOKENS_MAX;
    }

    private static void visit(JsonNode node, long[] images) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                visit(item, images);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode source = node.get("source");
        if ("image".equals(node.path("type").asString(""))
                && source != null
                && "base64".equals(source.path("type").asString(""))
                && source.path("data").isString()) {
            images[0]++;
            images[1] += source.get("data").asString().length();
            return;
        }
        for (JsonNode child : node.values()) {
            visit(child, images);
        }
    }
}
