package dev.headroom.reports.web;

import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.reports.UsageReports;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /orgs/{org}/usage?from&to&groupBy=day|member|seatType|product|model} as JSON, or CSV
 * with {@code Accept: text/csv} or {@code format=csv}. Dates are local to the org; both inclusive;
 * the default is the current billing period.
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}/usage")
public class UsageReportController {
    private final UsageReports reports;
    private final OrgService orgs;

    public UsageReportController(UsageReports reports, OrgService orgs) {
        this.reports = reports;
        this.orgs = orgs;
    }

    public record RowJson(
            String key,
            long requests,
            String includedCost,
            String extraCost,
            long inputTokens,
            long outputTokens,
            long cacheWrite5mTokens,
            long cacheWrite1hTokens,
            long cacheReadTokens,
            long webSearchRequests) {}

    public record Report(
            String from, String to, String groupBy, String currency, List<RowJson> items) {}

    @GetMapping(produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public ResponseEntity<?> report(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "groupBy", defaultValue = "day") String groupBy,
            @RequestParam(name = "format", required = false) String format,
            @RequestHeader(name = "Accept", required = false) String accept) {
        caller.requireRole(orgId, Role.ADMIN);
        Org org = orgs.require(orgId);
        UsageReports.Range range = reports.range(org, from, to);
        UsageReports.GroupBy group = groupBy(groupBy);
        List<UsageReports.Row> rows = reports.report(orgId, range.from(), range.to(), group);
        if ("csv".equals(format) || (accept != null && accept.contains("text/csv"))) {
            StringBuilder csv =
                    new StringBuilder(
                            groupBy
                                    + ",requests,included_cost,extra_cost,input_tokens,output_tokens,"
                                    + "cache_write_5m_tokens,cache_write_1h_tokens,cache_read_tokens,web_search_requests\n");
            for (UsageReports.Row r : rows) {
                csv.append(
                                String.join(
                                        ",",
                                        r.key(),
                                        Long.toString(r.requests()),
                                        r.includedCost().toDecimalString(),
                                        r.extraCost().toDecimalString(),
                                        Long.toString(r.inputTokens()),
                                        Long.toString(r.outputTokens()),
                                        Long.toString(r.cacheWrite5mTokens()),
                                        Long.toString(r.cacheWrite1hTokens()),
                                        Long.toString(r.cacheReadTokens()),
                                        Long.toString(r.webSearchRequests())))
                        .append('\n');
            }
            return ResponseEntity.ok()
                    .contentType(
                            new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .body(csv.toString());
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(
                        new Report(
                                range.from().toString(),
                                range.to().toString(),
                                groupBy,
                                org.currency(),
                                rows.stream()
                                        .map(r ->
                                                new RowJson(
                                                        r.key(),
                                                        r.requests(),
                                                        Json.money(r.includedCost()),
                                                        Json.money(r.extraCost()),
                                                        r.inputTokens(),
                                                        r.outputTokens(),
                                                        r.cacheWrite5mTokens(),
                                                        r.cacheWrite1hTokens(),
                                                        r.cacheReadTokens(),
                                                        r.webSearchRequests()))
                                        .toList()));
    }

    private static UsageReports.GroupBy groupBy(String text) {
        return switch (text) {
            case "day" -> UsageReports.GroupBy.DAY;
            case "member" -> UsageReports.GroupBy.MEMBER;
            case "seatType" -> UsageReports.GroupBy.SEAT_TYPE;
            case "product" -> UsageReports.GroupBy.PRODUCT;
            case "model" -> UsageReports.GroupBy.MODEL;
            default ->
                    throw ApiException.validation(
                            "groupBy must be day, member, seatType, product or model, got '"
                                    + text.toLowerCase(Locale.ROOT)
                                    + "'.");
        };
    }
}
