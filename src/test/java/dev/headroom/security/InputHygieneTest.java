package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EX-9 for names, emails and token counts: control characters and malformed emails are 400 {@code
 * VALIDATION_FAILED} with nothing written, and a token count must be a JSON integer.
 */
class InputHygieneTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-01-20T09:00:00Z");

    static Map<String, Object> member(String email, String name) {
        return Map.of("email", email, "name", name, "seatType", "STANDARD");
    }

    static void refused(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void EX9_controlCharactersInNamesAndEmailsAreRefused() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        for (String name : List.of("Nul\u0000name", "Bell\u0007", "Line\nbreak", "Del\u007f")) {
            refused(org.owner.post(org.path("/members"), member("ok@example.com", name)));
        }
        refused(org.owner.post(org.path("/members"), member("tab\t@example.com", "Tab")));
        refused(operator().post("/api/v1/orgs", Map.of("name", "Org\u0000", "plan", "TEAM")));
        assertThat(org.owner.get(org.path("/members")).body().get("total").asLong()).isZero();
    }

    @Test
    void EX9_anEmailHasOneAtAndADomainOfNonEmptyDottedLabels() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        for (String email :
                List.of(
                        "plain",
                        "a@b",
                        "a@@b.example",
                        "a@b@c.example",
                        "a@.example",
                        "a@b..example",
                        "a@b.example.",
                        "@b.example",
                        "a b@c.example")) {
            refused(org.owner.post(org.path("/members"), member(email, "Someone")));
        }
        Api.Response fine =
                org.owner.post(org.path("/members"), member("a.b+c@mail.b.example", "Fine"));
        assertThat(fine.status()).as(fine.toString()).isEqualTo(201);
    }

    @Test
    void EX9_tokenCountsMustBeJsonIntegers() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String member = org.member("STANDARD");
        Map<String, Object> body = new HashMap<>(org.usageBody(member, "float-1", T0, 1, 1));
        body.put("usage", Map.of("input_tokens", 1.5, "output_tokens", 1));
        refused(org.service.post("/api/v1/usage", body));
        body.put("usage", Map.of("input_tokens", 2, "output_tokens", 1.0));
        refused(org.service.post("/api/v1/usage", body));
        assertThat(org.usageOf(member).text("mtdSpend")).isEqualTo("0.00");
        body.put("usage", Map.of("input_tokens", 2, "output_tokens", 1));
        body.put("requestId", "nul\u0000id");
        refused(org.service.post("/api/v1/usage", body));
        body.put("requestId", "float-1");
        assertThat(org.service.post("/api/v1/usage", body).status()).isEqualTo(200);
    }
}
