package dev.headroom.gateway.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The demo's stand-in model (issue 14): the upstream of the demo orgs in the default run, so a
 * newcomer can run Claude Code through Headroom with no Anthropic account. It answers every message
 * with a canned text and a realistic usage (about four characters a token), as JSON or as a
 * Messages API stream. Only on when the demo is ({@code headroom.demo.enabled}).
 */
@RestController
@RequestMapping("/demo-model/v1")
@ConditionalOnProperty(name = "headroom.demo.enabled", havingValue = "true")
public class DemoModel {
    static final String ANSWER =
            "Hello from Headroom's demo model. This answer is canned, but its usage was metered,"
                    + " priced and settled as extra or included usage, just like a real one.";

    private final ObjectMapper json;

    public DemoModel(ObjectMapper json) {
        this.json = json;
    }

    @PostMapping("/messages/count_tokens")
    public Map<String, Object> countTokens(@RequestBody JsonNode request) {
        return Map.of("input_tokens", tokens(request.toString()));
    }

    @PostMapping("/messages")
    public void messages(@RequestBody JsonNode request, HttpServletResponse response)
            throws IOException {
        String model = request.path("model").asString("claude-sonnet-4-5");
        long input = tokens(request.toString());
        long output = tokens(ANSWER);
        response.setHeader("request-id", "req_demo_" + Long.toHexString(System.nanoTime()));
        if (!request.path("stream").asBoolean(false)) {
            response.setContentType("application/json");
            json.writeValue(
                    response.getOutputStream(),
                    Map.of(
                            "id", "msg_demo",
                            "type", "message",
                            "role", "assistant",
                            "model", model,
                            "content", java.util.List.of(Map.of("type", "text", "text", ANSWER)),
                            "stop_reason", "end_turn",
                            "usage", Map.of("input_tokens", input, "output_tokens", output)));
            return;
        }
        response.setContentType("text/event-stream");
        OutputStream out = response.getOutputStream();
        event(
                out,
                "message_start",
                Map.of(
                        "type",
                        "message_start",
                        "message",
                        Map.of(
                                "id",
                                "msg_demo",
                                "type",
                                "message",
                                "role",
                                "assistant",
                                "model",
                                model,
                                "content",
                                java.util.List.of(),
                                "usage",
                                Map.of("input_tokens", input, "output_tokens", 1))));
        event(out, "ping", Map.of("type", "ping"));
        event(
                out,
                "content_block_start",
                Map.of(
                        "type",
                        "content_block_start",
                        "index",
                        0,
                        "content_block",
                        Map.of("type", "text", "text", "")));
        for (String word : ANSWER.split("(?<= )")) {
            event(
                    out,
                    "content_block_delta",
                    Map.of(
                            "type",
                            "content_block_delta",
                            "index",
                            0,
                            "delta",
                            Map.of("type", "text_delta", "text", word)));
        }
        event(out, "content_block_stop", Map.of("type", "content_block_stop", "index", 0));
        event(
                out,
                "message_delta",
                Map.of(
                        "type", "message_delta",
                        "delta", Map.of("stop_reason", "end_turn"),
                        "usage", Map.of("output_tokens", output)));
        event(out, "message_stop", Map.of("type", "message_stop"));
    }

    private void event(OutputStream out, String name, Map<String, Object> data) throws IOException {
        out.write(
                ("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static long tokens(String text) {
        return Math.max(1, text.length() / 4);
    }
}
