package dev.headroom.notifications;

import dev.headroom.credits.CreditEvents;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.webhooks.WebhookOutbox;
import dev.headroom.webhooks.WebhookType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * EX-8 for the Team balance: owners are told when a reload succeeded or failed, when the balance
 * fell to the reload threshold with auto-reload off, when it reached zero, and when the period's
 * reload limit stopped auto-reload. Each email is enqueued in the transaction of its cause.
 */
@Component
class BalanceAlerts {
    private final OrgService orgs;
    private final MemberService members;
    private final EmailOutbox outbox;
    private final WebhookOutbox webhooks;

    BalanceAlerts(
            OrgService orgs, MemberService members, EmailOutbox outbox, WebhookOutbox webhooks) {
        this.orgs = orgs;
        this.members = members;
        this.outbox = outbox;
        this.webhooks = webhooks;
    }

    @EventListener
    void onReload(CreditEvents.ReloadCompleted reload) {
        Org org = orgs.require(reload.orgId());
        webhooks.enqueue(
                org.id(),
                reload.succeeded() ? WebhookType.RELOAD_SUCCEEDED : WebhookType.RELOAD_FAILED,
                () -> reloadEvent(org, reload));
        if (reload.succeeded()) {
            tellOwners(
                    org,
                    "Auto-reload added "
                            + reload.amount()
                            + " "
                            + org.currency()
                            + " to "
                            + org.name(),
                    List.of(
                            "Headroom reloaded the prepaid balance of "
                                    + org.name()
                                    + " by "
                                    + reload.amount()
                                    + " "
                                    + org.currency()
                                    + ".",
                            "The balance is now "
                                    + reload.balanceAfter()
                                    + " "
                                    + org.currency()
                                    + ". Receipt: "
                                    + reload.paymentId()),
                    "reload:" + reload.paymentId());
        } else {
            tellOwners(
                    org,
                    "Auto-reload failed for " + org.name() + " and was turned off",
                    List.of(
                            "Headroom could not reload the prepaid balance of "
                                    + org.name()
                                    + " by "
                                    + reload.amount()
                                    + " "
                                    + org.currency()
                                    + ": "
                                    + reload.failureReason(),
                            "Auto-reload is now off. Members stop using extra usage when the balance is spent;"
                                    + " update the payment method and turn auto-reload on again, or buy credits."),
                    "reload:" + reload.paymentId());
        }
    }

    @EventListener
    void onBalance(CreditEvents.BalanceCrossed crossed) {
        Org org = orgs.require(crossed.orgId());
        webhooks.enqueue(org.id(), WebhookType.BALANCE_LOW, () -> balanceEvent(org, crossed));
        if (crossed.line() == CreditEvents.BalanceCrossed.Line.ZERO) {
            tellOwners(
                    org,
                    "The prepaid balance of " + org.name() + " is used up",
                    List.of(
                            "The balance is "
                                    + crossed.balanceAfter()
                                    + " "
                                    + org.currency()
                                    + ". Extra usage stops until credits are bought."),
                    "balance-zero:" + org.id() + ":" + crossed.marker());
        } else {
            tellOwners(
                    org,
                    "The prepaid balance of " + org.name() + " is low",
                    List.of(
                            "The balance fell to "
                                    + crossed.balanceAfter()
                                    + " "
                                    + org.currency()
                                    + ", at or below "
                                    + crossed.threshold()
                                    + " "
                                    + org.currency()
                                    + ". Auto-reload is off: buy credits to keep extra usage running."),
                    "balance-low:" + org.id() + ":" + crossed.marker());
        }
    }

    @EventListener
    void onLimit(CreditEvents.ReloadLimitReached limit) {
        Org org = orgs.require(limit.orgId());
        tellOwners(
                org,
                "Auto-reload of " + org.name() + " paused for " + limit.period(),
                List.of(
                        "The balance was reloaded "
                                + limit.limit()
                                + " times in "
                                + limit.period()
                                + ", the most allowed in one billing period. No further reload happens this period; buy credits if needed."),
                "reload-limit:" + org.id() + ":" + limit.period());
    }

    private static WebhookOutbox.Event reloadEvent(Org org, CreditEvents.ReloadCompleted reload) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("paymentId", reload.paymentId());
        data.put("amount", reload.amount().toDecimalString());
        data.put("currency", org.currency());
        if (reload.succeeded()) {
            data.put("balance", reload.balanceAfter().toDecimalString());
            return new WebhookOutbox.Event(
                    data,
                    "Auto-reload added "
                            + reload.amount()
                            + " "
                            + org.currency()
                            + " to "
                            + org.name()
                            + "; the balance is "
                            + reload.balanceAfter()
                            + " "
                            + org.currency()
                            + ".");
        }
        data.put("reason", reload.failureReason());
        return new WebhookOutbox.Event(
                data,
                "Auto-reload of "
                        + reload.amount()
                        + " "
                        + org.currency()
                        + " failed for "
                        + org.name()
                        + " ("
                        + reload.failureReason()
                        + ") and was turned off.");
    }

    private static WebhookOutbox.Event balanceEvent(Org org, CreditEvents.BalanceCrossed crossed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("line", crossed.line().name());
        data.put("balance", crossed.balanceAfter().toDecimalString());
        data.put("threshold", crossed.threshold().toDecimalString());
        data.put("currency", org.currency());
        return new WebhookOutbox.Event(
                data,
                crossed.line() == CreditEvents.BalanceCrossed.Line.ZERO
                        ? "The prepaid balance of "
                                + org.name()
                                + " is used up ("
                                + crossed.balanceAfter()
                                + " "
                                + org.currency()
                                + "); extra usage stops until credits are bought."
                        : "The prepaid balance of "
                                + org.name()
                                + " fell to "
                                + crossed.balanceAfter()
                                + " "
                                + org.currency()
                                + ", at or below "
                                + crossed.threshold()
                                + "; auto-reload is off.");
    }

    private void tellOwners(Org org, String subject, List<String> lines, String dedupKey) {
        for (Member owner : members.search(org.id(), null, false, 10_000, 0)) {
            if (owner.role().atLeast(Role.OWNER)) {
                outbox.enqueue(
                        new Email(
                                org.id(),
                                owner.email(),
                                subject,
                                "owner-notice",
                                Map.of("name", owner.name(), "lines", lines),
                                dedupKey + ":" + owner.id()));
            }
        }
    }
}
