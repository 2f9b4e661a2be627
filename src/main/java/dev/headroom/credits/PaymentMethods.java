package dev.headroom.credits;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The payment method an org is charged with off-session (a Stripe customer and payment method). */
@Service
public class PaymentMethods {
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final AuditLog audit;
    private final Clock clock;

    public PaymentMethods(JdbcClient jdbc, OrgService orgs, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
    }

    public Optional<PaymentProvider.SavedPaymentMethod> of(String orgId) {
        return jdbc.sql(
                        "select customer_id, payment_method_id from payment_method where org_id = ?")
                .param(orgId)
                .query((rs, n) ->
                        new PaymentProvider.SavedPaymentMethod(rs.getString(1), rs.getString(2)))
                .optional();
    }

    @Transactional
    public PaymentProvider.SavedPaymentMethod save(
            String orgId, String customerId, String paymentMethodId, String actor) {
        Org org = orgs.require(orgId);
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Only TEAM orgs pay in advance; this org is " + org.plan() + ".");
        }
        if (paymentMethodId == null || !paymentMethodId.matches("[A-Za-z0-9_]{1,255}")) {
            throw ApiException.validation("paymentMethodId is required, e.g. pm_1Nx...");
        }
        if (customerId != null && !customerId.matches("[A-Za-z0-9_]{1,255}")) {
            throw ApiException.validation("customerId must look like cus_1Nx...");
        }
        Optional<PaymentProvider.SavedPaymentMethod> before = of(orgId);
        jdbc.sql(
                        "insert into payment_method (org_id, customer_id, payment_method_id, updated_at) values (?, ?, ?, ?)"
                                + " on conflict (org_id) do update set customer_id = excluded.customer_id,"
                                + " payment_method_id = excluded.payment_method_id, updated_at = excluded.updated_at")
                .params(orgId, customerId, paymentMethodId, Timestamp.from(clock.instant()))
                .update();
        audit.record(
                orgId,
                orgs.now(org),
                actor,
                "payment_method",
                orgId,
                before.map(PaymentProvider.SavedPaymentMethod::paymentMethodId).orElse(null),
                paymentMethodId);
        return new PaymentProvider.SavedPaymentMethod(customerId, paymentMethodId);
    }
}
