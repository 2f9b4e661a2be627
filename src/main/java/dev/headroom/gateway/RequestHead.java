package dev.headroom.gateway;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What the gateway needs of a Messages request before it forwards it: the model asked for and
 * {@code max_tokens}. Claude Code's requests carry its system prompt, tool definitions and the
 * whole conversation — hundreds of kilobytes, growing with the session — so outside strict orgs
 * (which estimate the prompt from the parsed body, EX-1) these two fields are read as the body
 * streams past, never building it in memory (BENCHMARKS.md "Reading a request's head").
 *
 * @param model the {@code model} string, or {@code null} when absent or not a string
 * @param maxTokens {@code max_tokens} when it is a whole number, else {@code null}
 */
public record RequestHead(String model, Long maxTokens) {

    /** The head of {@code body}; empty when the body is not one JSON object. */
    public static Optional<RequestHead> read(ObjectMapper json, byte[] body) {
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String model = null;
            Long maxTokens = null;
            // A repeated field counts with its last value, as in the parsed tree.
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "model" ->
                            model = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "max_tokens" -> maxTokens = wholeNumber(parser, value);
                    default -> {}
                }
                // Every other value is read past token by token, so malformed JSON is refused.
                parser.skipChildren();
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(new RequestHead(model, maxTokens));
        } catch (JacksonException notJson) {
            return Optional.empty();
        }
    }

    /** The head of an already parsed body. */
    public static Optional<RequestHead> of(JsonNode message) {
        if (message == null || !message.isObject()) {
            return Optional.empty();
        }
        JsonNode model = message.get("model");
        JsonNode maxTokens = message.get("max_tokens");
        return Optional.of(
                new RequestHead(
                        model != null && model.isString() ? model.asString() : null,
                        maxTokens != null
                                        && maxTokens.isIntegralNumber()
                                        && maxTokens.canConvertToLong()
                                ? maxTokens.asLong()
                                : null));
    }

    private static Long wholeNumber(JsonParser parser, JsonToken value) {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            return null;
        }
        JsonParser.NumberType type = parser.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
                ? parser.getLongValue()
                : null;
    }
}
