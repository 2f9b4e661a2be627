package dev.headroom.credits;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Prepaid purchases (XU-5): the org's payment method is charged first; the credit lands in the
 * ledger only after the charge succeeded, together with its receipt.
 */
@Service
public class CreditPurchases {
    private final PaymentProvider payments;
    private final BalanceLedger ledger;
    private final OrgService orgs;
    private final AuditLog audit;
    private final JdbcClient jdbc;

    public CreditPurchases(
            PaymentProvider payments,
            BalanceLedger ledger,
            OrgService orgs,
            AuditLog audit,
            JdbcClient jdbc) {
        this.payments = payments;
        this.ledger = ledger;
        this.orgs = orgs;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    /** Charges and credits in the caller's transaction; a decline is a 402-style 4xx. */
    @Transactional
    public Receipt purchase(Org org, Money amount, String actor) {
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Prepaid credits exist on TEAM orgs only; this org is " + org.plan() + ".");
        }
        if (!amount.isPositive()) {
            throw ApiException.validation("amount must be greater than zero.");
        }
        String id = Ids.newId("rcpt");
        PaymentProvider.ChargeResult result = payments.charge(org.id(), amount, org.currency(), id);
        if (result instanceof PaymentProvider.ChargeResult.Declined(String reason)) {
            throw new ApiException(402, "PAYMENT_DECLINED", "The payment was declined: " + reason);
        }
        String reference = ((PaymentProvider.ChargeResult.Succeeded) result).reference();
        Instant now = orgs.now(org);
        Money after = ledger.append(org.id(), now, "PURCHASE", amount, id, null);
        jdbc.sql(
                        "insert into purchase (org_id, id, amount_nanos, balance_after_nanos, provider,"
                                + " provider_reference, purchased_at) values (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        org.id(),
                        id,
                        amount.nanos(),
                        after.nanos(),
                        payments.name(),
                        reference,
                        Timestamp.from(now))
                .update();
        audit.record(org.id(), now, actor, "credits.purchase", id, null, amount);
        return new Receipt(id, amount, after, now, payments.name());
    }
}
