package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Money;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two months of a seat-based Enterprise org in Europe/Berlin on a test clock (XU-10, XU-27, EX-3):
 * three members, three products, four models; invoices close as the clock passes each month end,
 * their lines equal an independent recomputation from the acknowledged usage, the month boundary
 * falls on local midnight right after the October DST change, and a late event lands on the next
 * invoice as a prior-period line.
 */
class EnterpriseBillingScenarioTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-10-01T08:00:00Z");
    static final List<String> PRODUCTS = List.of("CLAUDE", "CLAUDE_CODE", "COWORK");
    static final List<String> MODELS =
            List.of("claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "claude-3-5-haiku");

    /** Expected lines per invoice: "member|product|model|prior" → exact extra nanos. */
    final Map<String, Map<String, Long>> expected = new HashMap<>();

    int requests;

    @Test
    void XU27_twoMonthsOfInvoicesMatchTheUsage() throws Exception {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "Europe/Berlin", T0);
        for (String seat : List.of("STANDARD", "PREMIUM")) {
            org.windows(seat, "session", "PT5H", "0");
        }
        org.put("/extra-usage", Map.of("enabled", true));
        List<String> members =
                List.of(org.member("STANDARD"), org.member("PREMIUM"), org.member("STANDARD"));

        spendEverywhere(org, members, T0, "2027-10", null, 1);
        org.advance(Instant.parse("2027-10-31T22:59:59Z"));
        // 23:59:59 in Berlin on Oct 31 (CET since 01:00 UTC that day): still October.
        report(
                org,
                members.get(0),
                "CLAUDE",
                MODELS.get(0),
                Instant.parse("2027-10-31T22:59:59Z"),
                "2027-10",
                null,
                7);
        org.advance(Instant.parse("2027-10-31T23:00:00Z"));
        // Local midnight: November, and October is closed as the clock passes it.
        report(
                org,
                members.get(1),
                "CLAUDE",
                MODELS.get(1),
                Instant.parse("2027-10-31T23:00:00Z"),
                "2027-11",
                null,
                9);
        JsonNode invoices = org.owner.get(org.path("/invoices")).body().get("items");
        assertThat(invoices).hasSize(1);
        assertThat(invoices.get(0).get("period").asString()).isEqualTo("2027-10");

        // Late usage of October, after its invoice was issued: billed on November's as a
        // prior-period line.
        org.advance(Instant.parse("2027-11-02T09:00:00Z"));
        report(
                org,
                members.get(2),
                "COWORK",
                MODELS.get(3),
                Instant.parse("2027-10-30T12:00:00Z"),
                "2027-11",
                "2027-10",
                11);
        spendEverywhere(org, members, Instant.parse("2027-11-02T09:00:00Z"), "2027-11", null, 2);
        org.advance(Instant.parse("2027-12-01T10:00:00Z"));

        invoices = org.owner.get(org.path("/invoices")).body().get("items");
        assertThat(invoices).hasSize(2);
        for (JsonNode summary : invoices) {
            JsonNode invoice =
                    org.owner.get(org.path("/invoices/" + summary.get("id").asString())).body();
            assertMatchesRecomputation(invoice, expected.get(invoice.get("period").asString()));
        }
        JsonNode november =
                org.owner.get(org.path("/invoices/" + invoices.get(0).get("id").asString())).body();
        assertThat(november.get("period").asString()).isEqualTo("2027-11");
        JsonNode prior = null;
        for (JsonNode line : november.get("lines")) {
            if (!line.get("priorPeriod").isNull()) {
                assertThat(prior).as("one prior-period line").isNull();
                prior = line;
            }
        }
        assertThat(prior).isNotNull();
        assertThat(prior.get("priorPeriod").asString()).isEqualTo("2027-10");
        assertThat(prior.get("member").asString()).isEqualTo(members.get(2));

        // Closing again changes nothing; a period that is not over cannot be closed.
        String novemberPath = org.path("/invoices/" + invoices.get(0).get("id").asString());
        String before = org.owner.get(novemberPath).raw();
        Api.Response again =
                org.operator.post(org.path("/invoices/close"), Map.of("period", "2027-11"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("closed")).isEmpty();
        assertThat(org.owner.get(novemberPath).raw()).isEqualTo(before);
        assertThat(org.owner.get(org.path("/invoices")).body().get("items")).hasSize(2);
        assertThat(
                        org.operator
                                .post(org.path("/invoices/close"), Map.of("period", "2027-12"))
                                .status())
                .isEqualTo(409);
        assertThat(
                        org.operator
                                .post(org.path("/invoices/close"), Map.of("period", "2027-13"))
                                .status())
                .isEqualTo(400);

        documents(org, november);
        reports(org);
    }

    private void documents(OrgFixture org, JsonNode invoice) throws Exception {
        String id = invoice.get("id").asString();
        String ownerKey = org.operator.post(org.path("/keys"), Map.of("role", "OWNER")).text("key");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> csv =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + port
                                                        + org.path("/invoices/" + id)))
                                .header("Authorization", "Bearer " + ownerKey)
                                .header("Accept", "text/csv")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        List<String> rows = csv.body().lines().toList();
        assertThat(rows.get(0))
                .isEqualTo("period,member,member_name,product,model,prior_period,amount,currency");
        assertThat(rows).hasSize(invoice.get("lines").size() + 2);
        assertThat(rows.get(rows.size() - 1))
                .isEqualTo("2027-11,,TOTAL,,,," + invoice.get("total").asString() + ",USD");

        HttpResponse<byte[]> pdf =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + port
                                                        + org.path("/invoices/" + id)))
                                .header("Authorization", "Bearer " + ownerKey)
                                .header("Accept", "application/pdf")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text)
                    .contains("Invoice " + id)
                    .contains("Billing period 2027-11")
                    .contains("Total: " + invoice.get("total").asString() + " USD")
                    .contains("(usage of 2027-10)");
            assertThat(new PDFRenderer(document).renderImageWithDPI(0, 40).getHeight())
                    .isPositive();
        }
    }

    private void reports(OrgFixture org) {
        JsonNode byDay =
                org.owner
                        .get(org.path("/usage?from=2027-10-31&to=2027-11-01&groupBy=day"))
                        .body()
                        .get("items");
        Map<String, String> extraByDay = new TreeMap<>();
        byDay.forEach(
                row -> extraByDay.put(row.get("key").asString(), row.get("extraCost").asString()));
        // 23:59:59 local lands on Oct 31, local midnight on Nov 1; the late event of Oct 30 is
        // outside.
        assertThat(extraByDay).containsOnlyKeys("2027-10-31", "2027-11-01");
        long octoberExact =
                expected.get("2027-10").values().stream().mapToLong(Long::longValue).sum()
                        + expected.get("2027-11").entrySet().stream()
                                .filter(e -> e.getKey().endsWith("|2027-10"))
                                .mapToLong(Map.Entry::getValue)
                                .sum();
        JsonNode byModel =
                org.owner
                        .get(org.path("/usage?from=2027-10-01&to=2027-10-31&groupBy=model"))
                        .body()
                        .get("items");
        long sum = 0;
        for (JsonNode row : byModel) {
            sum += Money.parse(row.get("extraCost").asString()).nanos();
        }
        assertThat(sum).isEqualTo(octoberExact);
        assertThat(byModel).hasSize(4);
        for (String groupBy : List.of("member", "seatType", "product")) {
            assertThat(
                            org.owner
                                    .get(
                                            org.path(
                                                    "/usage?from=2027-10-01&to=2027-10-31&groupBy="
                                                            + groupBy))
                                    .status())
                    .isEqualTo(200);
        }
        Api.Response csv =
                org.owner.get(
                        org.path(
                                "/usage?from=2027-10-01&to=2027-10-31&groupBy=product&format=csv"));
        assertThat(csv.raw())
                .startsWith("product,requests,included_cost,extra_cost,")
                .contains("\nCOWORK,");
        assertThat(org.owner.get(org.path("/usage?groupBy=colour")).errorCode())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(org.owner.get(org.path("/usage?from=2027-11-01&to=2027-10-01")).errorCode())
                .isEqualTo("VALIDATION_FAILED");
    }

    private void spendEverywhere(
            OrgFixture org,
            List<String> members,
            Instant at,
            String invoice,
            String prior,
            int round) {
        for (int m = 0; m < members.size(); m++) {
            for (int p = 0; p < PRODUCTS.size(); p++) {
                for (int k = 0; k < MODELS.size(); k++) {
                    report(
                            org,
                            members.get(m),
                            PRODUCTS.get(p),
                            MODELS.get(k),
                            at,
                            invoice,
                            prior,
                            1 + m + 3 * p + 7 * k + round);
                }
            }
        }
    }

    private void report(
            OrgFixture org,
            String member,
            String product,
            String model,
            Instant at,
            String invoice,
            String prior,
            int seed) {
        Map<String, Object> body =
                new HashMap<>(
                        org.usageBody(member, "q" + (++requests), at, 1_237L * seed, 311L * seed));
        body.put("product", product);
        body.put("model", model);
        Api.Response response = org.service.post("/api/v1/usage", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        long extra = Money.parse(response.text("extraCost")).nanos();
        expected.computeIfAbsent(invoice, k -> new HashMap<>())
                .merge(member + "|" + product + "|" + model + "|" + prior, extra, Long::sum);
    }

    private static void assertMatchesRecomputation(JsonNode invoice, Map<String, Long> exact) {
        Map<String, String> lines = new TreeMap<>();
        long total = 0;
        for (JsonNode line : invoice.get("lines")) {
            String prior =
                    line.get("priorPeriod").isNull() ? "null" : line.get("priorPeriod").asString();
            lines.put(
                    line.get("member").asString()
                            + "|"
                            + line.get("product").asString()
                            + "|"
                            + line.get("model").asString()
                            + "|"
                            + prior,
                    line.get("amount").asString());
            total += Money.parse(line.get("amount").asString()).nanos();
        }
        Map<String, String> recomputed = new TreeMap<>();
        long recomputedTotal = 0;
        for (Map.Entry<String, Long> e : exact.entrySet()) {
            Money rounded = Money.ofNanos(e.getValue()).roundToMinorUnits(2);
            recomputed.put(e.getKey(), rounded.toDecimalString());
            recomputedTotal += rounded.nanos();
        }
        assertThat(lines).isEqualTo(recomputed);
        assertThat(invoice.get("total").asString())
                .isEqualTo(Money.ofNanos(total).toDecimalString())
                .isEqualTo(Money.ofNanos(recomputedTotal).toDecimalString());
    }

    @Test
    void teamOrgsHaveReceiptsNotInvoices() {
        OrgFixture team = scenario().org("TEAM", "UTC", T0);
        assertThat(team.owner.get(team.path("/invoices")).errorCode())
                .isEqualTo("PLAN_NOT_SUPPORTED");
        assertThat(
                        team.operator
                                .post(team.path("/invoices/close"), Map.of("period", "2027-09"))
                                .errorCode())
                .isEqualTo("PLAN_NOT_SUPPORTED");
    }
}
