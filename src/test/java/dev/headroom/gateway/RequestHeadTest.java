package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** EX-4: the request's model and max_tokens, read as the body streams past. */
class RequestHeadTest {
    private final ObjectMapper json = JsonMapper.builder().build();

    private Optional<RequestHead> read(String body) {
        return RequestHead.read(json, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void EX4_theModelAndMaxTokensAreReadFromTheTopLevelOnly() {
        String body =
                """
                {"system":[{"type":"text","text":"model: not this","model":"nested"}],
                 "tools":[{"name":"t","input_schema":{"properties":{"max_tokens":{"type":"integer"}}}}],
                 "model":"claude-opus-5-5","max_tokens":32000,
                 "messages":[{"role":"user","content":[{"type":"text","text":"{\\"model\\":\\"x\\"}"}]}]}
                """;

        assertThat(read(body)).contains(new RequestHead("claude-opus-5-5", 32_000L));
    }

    @Test
    void EX4_fieldsOfTheWrongShapeAreAbsentAndARepeatedFieldCountsWithItsLastValue() {
        assertThat(read("{\"model\":42,\"max_tokens\":\"100\"}"))
                .contains(new RequestHead(null, null));
        assertThat(read("{\"model\":\"a\",\"max_tokens\":1.5}"))
                .contains(new RequestHead("a", null));
        assertThat(read("{\"model\":\"a\",\"max_tokens\":123456789012345678901234567890}"))
                .contains(new RequestHead("a", null));
        assertThat(read("{\"model\":\"a\",\"model\":\"b\",\"max_tokens\":1,\"max_tokens\":2}"))
                .contains(new RequestHead("b", 2L));
        assertThat(read("{}")).contains(new RequestHead(null, null));
    }

    @Test
    void EX4_aBodyThatIsNotOneJsonObjectHasNoHead() {
        for (String body :
                List.of(
                        "",
                        "[]",
                        "\"model\"",
                        "{\"model\":\"a\"",
                        "{\"model\":\"a\",\"messages\":[}",
                        "{\"model\":\"a\"} {}",
                        "{\"model\":\"a\"} trailing",
                        "not json")) {
            assertThat(read(body)).as(body).isEmpty();
        }
    }

    @Test
    void EX4_readingTheBodyAsItStreamsAnswersAsThePartsOfTheParsedTree() {
        for (String body :
                List.of(
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"stream\":true}",
                        "{\"model\":\"a\",\"max_tokens\":-3}",
                        "{\"model\":null,\"max_tokens\":null}",
                        "{\"model\":\"\",\"messages\":[{\"max_tokens\":9}]}",
                        "{\"model\":[\"a\"],\"max_tokens\":{\"n\":1}}",
                        "{\"model\":\"a\",\"max_tokens\":9223372036854775807}",
                        "{\"model\":\"a\",\"max_tokens\":9223372036854775808}")) {
            JsonNode tree = json.readTree(body);
            assertThat(read(body)).as(body).isPresent().isEqualTo(RequestHead.of(tree));
        }
        assertThat(RequestHead.of(json.readTree("[1]"))).isEmpty();
    }
}
