package dev.headroom.console;

import dev.headroom.audit.AuditLog;
import dev.headroom.billing.Invoice;
import dev.headroom.billing.InvoiceDocuments;
import dev.headroom.billing.Invoices;
import dev.headroom.core.ApiException;
import dev.headroom.core.web.Paging;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.credits.Payments;
import dev.headroom.credits.ReceiptPdf;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * What the usage page links to, for owners: invoices (Enterprise seat, XU-27), receipts and the
 * balance history (Team, XU-26), and the audit log (EX-7).
 */
@Controller
@RequestMapping("/console")
class RecordsPages {
    private static final int PAGE_SIZE = 50;

    private final Invoices invoices;
    private final InvoiceDocuments documents;
    private final Payments payments;
    private final ReceiptPdf receiptPdf;
    private final BalanceLedger ledger;
    private final AuditLog audit;

    RecordsPages(
            Invoices invoices,
            InvoiceDocuments documents,
            Payments payments,
            ReceiptPdf receiptPdf,
            BalanceLedger ledger,
            AuditLog audit) {
        this.invoices = invoices;
        this.documents = documents;
        this.payments = payments;
        this.receiptPdf = receiptPdf;
        this.ledger = ledger;
        this.audit = audit;
    }

    @GetMapping("/invoices")
    String invoices(@ModelAttribute("viewer") Viewer viewer, Model model) {
        requireOwner(viewer, Plan.ENTERPRISE_SEAT);
        model.addAttribute("invoices", invoices.list(viewer.org().id()));
        return "console/invoices";
    }

    @GetMapping("/invoices/{id}")
    String invoice(
            @ModelAttribute("viewer") Viewer viewer, @PathVariable("id") String id, Model model) {
        requireOwner(viewer, Plan.ENTERPRISE_SEAT);
        model.addAttribute("invoice", invoices.require(viewer.org().id(), id));
        return "console/invoice";
    }

    @GetMapping("/invoices/{id}.pdf")
    ResponseEntity<byte[]> invoicePdf(
            @ModelAttribute("viewer") Viewer viewer, @PathVariable("id") String id) {
        requireOwner(viewer, Plan.ENTERPRISE_SEAT);
        Invoice invoice = invoices.require(viewer.org().id(), id);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"")
                .body(documents.pdf(viewer.org(), invoice));
    }

    @GetMapping("/invoices/{id}.csv")
    ResponseEntity<String> invoiceCsv(
            @ModelAttribute("viewer") Viewer viewer, @PathVariable("id") String id) {
        requireOwner(viewer, Plan.ENTERPRISE_SEAT);
        Invoice invoice = invoices.require(viewer.org().id(), id);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"" + id + ".csv\"")
                .body(documents.csv(invoice));
    }

    @GetMapping("/receipts")
    String receipts(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "page", defaultValue = "0") int page,
            Model model) {
        requireOwner(viewer, Plan.TEAM);
        Paging paging = Paging.of(page, PAGE_SIZE);
        model.addAttribute(
                "receipts", payments.list(viewer.org().id(), paging.size(), paging.offset()));
        model.addAttribute("page", paging.page());
        return "console/receipts";
    }

    @GetMapping("/receipts/{id}.pdf")
    ResponseEntity<byte[]> receiptPdf(
            @ModelAttribute("viewer") Viewer viewer, @PathVariable("id") String id) {
        requireOwner(viewer, Plan.TEAM);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"")
                .body(receiptPdf.render(viewer.org(), payments.require(viewer.org().id(), id)));
    }

    @GetMapping("/balance-history")
    String balanceHistory(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "page", defaultValue = "0") int page,
            Model model) {
        requireOwner(viewer, Plan.TEAM);
        Paging paging = Paging.of(page, PAGE_SIZE);
        String orgId = viewer.org().id();
        model.addAttribute("balance", viewer.money().format(ledger.balanceNanos(orgId)));
        model.addAttribute("entries", ledger.history(orgId, paging.size(), paging.offset()));
        model.addAttribute("page", paging.page());
        model.addAttribute("pages", pages(ledger.historyCount(orgId)));
        return "console/balance-history";
    }

    @GetMapping("/audit")
    String audit(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "page", defaultValue = "0") int page,
            Model model) {
        viewer.caller().requireRole(viewer.org().id(), Role.OWNER);
        Paging paging = Paging.of(page, PAGE_SIZE);
        String orgId = viewer.org().id();
        model.addAttribute("entries", audit.list(orgId, paging.size(), paging.offset()));
        model.addAttribute("page", paging.page());
        model.addAttribute("pages", pages(audit.count(orgId)));
        return "console/audit";
    }

    private static long pages(long total) {
        return Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    }

    private static void requireOwner(Viewer viewer, Plan plan) {
        viewer.caller().requireRole(viewer.org().id(), Role.OWNER);
        if (viewer.org().plan() != plan) {
            throw ApiException.planNotSupported(
                    "This page is for " + plan + " orgs; this org is " + viewer.org().plan() + ".");
        }
    }
}
