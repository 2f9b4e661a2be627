package dev.headroom.credits.web;

import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.core.web.Paging;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.credits.PaymentMethods;
import dev.headroom.credits.PaymentProvider;
import dev.headroom.credits.Payments;
import dev.headroom.credits.Receipt;
import dev.headroom.credits.ReceiptPdf;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Team prepaid credits: purchases, receipts, auto-reload, payment method, balance history. */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class CreditsController {
    private final Payments payments;
    private final AutoReloads autoReloads;
    private final PaymentMethods methods;
    private final BalanceLedger ledger;
    private final ReceiptPdf pdf;
    private final OrgService orgs;

    public CreditsController(
            Payments payments,
            AutoReloads autoReloads,
            PaymentMethods methods,
            BalanceLedger ledger,
            ReceiptPdf pdf,
            OrgService orgs) {
        this.payments = payments;
        this.autoReloads = autoReloads;
        this.methods = methods;
        this.ledger = ledger;
        this.pdf = pdf;
        this.orgs = orgs;
    }

    public record Purchase(String amount) {}

    public record ReceiptJson(
            String id,
            Receipt.PaymentKind kind,
            Receipt.PaymentStatus status,
            String amount,
            String balanceAfter,
            Instant purchasedAt,
            Instant completedAt,
            String provider,
            String providerReference,
            String failureReason) {
        static ReceiptJson of(Receipt r) {
            return new ReceiptJson(
                    r.id(),
                    r.kind(),
                    r.status(),
                    Json.money(r.amount()),
                    Json.money(r.balanceAfter()),
                    r.purchasedAt(),
                    r.completedAt(),
                    r.provider(),
                    r.providerReference(),
                    r.failureReason());
        }
    }

    public record ReceiptList(List<ReceiptJson> items) {}

    public record EntryJson(
            Instant at,
            String kind,
            String amount,
            String balanceAfter,
            String memberId,
            int entries) {}

    public record History(String balance, List<EntryJson> items, long total) {}

    public record AutoReload(Boolean enabled, String threshold, String amount) {}

    public record AutoReloadJson(
            boolean enabled,
            String threshold,
            String amount,
            AutoReloads.State state,
            String failureReason) {
        static AutoReloadJson of(AutoReloads.Settings s) {
            return new AutoReloadJson(
                    s.enabled(),
                    Json.money(s.threshold()),
                    Json.money(s.amount()),
                    s.state(),
                    s.failureReason());
        }
    }

    public record PaymentMethod(String customerId, String paymentMethodId) {}

    @PostMapping("/credits/purchases")
    public ResponseEntity<ReceiptJson> purchase(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestBody Purchase body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        caller.requireRole(orgId, Role.OWNER);
        Org org = orgs.require(orgId);
        Payments.Outcome outcome =
                payments.purchase(
                        org,
                        Amounts.positive("amount", body.amount()),
                        idempotencyKey,
                        caller.actor());
        if (outcome instanceof Payments.NotPaid notPaid) {
            throw Payments.refusalOf(notPaid);
        }
        return ResponseEntity.status(outcome.replayed() ? 200 : 201)
                .body(ReceiptJson.of(outcome.receipt()));
    }

    @GetMapping("/credits/purchases")
    public ReceiptList receipts(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "50") int size) {
        caller.requireRole(orgId, Role.OWNER);
        teamOrg(orgId);
        Paging paging = Paging.of(page, size);
        return new ReceiptList(
                payments.list(orgId, paging.size(), paging.offset()).stream()
                        .map(ReceiptJson::of)
                        .toList());
    }

    @GetMapping(
            value = "/credits/purchases/{id}",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PDF_VALUE})
    public ResponseEntity<?> receipt(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("id") String id,
            @RequestHeader(name = "Accept", required = false) String accept) {
        caller.requireRole(orgId, Role.OWNER);
        Org org = teamOrg(orgId);
        Receipt receipt = payments.require(orgId, id);
        if (accept != null && accept.contains(MediaType.APPLICATION_PDF_VALUE)) {
            return ResponseEntity.ok()
                    .contentType(MediaType.APPLICATION_PDF)
                    .header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"")
                    .body(pdf.render(org, receipt));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(ReceiptJson.of(receipt));
    }

    @GetMapping("/auto-reload")
    public AutoReloadJson autoReload(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.ADMIN);
        teamOrg(orgId);
        return AutoReloadJson.of(autoReloads.get(orgId));
    }

    @PutMapping("/auto-reload")
    public AutoReloadJson setAutoReload(
            Caller caller, @PathVariable("org") String orgId, @RequestBody AutoReload body) {
        caller.requireRole(orgId, Role.OWNER);
        if (body.enabled() == null) {
            throw ApiException.validation("enabled is required: true or false.");
        }
        return AutoReloadJson.of(
                autoReloads.configure(
                        orgId,
                        body.enabled(),
                        Amounts.nonNegativeOrNull("threshold", body.threshold()),
                        body.amount() == null ? null : Amounts.positive("amount", body.amount()),
                        caller.actor()));
    }

    @GetMapping("/payment-method")
    public PaymentMethod paymentMethod(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.OWNER);
        teamOrg(orgId);
        PaymentProvider.SavedPaymentMethod saved =
                methods.of(orgId)
                        .orElseThrow(() ->
                                ApiException.notFound(
                                        "No payment method is saved for this organisation."));
        return new PaymentMethod(saved.customerId(), saved.paymentMethodId());
    }

    @PutMapping("/payment-method")
    public PaymentMethod setPaymentMethod(
            Caller caller, @PathVariable("org") String orgId, @RequestBody PaymentMethod body) {
        caller.requireRole(orgId, Role.OWNER);
        PaymentProvider.SavedPaymentMethod saved =
                methods.save(orgId, body.customerId(), body.paymentMethodId(), caller.actor());
        return new PaymentMethod(saved.customerId(), saved.paymentMethodId());
    }

    @GetMapping("/balance/history")
    public History history(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "100") int size) {
        caller.requireRole(orgId, Role.OWNER);
        teamOrg(orgId);
        Paging paging = Paging.of(page, size);
        List<EntryJson> items =
                ledger.history(orgId, paging.size(), paging.offset()).stream()
                        .map(e ->
                                new EntryJson(
                                        e.at(),
                                        e.kind(),
                                        Json.money(e.amount()),
                                        Json.money(e.balanceAfter()),
                                        e.memberId(),
                                        e.entries()))
                        .toList();
        return new History(
                Json.money(ledger.balanceNanos(orgId)), items, ledger.historyCount(orgId));
    }

    private Org teamOrg(String orgId) {
        Org org = orgs.require(orgId);
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Only TEAM orgs have a prepaid balance; this org is " + org.plan() + ".");
        }
        return org;
    }
}
