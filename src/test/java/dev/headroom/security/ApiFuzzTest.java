package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.security.EndpointTable.Endpoint;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * EX-9 under fuzzing: more than 10,000 malformed, oversized, wrongly typed and boundary inputs
 * across every endpoint, as the operator so that every input reaches validation. No answer is a
 * 5xx, every refusal carries the API's error body, and a refused request leaves no write behind
 * (the fuzzed orgs' rows and the global tables are fingerprinted around each one).
 */
class ApiFuzzTest extends IntegrationTest {
    static final long SEED = Long.getLong("headroom.fuzz.seed", 20261129L);
    static final int REQUESTS = Integer.getInteger("headroom.fuzz.requests", 10_500);

    static final Object[] ODD_VALUES = {
        null,
        "",
        " ",
        "-1",
        "-0.01",
        "0",
        "1e3",
        "NaN",
        "Infinity",
        "0.0000000001",
        "99999999999999999999",
        "1000000000.01",
        "12,50",
        "\u0000",
        "'; drop table org; --",
        "x".repeat(10_000),
        "\u202e\ud83d\ude00",
        -1,
        0,
        1.5,
        1e308,
        Long.MAX_VALUE,
        true,
        false,
        List.of(),
        List.of(1, 2),
        Map.of(),
        Map.of("a", "b"),
        "2027-13-45T99:99:99Z",
        "P-1D",
        "PT0S",
        "STANDARD",
        "PREMIUM",
        "GOLD",
        "OWNER",
        "PRIMARY_OWNER"
    };

    @Autowired JdbcClient jdbc;

    @Test
    void EX9_fuzzedInputsNeverFailAndNeverWriteWhenRefused() {
        Random random = new Random(SEED);
        OrgFixture enterprise =
                scenario().org("ENTERPRISE_SEAT", "UTC", Instant.parse("2027-01-15T00:00:00Z"));
        OrgFixture team = scenario().org("TEAM", "UTC", Instant.parse("2027-01-15T00:00:00Z"));
        Map<String, String> members =
                Map.of(
                        enterprise.id,
                        enterprise.member("STANDARD"),
                        team.id,
                        team.member("STANDARD"));
        List<String> failures = new ArrayList<>();
        int sent = 0;
        int refused = 0;
        while (sent < REQUESTS) {
            Endpoint endpoint = EndpointTable.TABLE.get(random.nextInt(EndpointTable.TABLE.size()));
            OrgFixture org = random.nextBoolean() ? enterprise : team;
            // Removals aim at nobody: the fuzzed members must stay for the next requests.
            String member = EndpointTable.removal(endpoint) ? "mem_fuzz_none" : members.get(org.id);
            String path = mutatePath(random, fill(endpoint.pattern(), org.id, member, sent));
            String body =
                    endpoint.method().equals("GET")
                            ? null
                            : mutateBody(
                                    random,
                                    endpoint.body() == null
                                            ? "{}"
                                            : fill(endpoint.body(), org.id, member, sent));
            String before = fingerprint(enterprise.id, team.id);
            Api.Response response =
                    org.operator.send(
                            endpoint.method(),
                            path,
                            body == null && !endpoint.method().equals("GET") ? "" : body);
            sent++;
            int status = response.status();
            if (status >= 500) {
                failures.add(
                        "5xx: "
                                + endpoint.method()
                                + " "
                                + path
                                + " "
                                + abbreviate(body)
                                + " -> "
                                + response);
            } else if (status >= 400) {
                refused++;
                JsonNode error = response.body().path("error");
                if (error.path("code").asString("").isEmpty()
                        || error.path("message").asString("").isEmpty()) {
                    failures.add(
                            "no error body: " + endpoint.method() + " " + path + " -> " + response);
                }
                String after = fingerprint(enterprise.id, team.id);
                if (!after.equals(before)) {
                    failures.add(
                            "refused but wrote: "
                                    + endpoint.method()
                                    + " "
                                    + path
                                    + " "
                                    + abbreviate(body)
                                    + " -> "
                                    + response);
                }
            }
            if (failures.size() > 20) {
                break;
            }
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
        assertThat(sent).isGreaterThanOrEqualTo(10_000);
        assertThat(refused).as("most fuzzed inputs are refused").isGreaterThan(sent / 2);
        System.out.println(
                "FUZZ: seed "
                        + SEED
                        + ", "
                        + sent
                        + " inputs, "
                        + refused
                        + " refused with a 4xx, "
                        + (sent - refused)
                        + " accepted, no 5xx, no write by a refused input");
    }

    private String fingerprint(String... orgIds) {
        StringBuilder print = new StringBuilder();
        print.append(
                jdbc.sql(
                                "select count(*) || '/' || (select count(*) from price_version) || '/' || (select count(*) from model_alias) from org")
                        .query(String.class)
                        .single());
        for (String orgId : orgIds) {
            print.append('|')
                    .append(
                            jdbc.sql(
                                            """
                                            select (select count(*) from member where org_id = :o) || '/' ||
                                                   coalesce((select md5(string_agg(m::text, ',' order by id)) from member m where org_id = :o), '') || '/' ||
                                                   (select count(*) from api_key where org_id = :o) || '/' ||
                                                   (select count(*) from usage_event where org_id = :o) || '/' ||
                                                   (select count(*) from balance_entry where org_id = :o) || '/' ||
                                                   (select count(*) from audit_log where org_id = :o) || '/' ||
                                                   (select count(*) from purchase where org_id = :o) || '/' ||
                                                   (select count(*) from extra_usage_request where org_id = :o) || '/' ||
                                                   (select count(*) from invoice where org_id = :o) || '/' ||
                                                   coalesce((select md5(string_agg(a::text, ',' order by seat_type, window_name)) from included_allowance a where org_id = :o), '') || '/' ||
                                                   coalesce((select md5(s::text) from extra_usage_settings s where org_id = :o), '') || '/' ||
                                                   coalesce((select md5(r::text) from auto_reload r where org_id = :o), '') || '/' ||
                                                   coalesce((select md5(p::text) from payment_method p where org_id = :o), '') || '/' ||
                                                   coalesce((select md5(o::text) from org o where id = :o), '')
                                            """)
                                    .param("o", orgId)
                                    .query(String.class)
                                    .single());
        }
        return print.toString();
    }

    private static String fill(String text, String orgId, String member, int n) {
        return text.replace("{org}", orgId)
                .replace("{member}", member)
                .replace("{seatType}", "STANDARD")
                .replace("{model}", "fuzz-model-" + (n % 7))
                .replace("{id}", "id_fuzz")
                .replace("{eventId}", "evt_fuzz")
                .replace("{unique}", "fuzz-" + n);
    }

    private static String mutatePath(Random random, String path) {
        if (random.nextInt(8) != 0) {
            return path;
        }
        String[] parts = path.split("/");
        int i = 3 + random.nextInt(Math.max(1, parts.length - 3));
        if (i < parts.length) {
            String[] odd = {
                "",
                "x".repeat(3000),
                "%00",
                "%2e%2e",
                "..",
                "org_%E2%80%AE",
                "-1",
                "STANDARD%20",
                "null",
                "%7B%7D"
            };
            parts[i] = odd[random.nextInt(odd.length)];
        }
        String mutated = String.join("/", parts);
        String[] queries = {
            "",
            "?page=-1",
            "?size=0",
            "?size=100000",
            "?page=abc",
            "?from=2027-02-30&to=x",
            "?groupBy=%00",
            "?status=ANY",
            "?q=%25%5F%5C"
        };
        return mutated + queries[random.nextInt(queries.length)];
    }

    private static String mutateBody(Random random, String valid) {
        switch (random.nextInt(12)) {
            case 0:
                String[] broken = {
                    "",
                    "{",
                    "}",
                    "[]",
                    "null",
                    "\"text\"",
                    "{\"a\":}",
                    "{\"a\" 1}",
                    "\u0000\u0001",
                    "{}".repeat(1000),
                    "[" + "1,".repeat(50_000) + "1]",
                    "{\"x\":\"" + "y".repeat(300_000) + "\"}"
                };
                return broken[random.nextInt(broken.length)];
            case 1:
                return valid.substring(0, random.nextInt(valid.length() + 1));
            default:
                break;
        }
        JsonNode tree = Api.JSON.readTree(valid);
        if (!(tree instanceof ObjectNode object)) {
            return valid;
        }
        mutateObject(random, object, 0);
        return Api.JSON.writeValueAsString(object);
    }

    private static void mutateObject(Random random, ObjectNode object, int depth) {
        List<String> fields = new ArrayList<>(object.propertyNames());
        int action = random.nextInt(10);
        if (fields.isEmpty() || action == 0) {
            object.putPOJO(random.nextBoolean() ? "unexpected" : "amount", odd(random));
            return;
        }
        String field = fields.get(random.nextInt(fields.size()));
        JsonNode value = object.get(field);
        if (action == 1) {
            object.remove(field);
        } else if (value instanceof ObjectNode inner && depth < 3 && action < 5) {
            mutateObject(random, inner, depth + 1);
        } else if (value != null
                && value.isArray()
                && value.size() > 0
                && value.get(0) instanceof ObjectNode inner
                && action < 5) {
            mutateObject(random, inner, depth + 1);
        } else {
            object.putPOJO(field, odd(random));
        }
    }

    private static Object odd(Random random) {
        return ODD_VALUES[random.nextInt(ODD_VALUES.length)];
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
