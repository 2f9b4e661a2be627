package dev.headroom.credits;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgCreated;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * XU-6, auto-reload: "reload when the balance reaches T, by amount A". One state row per org (IDLE
 * → IN_FLIGHT → IDLE | FAILED): the debit that brings the balance to T or below moves it to
 * IN_FLIGHT and writes a pending reload in the same transaction, so however many settlements are in
 * flight exactly one reload starts; the charge happens after the commit and never slows the
 * settlement. A period allows at most {@code headroom.credits.max-reloads-per-period} reloads.
 */
@Service
public class AutoReloads {
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final BalanceLedger ledger;
    private final Payments payments;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final int maxReloadsPerPeriod;

    public AutoReloads(
            JdbcClient jdbc,
            OrgService orgs,
            BalanceLedger ledger,
            Payments payments,
            AuditLog audit,
            ApplicationEventPublisher events,
            @Value("${headroom.credits.max-reloads-per-period:10}") int maxReloadsPerPeriod) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.ledger = ledger;
        this.payments = payments;
        this.audit = audit;
        this.events = events;
        this.maxReloadsPerPeriod = maxReloadsPerPeriod;
    }

    public enum State {
        IDLE,
        IN_FLIGHT,
        FAILED
    }

    public record Settings(
            boolean enabled, Money threshold, Money amount, State state, String failureReason) {}

    @EventListener
    void onOrgCreated(OrgCreated event) {
        if (event.org().plan() == Plan.TEAM) {
            jdbc.sql("insert into auto_reload (org_id) values (?)")
                    .param(event.org().id())
                    .update();
        }
    }

    /** The org's auto-reload, or {@code null} for orgs without one (not Team). */
    public Settings get(String orgId) {
        return read(orgId, "");
    }

    private Settings read(String orgId, String lock) {
        return jdbc.sql(
                        "select enabled, threshold_nanos, amount_nanos, state, failure_reason from auto_reload"
                                + " where org_id = ?"
                                + lock)
                .param(orgId)
                .query((rs, n) ->
                        new Settings(
                                rs.getBoolean(1),
                                Money.ofNanos(rs.getLong(2)),
                                Money.ofNanos(rs.getLong(3)),
                                State.valueOf(rs.getString(4)),
                                rs.getString(5)))
                .optional()
                .orElse(null);
    }

    /** Sets auto-reload; when the balance already is at or below the threshold, a reload starts. */
    @Transactional
    public Settings configure(
            String orgId, boolean enabled, Money threshold, Money amount, String actor) {
        Org org = orgs.require(orgId);
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Auto-reload exists on TEAM orgs only; this org is " + org.plan() + ".");
        }
        if (enabled && (threshold == null || amount == null)) {
            throw ApiException.validation(
                    "threshold and amount are required to turn auto-reload on.");
        }
        if (amount != null) {
            Payments.minorUnits(org, amount);
        }
        Settings before = read(orgId, " for update");
        Money newThreshold = threshold == null ? before.threshold() : threshold;
        Money newAmount = amount == null ? before.amount() : amount;
        // Turning it on again clears a failure; a reload in flight stays in flight.
        String state = before.state() == State.IN_FLIGHT ? "IN_FLIGHT" : "IDLE";
        jdbc.sql(
                        "update auto_reload set enabled = ?, threshold_nanos = ?, amount_nanos = ?, state = ?,"
                                + " failure_reason = case when ? then null else failure_reason end where org_id = ?")
                .params(enabled, newThreshold.nanos(), newAmount.nanos(), state, enabled, orgId)
                .update();
        Instant now = orgs.now(org);
        audit.record(
                orgId,
                now,
                actor,
                "auto_reload",
                orgId,
                describe(before.enabled(), before.threshold(), before.amount()),
                describe(enabled, newThreshold, newAmount));
        Long balance = ledger.balanceNanos(orgId);
        if (enabled && balance != null) {
            startReloadIfDue(org, balance, now);
        }
        return get(orgId);
    }

    /**
     * Called in the settlement transaction after usage debits took the balance from {@code before}
     * to {@code after}.
     */
    public void afterDebits(Org org, long before, long after, Instant at) {
        Settings settings = get(org.id());
        if (settings == null) {
            return;
        }
        long threshold = settings.threshold().nanos();
        if (!startReloadIfDue(org, after, at)
                && !settings.enabled()
                && threshold > 0
                && before > threshold
                && after <= threshold) {
            events.publishEvent(
                    new CreditEvents.BalanceCrossed(
                            org.id(),
                            CreditEvents.BalanceCrossed.Line.THRESHOLD,
                            Money.ofNanos(after),
                            settings.threshold(),
                            at.toString()));
        }
        if (before > 0 && after <= 0) {
            events.publishEvent(
                    new CreditEvents.BalanceCrossed(
                            org.id(),
                            CreditEvents.BalanceCrossed.Line.ZERO,
                            Money.ofNanos(after),
                            settings.threshold(),
                            at.toString()));
        }
    }

    private boolean startReloadIfDue(Org org, long balance, Instant at) {
        Long amount =
                jdbc.sql(
                                "select amount_nanos from auto_reload where org_id = ? and enabled and state = 'IDLE'"
                                        + " and threshold_nanos >= ? for update")
                        .params(org.id(), balance)
                        .query(Long.class)
                        .optional()
                        .orElse(null);
        if (amount == null || amount <= 0) {
            return false;
        }
        String period = BillingPeriod.containing(at, org.timeZone()).key();
        long reloads =
                jdbc.sql(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD' and period = ?"
                                        + " and status in ('PENDING', 'SUCCEEDED')")
                        .params(org.id(), period)
                        .query(Long.class)
                        .single();
        if (reloads >= maxReloadsPerPeriod) {
            events.publishEvent(
                    new CreditEvents.ReloadLimitReached(org.id(), period, maxReloadsPerPeriod));
            return false;
        }
        jdbc.sql("update auto_reload set state = 'IN_FLIGHT' where org_id = ?")
                .param(org.id())
                .update();
        payments.startReload(org, Money.ofNanos(amount), at);
        return true;
    }

    private static String describe(boolean enabled, Money threshold, Money amount) {
        return enabled ? "reload " + amount + " at " + threshold : "off";
    }
}
