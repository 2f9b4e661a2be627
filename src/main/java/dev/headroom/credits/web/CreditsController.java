package dev.headroom.credits.web;

import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.core.web.Paging;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.credits.CreditPurchases;
import dev.headroom.credits.Receipt;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Team prepaid credits: purchases and the balance history (XU-5, XU-26). */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class CreditsController {
    private final CreditPurchases purchases;
    private final BalanceLedger ledger;
    private final OrgService orgs;

    public CreditsController(CreditPurchases purchases, BalanceLedger ledger, OrgService orgs) {
        this.purchases = purchases;
        this.ledger = ledger;
        this.orgs = orgs;
    }

    public record Purchase(String amount) {}

    public record ReceiptJson(
            String id, String amount, String balanceAfter, Instant purchasedAt, String provider) {
        static ReceiptJson of(Receipt r) {
            return new ReceiptJson(
                    r.id(),
                    Json.money(r.amount()),
                    Json.money(r.balanceAfter()),
                    r.purchasedAt(),
                    r.provider());
        }
    }

    public record EntryJson(
            Instant at, String kind, String amount, String balanceAfter, String memberId) {}

    public record History(String balance, List<EntryJson> items, long total) {}

    @PostMapping("/credits/purchases")
    @ResponseStatus(HttpStatus.CREATED)
    public ReceiptJson purchase(
            Caller caller, @PathVariable("org") String orgId, @RequestBody Purchase body) {
        caller.requireRole(orgId, Role.OWNER);
        Org org = orgs.require(orgId);
        return ReceiptJson.of(
                purchases.purchase(org, Amounts.positive("amount", body.amount()), caller.actor()));
    }

    @GetMapping("/balance/history")
    public History history(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "100") int size) {
        caller.requireRole(orgId, Role.OWNER);
        Org org = orgs.require(orgId);
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Only TEAM orgs have a prepaid balance; this org is " + org.plan() + ".");
        }
        Paging paging = Paging.of(page, size);
        List<EntryJson> items =
                ledger.history(orgId, paging.size(), paging.offset()).stream()
                        .map(e ->
                                new EntryJson(
                                        e.at(),
                                        e.kind(),
                                        Json.money(e.amount()),
                                        Json.money(e.balanceAfter()),
                                        e.memberId()))
                        .toList();
        return new History(Json.money(ledger.balanceNanos(orgId)), items, ledger.entryCount(orgId));
    }
}
