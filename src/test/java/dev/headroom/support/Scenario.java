package dev.headroom.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds orgs with test clocks, members and keys through the API, and drives their hot path. */
public final class Scenario {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final Api operator;

    public Scenario(Api operator) {
        this.operator = operator;
    }

    public OrgFixture org(String plan, String timeZone, Instant start) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Test org " + SEQUENCE.incrementAndGet());
        body.put("plan", plan);
        body.put("timeZone", timeZone);
        body.put("testClock", true);
        body.put("testClockStart", start.toString());
        Api.Response created = operator.post("/api/v1/orgs", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String orgId = created.text("id");
        String owner = key(orgId, Map.of("role", "OWNER"));
        String service = key(orgId, Map.of("role", "SERVICE"));
        return new OrgFixture(orgId, operator, operator.as(owner), operator.as(service));
    }

    private String key(String orgId, Map<String, Object> body) {
        Api.Response response = operator.post("/api/v1/orgs/" + orgId + "/keys", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.text("key");
    }

    public static final class OrgFixture {
        public final String id;
        public final Api operator;
        public final Api owner;
        public final Api service;
        private final AtomicInteger requests = new AtomicInteger();
        private final Map<String, String> emails = new java.util.concurrent.ConcurrentHashMap<>();

        OrgFixture(String id, Api operator, Api owner, Api service) {
            this.id = id;
            this.operator = operator;
            this.owner = owner;
            this.service = service;
        }

        public String path(String suffix) {
            return "/api/v1/orgs/" + id + suffix;
        }

        public String member(String seatType) {
            return member(seatType, "MEMBER");
        }

        public String member(String seatType, String role) {
            int n = SEQUENCE.incrementAndGet();
            Map<String, Object> body = new HashMap<>();
            body.put("email", "m" + n + "@example.com");
            body.put("name", "Member " + n);
            body.put("role", role);
            if (seatType != null) {
                body.put("seatType", seatType);
            }
            // The operator sets up an org's primary owner: no owner may grant a role above their
            // own.
            Api creator = "PRIMARY_OWNER".equals(role) ? operator : owner;
            Api.Response response = creator.post(path("/members"), body);
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            emails.put(response.text("id"), "m" + n + "@example.com");
            return response.text("id");
        }

        /** The API as the holder of {@code key}. */
        public Api as(String key) {
            return operator.as(key);
        }

        /**
         * Replaces a seat type's included-usage windows: {@code name, duration, allowance} each.
         */
        public void windows(String seatType, String... spec) {
            List<Map<String, Object>> windows = new java.util.ArrayList<>();
            for (int i = 0; i < spec.length; i += 3) {
                windows.add(
                        Map.of("name", spec[i], "duration", spec[i + 1], "allowance", spec[i + 2]));
            }
            Api.Response response =
                    operator.put(
                            path("/seat-types/" + seatType + "/included-allowance"),
                            Map.of("windows", windows));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }

        public String email(String memberId) {
            return emails.get(memberId);
        }

        public String memberKey(String memberId) {
            return keyFor(memberId, "MEMBER");
        }

        /** A key of {@code role} for the member, issued by the operator. */
        public String keyFor(String memberId, String role) {
            Api.Response response =
                    operator.post(path("/keys"), Map.of("role", role, "memberId", memberId));
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            return response.text("key");
        }

        public Api.Response admit(String memberId) {
            return admit(memberId, "claude-sonnet-4-5");
        }

        public Api.Response admit(String memberId, String model) {
            return service.post(
                    "/api/v1/admissions",
                    Map.of(
                            "orgId",
                            id,
                            "memberId",
                            memberId,
                            "product",
                            "CLAUDE_CODE",
                            "model",
                            model));
        }

        public String decision(String memberId) {
            Api.Response response = admit(memberId);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            String decision = response.text("decision");
            return "DENIED".equals(decision) ? "DENIED:" + response.text("reason") : decision;
        }

        /** Reports usage of claude-sonnet-4-5 ($3 in / $15 out per MTok) at the org's now. */
        public Api.Response report(String memberId, long input, long output) {
            return report(memberId, "req-" + requests.incrementAndGet(), now(), input, output);
        }

        public Api.Response report(
                String memberId, String requestId, Instant at, long input, long output) {
            return service.post("/api/v1/usage", usageBody(memberId, requestId, at, input, output));
        }

        public Map<String, Object> usageBody(
                String memberId, String requestId, Instant at, long input, long output) {
            return Map.of(
                    "requestId",
                    requestId,
                    "orgId",
                    id,
                    "memberId",
                    memberId,
                    "product",
                    "CLAUDE_CODE",
                    "model",
                    "claude-sonnet-4-5",
                    "timestamp",
                    at.toString(),
                    "usage",
                    Api.usage(input, output));
        }

        /**
         * Settles usage worth exactly {@code cents} (claude-haiku-4-5: $1 per million input
         * tokens).
         */
        public Api.Response spendCents(String memberId, long cents) {
            return spendCentsAt(memberId, cents, now());
        }

        public Api.Response spendCentsAt(String memberId, long cents, Instant at) {
            Map<String, Object> body =
                    new HashMap<>(
                            usageBody(
                                    memberId,
                                    "req-" + requests.incrementAndGet(),
                                    at,
                                    cents * 10_000,
                                    0));
            body.put("model", "claude-haiku-4-5");
            Api.Response response = service.post("/api/v1/usage", body);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            return response;
        }

        public Instant now() {
            return Instant.parse(operator.get(path("")).text("now"));
        }

        public void advance(Instant to) {
            Api.Response response =
                    operator.post(path("/test-clock/advance"), Map.of("to", to.toString()));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }

        public void put(String suffix, Object body) {
            Api.Response response = owner.put(path(suffix), body);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }

        public void limit(String suffix, String amount) {
            Map<String, Object> body = new HashMap<>();
            body.put("amount", amount);
            put(suffix, body);
        }

        public Api.Response usageOf(String memberId) {
            return owner.get(path("/members/" + memberId + "/usage"));
        }
    }
}
