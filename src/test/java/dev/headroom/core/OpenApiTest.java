package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** EX-6: the OpenAPI document covers the fixed API of API.md that this release serves. */
class OpenApiTest extends IntegrationTest {

    static final List<String> FIXED_API =
            List.of(
                    "post /api/v1/orgs",
                    "get /api/v1/orgs/{org}",
                    "put /api/v1/orgs/{org}/seat-types/{seatType}/included-allowance",
                    "post /api/v1/orgs/{org}/test-clock/advance",
                    "post /api/v1/orgs/{org}/keys",
                    "get /api/v1/prices",
                    "put /api/v1/prices/{model}",
                    "post /api/v1/orgs/{org}/members",
                    "patch /api/v1/orgs/{org}/members/{member}",
                    "get /api/v1/orgs/{org}/members",
                    "get /api/v1/orgs/{org}/members/{member}/usage",
                    "get /api/v1/orgs/{org}/extra-usage",
                    "put /api/v1/orgs/{org}/extra-usage",
                    "put /api/v1/orgs/{org}/extra-usage/requests",
                    "put /api/v1/orgs/{org}/spend-limit",
                    "put /api/v1/orgs/{org}/seat-types/{seatType}/spend-limit",
                    "put /api/v1/orgs/{org}/members/{member}/spend-limit",
                    "put /api/v1/orgs/{org}/members/{member}/extra-usage",
                    "post /api/v1/orgs/{org}/credits/purchases",
                    "get /api/v1/orgs/{org}/balance/history",
                    "post /api/v1/admissions",
                    "post /api/v1/usage",
                    "post /api/v1/usage:batch",
                    "get /api/v1/orgs/{org}/audit-log");

    @Test
    void EX6_theOpenApiDocumentListsEveryEndpoint() {
        Api.Response docs = anonymous().get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.body().get("paths");
        List<String> published = new ArrayList<>();
        paths.properties()
                .forEach(path ->
                        path.getValue()
                                .properties()
                                .forEach(method ->
                                        published.add(method.getKey() + " " + path.getKey())));
        assertThat(published).containsAll(FIXED_API);
        // The caller is taken from the bearer key, not from a parameter.
        assertThat(docs.raw()).doesNotContain("\"name\":\"caller\"");
        assertThat(docs.body().at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");
    }
}
