package dev.headroom.billing.web;

import dev.headroom.billing.Invoice;
import dev.headroom.billing.InvoiceDocuments;
import dev.headroom.billing.Invoices;
import dev.headroom.billing.MonthClose;
import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.organization.Caller;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Invoices of orgs billed in arrears (XU-10, XU-27): JSON, CSV ({@code text/csv}), PDF. */
@RestController
@RequestMapping("/api/v1/orgs/{org}/invoices")
public class InvoiceController {
    private final Invoices invoices;
    private final MonthClose close;
    private final InvoiceDocuments documents;
    private final OrgService orgs;

    public InvoiceController(
            Invoices invoices, MonthClose close, InvoiceDocuments documents, OrgService orgs) {
        this.invoices = invoices;
        this.close = close;
        this.documents = documents;
        this.orgs = orgs;
    }

    public record Summary(
            String id,
            String period,
            String status,
            String total,
            String currency,
            Instant closedAt) {}

    public record SummaryList(List<Summary> items) {}

    public record LineJson(
            String member,
            String memberName,
            String product,
            String model,
            String amount,
            String exactAmount,
            String priorPeriod) {}

    public record InvoiceJson(
            String id,
            String period,
            String status,
            String total,
            String currency,
            Instant closedAt,
            List<LineJson> lines) {}

    public record Close(String period) {}

    public record Closed(List<String> closed) {}

    @GetMapping
    public SummaryList list(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.OWNER);
        return new SummaryList(
                invoices.list(orgId).stream()
                        .map(i ->
                                new Summary(
                                        i.id(),
                                        i.period(),
                                        i.status(),
                                        Json.money(i.total()),
                                        i.currency(),
                                        i.closedAt()))
                        .toList());
    }

    @GetMapping(
            value = "/{id}",
            produces = {
                MediaType.APPLICATION_JSON_VALUE,
                "text/csv",
                MediaType.APPLICATION_PDF_VALUE
            })
    public ResponseEntity<?> get(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("id") String id,
            @RequestHeader(name = "Accept", required = false) String accept) {
        caller.requireRole(orgId, Role.OWNER);
        Invoice invoice = invoices.require(orgId, id);
        if (accept != null && accept.contains("text/csv")) {
            return ResponseEntity.ok()
                    .contentType(
                            new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .header("Content-Disposition", "attachment; filename=\"" + id + ".csv\"")
                    .body(documents.csv(invoice));
        }
        if (accept != null && accept.contains(MediaType.APPLICATION_PDF_VALUE)) {
            return ResponseEntity.ok()
                    .contentType(MediaType.APPLICATION_PDF)
                    .header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"")
                    .body(documents.pdf(orgs.require(orgId), invoice));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(
                        new InvoiceJson(
                                invoice.id(),
                                invoice.period(),
                                invoice.status(),
                                Json.money(invoice.total()),
                                invoice.currency(),
                                invoice.closedAt(),
                                invoice.lines().stream()
                                        .map(l ->
                                                new LineJson(
                                                        l.memberId(),
                                                        l.memberName(),
                                                        l.product(),
                                                        l.model(),
                                                        Json.money(l.amount()),
                                                        Json.money(l.exact()),
                                                        l.priorPeriod()))
                                        .toList()));
    }

    @PostMapping("/close")
    public Closed close(Caller caller, @PathVariable("org") String orgId, @RequestBody Close body) {
        caller.requireOperator();
        YearMonth period;
        try {
            period = YearMonth.parse(body.period() == null ? "" : body.period());
        } catch (DateTimeParseException e) {
            throw ApiException.validation("period must be YYYY-MM, got '" + body.period() + "'.");
        }
        return new Closed(close.closeThrough(orgId, period));
    }
}
