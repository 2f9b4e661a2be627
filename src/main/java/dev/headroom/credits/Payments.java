package dev.headroom.credits;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Ids;
import dev.headroom.core.Money;
import dev.headroom.credits.Receipt.PaymentKind;
import dev.headroom.credits.Receipt.PaymentStatus;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prepaid purchases and reloads (XU-5, XU-6, XU-26). A payment is first committed as PENDING, then
 * the provider is charged with the payment's id as idempotency key, then the outcome is committed:
 * a credit lands in the ledger only after the charge succeeded, and a charge whose answer was lost
 * is retried with the same key (by the caller with the same {@code Idempotency-Key}, or by the
 * recovery job) instead of being charged again.
 */
@Service
public class Payments {
    private static final Logger log = LoggerFactory.getLogger(Payments.class);
    // How long a node's claim on a payment keeps others off it: longer than a provider call may
    // take (Stripe's read timeout), so a claim expires only when its node died mid-call.
    private final Duration claim;

    private final JdbcClient jdbc;
    private final PaymentProvider provider;
    private final PaymentMethods methods;
    private final BalanceLedger ledger;
    private final OrgService orgs;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Duration retryBase;
    private final int maxAttempts;
    // Charges started at once after their commit; past this many in flight, a pending payment
    // waits for the recovery job instead (it is already committed, so nothing is lost).
    static final int PAYMENTS_IN_FLIGHT_MAX = 64;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final PaymentMetrics metrics;
    private final java.util.concurrent.Semaphore inFlight =
            new java.util.concurrent.Semaphore(PAYMENTS_IN_FLIGHT_MAX);

    public Payments(
            JdbcClient jdbc,
            PaymentProvider provider,
            PaymentMethods methods,
            BalanceLedger ledger,
            OrgService orgs,
            AuditLog audit,
            Clock clock,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactions,
            PaymentMetrics metrics,
            @Value("${headroom.credits.retry-base:PT10S}") Duration retryBase,
            @Value("${headroom.credits.max-attempts:5}") int maxAttempts,
            @Value("${headroom.credits.claim:PT2M}") Duration claim) {
        this.claim = claim;
        this.jdbc = jdbc;
        this.metrics = metrics;
        this.provider = provider;
        this.methods = methods;
        this.ledger = ledger;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
        this.events = events;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
        this.retryBase = retryBase;
        this.maxAttempts = maxAttempts;
    }

    /**
     * What a purchase came to, as a value: {@code replayed} when its {@code Idempotency-Key} was
     * seen before. The edges map {@link NotPaid} with {@link #refusalOf}.
     */
    public sealed interface Outcome {
        Receipt receipt();

        boolean replayed();
    }

    /** Charged: the credit is in the ledger. */
    public record Paid(Receipt receipt, boolean replayed) implements Outcome {}

    /** Declined, failed, or no definite answer yet (pending: retried in the background). */
    public record NotPaid(Receipt receipt, boolean replayed) implements Outcome {}

    /**
     * The API's answer to a purchase that was not paid: 402 {@code PAYMENT_DECLINED} or {@code
     * PAYMENT_FAILED}, or 502 {@code PAYMENT_PENDING} when the provider gave no definite answer
     * (the payment is completed later, or by sending the same {@code Idempotency-Key} again).
     */
    public static ApiException refusalOf(NotPaid notPaid) {
        Receipt receipt = notPaid.receipt();
        return switch (receipt.status()) {
            case DECLINED ->
                    new ApiException(
                            402,
                            "PAYMENT_DECLINED",
                            "The payment was declined: " + receipt.failureReason());
            case FAILED ->
                    new ApiException(
                            402,
                            "PAYMENT_FAILED",
                            "The payment failed: " + receipt.failureReason());
            case PENDING, SUCCEEDED ->
                    new ApiException(
                            502,
                            "PAYMENT_PENDING",
                            "The payment provider gave no definite answer; Headroom retries payment "
                                    + receipt.id()
                                    + " and credits it once it succeeds. Send the same Idempotency-Key to see the outcome.");
        };
    }

