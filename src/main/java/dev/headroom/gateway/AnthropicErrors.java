package dev.headroom.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headroom's own answers on the gateway, in the Messages API's error shape ({@code
 * {"type":"error","error":{"type","message"}}}), so every SDK raises its usual exception.
 */
public final class AnthropicErrors {
    private AnthropicErrors() {}

    /** An error of Anthropic's {@code type} (and, for denials, Headroom's own details). */
    public static Map<String, Object> body(
            String type, String message, Map<String, Object> headroom) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        if (headroom != null) {
            error.put("headroom", headroom);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "error");
        body.put("error", error);
        return body;
    }

    /** The Anthropic error type that goes with an HTTP status Headroom answers with. */
    public static String typeOf(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
    }
}
