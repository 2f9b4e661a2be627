package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.HeadroomApplication;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two Headroom nodes on one external PostgreSQL (given by {@code spring.datasource.url}, so no
 * embedded server is started by either): a request id sent to both counts once, and a cap reached
 * through one node denies on the other (XU-17, XU-18).
 */
class SeveralNodesTest {
    static EmbeddedPostgres postgres;
    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startNodes() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        nodeA = node(url);
        nodeB = node(url);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodeA.close();
        nodeB.close();
        postgres.close();
    }

    static ConfigurableApplicationContext node(String url) {
        return new SpringApplicationBuilder(HeadroomApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--headroom.demo.enabled=false",
                        "--headroom.operator-key=" + IntegrationTest.OPERATOR_KEY);
    }

    static Api operatorOf(ConfigurableApplicationContext node) {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        return new Api("http://localhost:" + port, IntegrationTest.OPERATOR_KEY);
    }

    @Test
    void XU17_XU18_twoNodesShareIdempotencyAndCaps() throws Exception {
        assertThat(nodeA.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
        Api a = operatorOf(nodeA);
        Api b = operatorOf(nodeB);
        Instant t0 = Instant.parse("2027-08-02T09:00:00Z");
        Map<String, Object> org =
                new HashMap<>(
                        Map.of(
                                "name",
                                "Nodes",
                                "plan",
                                "ENTERPRISE_SEAT",
                                "testClock",
                                true,
                                "testClockStart",
                                t0.toString()));
        String orgId = a.post("/api/v1/orgs", org).text("id");
        String member =
                b.post(
                                "/api/v1/orgs/" + orgId + "/members",
                                Map.of(
                                        "email",
                                        "n@example.com",
                                        "name",
                                        "N",
                                        "seatType",
                                        "STANDARD"))
                        .text("id");
        a.put("/api/v1/orgs/" + orgId + "/extra-usage", Map.of("enabled", true));
        b.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "1.00"));

        Map<String, Object> report =
                Map.of(
                        "requestId",
                        "same-id",
                        "orgId",
                        orgId,
                        "memberId",
                        member,
                        "product",
                        "CLAUDE",
                        "model",
                        "claude-haiku-4-5",
                        "timestamp",
                        t0.toString(),
                        "usage",
                        Api.usage(6_000_000, 0));
        CompletableFuture<Api.Response> viaA =
                CompletableFuture.supplyAsync(() -> a.post("/api/v1/usage", report));
        CompletableFuture<Api.Response> viaB =
                CompletableFuture.supplyAsync(() -> b.post("/api/v1/usage", report));
        List<Api.Response> answers = List.of(viaA.get(), viaB.get());
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(answers.stream().filter(r -> r.body().get("duplicate").asBoolean()).count())
                .isEqualTo(1);
        // $6 of which $5 included and $1 extra: the member's $1 cap is reached.
        assertThat(answers.get(0).text("extraCost")).isEqualTo("1.00");

        Map<String, Object> admission =
                Map.of(
                        "orgId",
                        orgId,
                        "memberId",
                        member,
                        "product",
                        "CLAUDE",
                        "model",
                        "claude-haiku-4-5");
        assertThat(a.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
        assertThat(b.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
        // A cap raised through one node takes effect on the other at once.
        a.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "2.00"));
        assertThat(b.post("/api/v1/admissions", admission).text("decision"))
                .isEqualTo("ALLOWED_EXTRA");
        assertThat(
                        b.get("/api/v1/orgs/" + orgId + "/members/" + member + "/usage")
                                .text("mtdSpend"))
                .isEqualTo("1.00");
    }
}