    /** A purchase by an owner: charged now, answered with the receipt. */
    public Outcome purchase(Org org, Money amount, String idempotencyKey, String actor) {
        if (org.plan() != Plan.TEAM) {
            throw ApiException.planNotSupported(
                    "Prepaid credits exist on TEAM orgs only; this org is " + org.plan() + ".");
        }
        long minor = minorUnits(org, amount);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ApiException.validation("Idempotency-Key must be 1 to 255 characters.");
        }
        Optional<Receipt> existing =
                idempotencyKey == null ? Optional.empty() : byKey(org.id(), idempotencyKey);
        if (existing.isPresent()) {
            Receipt previous = existing.get();
            if (previous.amount().nanos() != amount.nanos()) {
                throw ApiException.conflict(
                        "Idempotency-Key '"
                                + idempotencyKey
                                + "' was used for a purchase of "
                                + previous.amount().toDecimalString()
                                + "; the first purchase stands.");
            }
            Receipt receipt =
                    previous.status() == PaymentStatus.PENDING && claim(org.id(), previous.id())
                            ? process(org.id(), previous.id(), minor)
                            : previous;
            return outcome(receipt, true);
        }
        String id = Ids.newId("pay");
        Instant now = orgs.now(org);
        tx.executeWithoutResult(status -> {
            insertPending(org, id, PaymentKind.PURCHASE, amount, idempotencyKey, now, true);
            audit.record(org.id(), now, actor, "credits.purchase", id, null, amount);
        });
        return outcome(process(org.id(), id, minor), false);
    }

    /** Starts a reload inside the caller's (settlement) transaction; charged after it commits. */
    String startReload(Org org, Money amount, Instant at) {
        String id = Ids.newId("pay");
        insertPending(org, id, PaymentKind.RELOAD, amount, null, at, false);
        events.publishEvent(new CreditEvents.PaymentPending(org.id(), id));
        return id;
    }

    @TransactionalEventListener
    void afterPendingCommitted(CreditEvents.PaymentPending pending) {
        if (!inFlight.tryAcquire()) {
            return;
        }
        workers.execute(() -> {
            try {
                if (claim(pending.orgId(), pending.paymentId())) {
                    process(pending.orgId(), pending.paymentId(), null);
                }
            } finally {
                inFlight.release();
            }
        });
    }

    /** Retries payments whose answer is still open; several nodes share the work through claims. */
    @Scheduled(fixedDelayString = "${headroom.credits.recovery-interval:PT5S}")
    public void recover() {
        Timestamp now = Timestamp.from(clock.instant());
        List<String[]> due =
                jdbc.sql(
                                """
                                update purchase set claimed_until = ?
                                where (org_id, id) in (select org_id, id from purchase
                                                       where status = 'PENDING' and next_attempt_at <= ?
                                                         and (claimed_until is null or claimed_until < ?)
                                                       order by next_attempt_at limit 20 for update skip locked)
                                returning org_id, id
                                """)
                        .params(Timestamp.from(clock.instant().plus(claim)), now, now)
                        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                        .list();
        for (String[] payment : due) {
            try {
                process(payment[0], payment[1], null);
            } catch (RuntimeException e) {
                log.warn(
                        "Payment {} could not be processed; retried later: {}",
                        payment[1],
                        e.getMessage());
            }
        }
    }

    public List<Receipt> list(String orgId, int limit, int offset) {
        return jdbc.sql(
                        "select * from purchase where org_id = ? order by purchased_at desc, id limit ? offset ?")
                .params(orgId, limit, offset)
                .query((rs, n) -> PaymentRows.receipt(rs))
                .list();
    }

    public Receipt require(String orgId, String id) {
        return find(orgId, id)
                .orElseThrow(() -> ApiException.notFound("Receipt '" + id + "' does not exist."));
    }

    private Optional<Receipt> find(String orgId, String id) {
        return jdbc.sql("select * from purchase where org_id = ? and id = ?")
                .params(orgId, id)
                .query((rs, n) -> PaymentRows.receipt(rs))
                .optional();
    }

    private Optional<Receipt> byKey(String orgId, String key) {
        return jdbc.sql("select * from purchase where org_id = ? and idempotency_key = ?")
                .params(orgId, key)
                .query((rs, n) -> PaymentRows.receipt(rs))
                .optional();
    }

    private void insertPending(
            Org org,
            String id,
            PaymentKind kind,
            Money amount,
            String key,
            Instant at,
            boolean claimed) {
        Instant real = clock.instant();
        jdbc.sql(
                        """
                        insert into purchase (org_id, id, amount_nanos, provider, purchased_at, kind, status,
                          idempotency_key, period, next_attempt_at, claimed_until)
                        values (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)
                        """)
                .params(
                        org.id(),
                        id,
                        amount.nanos(),
                        provider.name(),
                        Timestamp.from(at),
                        kind.name(),
                        key,
                        BillingPeriod.containing(at, org.timeZone()).key(),
                        Timestamp.from(real),
                        claimed ? Timestamp.from(real.plus(claim)) : null)
                .update();
    }

    private boolean claim(String orgId, String id) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql(
                                "update purchase set claimed_until = ? where org_id = ? and id = ? and status = 'PENDING'"
                                        + " and (claimed_until is null or claimed_until < ?)")
                        .params(Timestamp.from(clock.instant().plus(claim)), orgId, id, now)
                        .update()
                == 1;
    }

    /** Charges a claimed pending payment and commits the outcome. */
    private Receipt process(String orgId, String id, Long knownMinor) {
        Receipt pending = require(orgId, id);
        Org org = orgs.require(orgId);
        long minor = knownMinor != null ? knownMinor : minorUnits(org, pending.amount());
        PaymentProvider.ChargeResult result =
                provider.charge(
                        new PaymentProvider.Charge(
                                orgId,
                                minor,
                                org.currency(),
                                methods.of(orgId).orElse(null),
                                id,
                                (pending.kind() == PaymentKind.RELOAD
                                                ? "Headroom auto-reload "
                                                : "Headroom prepaid credits ")
                                        + id));
        return tx.execute(status -> complete(org, id, result));
    }

    private Receipt complete(Org org, String id, PaymentProvider.ChargeResult result) {
        Receipt payment =
                jdbc.sql("select * from purchase where org_id = ? and id = ? for update")
                        .params(org.id(), id)
                        .query((rs, n) -> PaymentRows.receipt(rs))
                        .single();
        if (payment.status() != PaymentStatus.PENDING) {
            return payment;
        }
        Instant now = orgs.now(org);
        switch (result) {
            case PaymentProvider.ChargeResult.Succeeded(String reference) -> {
                metrics.attempt(payment.kind(), "succeeded");
                Money after =
                        ledger.append(
                                org.id(), now, payment.kind().name(), payment.amount(), id, null);
                jdbc.sql(
                                "update purchase set status = 'SUCCEEDED', balance_after_nanos = ?, provider_reference = ?,"
                                        + " completed_at = ?, claimed_until = null where org_id = ? and id = ?")
                        .params(after.nanos(), reference, Timestamp.from(now), org.id(), id)
                        .update();
                if (payment.kind() == PaymentKind.RELOAD) {
                    jdbc.sql(
                                    "update auto_reload set state = 'IDLE', failure_reason = null where org_id = ? and state = 'IN_FLIGHT'")
                            .param(org.id())
                            .update();
                    events.publishEvent(
                            new CreditEvents.ReloadCompleted(
                                    org.id(), id, true, payment.amount(), after, null));
                }
            }
            case PaymentProvider.ChargeResult.Declined(String reason) -> {
                metrics.attempt(payment.kind(), "declined");
                fail(org, payment, "DECLINED", reason, now);
            }
            case PaymentProvider.ChargeResult.Unavailable(String reason) -> {
                int attempts = payment.attempts() + 1;
                metrics.attempt(payment.kind(), attempts >= maxAttempts ? "failed" : "unavailable");
                if (attempts >= maxAttempts) {
                    fail(
                            org,
                            payment,
                            "FAILED",
                            "No answer from the payment provider after "
                                    + attempts
                                    + " attempts: "
                                    + reason,
                            now);
                } else {
                    Duration pause = retryBase.multipliedBy(1L << Math.min(attempts - 1, 10));
                    jdbc.sql(
                                    "update purchase set attempts = ?, next_attempt_at = ?, claimed_until = null,"
                                            + " failure_reason = ? where org_id = ? and id = ?")
                            .params(
                                    attempts,
                                    Timestamp.from(clock.instant().plus(pause)),
                                    reason,
                                    org.id(),
                                    id)
                            .update();
                }
            }
        }
        return require(org.id(), id);
    }

    private void fail(Org org, Receipt payment, String status, String reason, Instant now) {
        jdbc.sql(
                        "update purchase set status = ?, failure_reason = ?, completed_at = ?, claimed_until = null"
                                + " where org_id = ? and id = ?")
                .params(status, reason, Timestamp.from(now), org.id(), payment.id())
                .update();
        if (payment.kind() == PaymentKind.RELOAD) {
            // XU-6: a failed reload turns auto-reload off; it is not retried in a storm.
            jdbc.sql(
                            "update auto_reload set enabled = false, state = 'FAILED', failure_reason = ? where org_id = ?")
                    .params(reason, org.id())
                    .update();
            audit.record(org.id(), now, "headroom", "auto_reload.enabled", org.id(), true, false);
            events.publishEvent(
                    new CreditEvents.ReloadCompleted(
                            org.id(), payment.id(), false, payment.amount(), null, reason));
        }
    }

    private static Outcome outcome(Receipt receipt, boolean replayed) {
        return receipt.status() == PaymentStatus.SUCCEEDED
                ? new Paid(receipt, replayed)
                : new NotPaid(receipt, replayed);
    }

    static long minorUnits(Org org, Money amount) {
        int digits = Currency.getInstance(org.currency()).getDefaultFractionDigits();
        if (!amount.isPositive()) {
            throw ApiException.validation("amount must be greater than zero.");
        }
        try {
            return PaymentProvider.toMinorUnits(amount, Math.max(digits, 0));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(
                    "amount "
                            + amount.toDecimalString()
                            + " has more decimals than "
                            + org.currency()
                            + " allows ("
                            + digits
                            + ").");
        }
    }
}
