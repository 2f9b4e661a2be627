package dev.headroom.bench;

/**
 * A streamed Messages request of the shape and size Claude Code sends early in a session: its
 * system prompt in cached text blocks, twenty tool definitions with long descriptions and JSON
 * schemas, and ten turns of conversation with tool use — about 100 KB, where the benchmarks' small
 * request is 90 bytes. Later in a session the conversation makes it grow past that.
 */
final class ClaudeCodeSizedRequest {
    private static final String SYSTEM_SENTENCE =
            "You are an interactive CLI tool that helps users with software engineering tasks. ";
    private static final String TOOL_SENTENCE =
            "Executes a given command in a persistent shell session with an optional timeout. ";

    private ClaudeCodeSizedRequest() {}

    static String body() {
        StringBuilder b =
                new StringBuilder(
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"stream\":true,\"system\":[");
        for (int i = 0; i < 3; i++) {
            b.append(i > 0 ? "," : "")
                    .append("{\"type\":\"text\",\"text\":\"")
                    .append(SYSTEM_SENTENCE.repeat(60))
                    .append("\",\"cache_control\":{\"type\":\"ephemeral\"}}");
        }
        b.append("],\"tools\":[");
        for (int i = 0; i < 20; i++) {
            b.append(i > 0 ? "," : "")
                    .append("{\"name\":\"Tool")
                    .append(i)
                    .append("\",\"description\":\"")
                    .append(TOOL_SENTENCE.repeat(40))
                    .append(
                            "\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"command\":"
                                    + "{\"type\":\"string\",\"description\":\"The command to run\"},"
                                    + "\"timeout\":{\"type\":\"number\"},\"description\":{\"type\":"
                                    + "\"string\"}},\"required\":[\"command\"],"
                                    + "\"additionalProperties\":false}}");
        }
        b.append("],\"messages\":[");
        for (int i = 0; i < 10; i++) {
            b.append(i > 0 ? "," : "")
                    .append("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"")
                    .append(
                            "please look at src/main/java/Foo.java and fix the bug in line 42 "
                                    .repeat(20))
                    .append("\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",")
                    .append("\"id\":\"toolu_")
                    .append(i)
                    .append("\",\"name\":\"Tool1\",\"input\":{\"command\":\"ls -la\"}}]}");
        }
        return b.append(
                        "],\"metadata\":{\"user_id\":\"user_bench\"},"
                                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}}")
                .toString();
    }
}
