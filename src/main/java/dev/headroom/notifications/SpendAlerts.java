package dev.headroom.notifications;

import dev.headroom.core.Money;
import dev.headroom.metering.ExtraSpendSettled;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.webhooks.WebhookOutbox;
import dev.headroom.webhooks.WebhookType;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * EX-8: a member is told once when their extra spend of a period reaches 80 % and once at 100 % of
 * their cap; owners once when the org cap is reached. Runs in the settlement transaction: the alert
 * row and its emails are committed with the spend that caused them.
 */
@Component
class SpendAlerts {
    private static final org.slf4j.Logger log =
            org.slf4j.LoggerFactory.getLogger(SpendAlerts.class);
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final MemberService members;
    private final EmailOutbox outbox;
    private final WebhookOutbox webhooks;

    SpendAlerts(
            JdbcClient jdbc,
            OrgService orgs,
            MemberService members,
            EmailOutbox outbox,
            WebhookOutbox webhooks) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.members = members;
        this.outbox = outbox;
        this.webhooks = webhooks;
    }

    @EventListener
    void onSpend(ExtraSpendSettled spend) {
        try {
            alert(spend);
        } catch (org.springframework.dao.DataAccessException e) {
            throw e;
        } catch (RuntimeException e) {
            // An alert must never cost a settlement: log it and let the usage be acknowledged.
            log.error("Spend alert for org {} could not be prepared", spend.orgId(), e);
        }
    }

    private void alert(ExtraSpendSettled spend) {
        if (spend.memberId() != null) {
            for (int percent : new int[] {100, 80}) {
                if (spend.crossed(percent) && firstAlert(spend, spend.memberId(), percent)) {
                    tellMember(spend, percent);
                    announce(spend, percent);
                    break;
                }
            }
        } else if (spend.crossed(100) && firstAlert(spend, "org", 100)) {
            tellOwners(spend);
            announce(spend, 100);
        }
    }

    /** EX-16: the same crossing, once, to the org's webhooks. */
    private void announce(ExtraSpendSettled spend, int percent) {
        WebhookType type =
                spend.memberId() == null
                        ? WebhookType.ORG_CAP_REACHED
                        : percent >= 100
                                ? WebhookType.MEMBER_CAP_REACHED
                                : WebhookType.MEMBER_CAP_WARNING;
        webhooks.enqueue(spend.orgId(), type, () -> event(spend, percent));
    }

    private WebhookOutbox.Event event(ExtraSpendSettled spend, int percent) {
        Org org = orgs.require(spend.orgId());
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        String who = org.name();
        if (spend.memberId() != null) {
            Member member = members.require(spend.orgId(), spend.memberId());
            data.put("memberId", member.id());
            data.put("email", member.email());
            who = member.name();
        }
        String spent = Money.ofNanos(spend.afterNanos()).toDecimalString();
        String cap = Money.ofNanos(spend.capNanos()).toDecimalString();
        data.put("period", spend.period());
        data.put("percent", percent);
        data.put("spent", spent);
        data.put("cap", cap);
        data.put("currency", org.currency());
        return new WebhookOutbox.Event(
                data,
                who
                        + (percent >= 100 ? " reached the" : " used " + percent + " % of the")
                        + " monthly extra-usage limit"
                        + (spend.memberId() == null ? " of the organisation" : "")
                        + ": "
                        + spent
                        + " of "
                        + cap
                        + " "
                        + org.currency()
                        + " in "
                        + spend.period()
                        + ".");
    }

    private boolean firstAlert(ExtraSpendSettled spend, String subject, int percent) {
        return jdbc.sql(
                                "insert into spend_alert (org_id, subject, period, threshold) values (?, ?, ?, ?)"
                                        + " on conflict do nothing")
                        .params(spend.orgId(), subject, spend.period(), percent + "%")
                        .update()
                == 1;
    }

    private void tellMember(ExtraSpendSettled spend, int percent) {
        Org org = orgs.require(spend.orgId());
        Member member = members.require(spend.orgId(), spend.memberId());
        String subject =
                percent >= 100
                        ? "You reached your monthly extra usage limit"
                        : "You have used " + percent + " % of your monthly extra usage limit";
        outbox.enqueue(
                new Email(
                        org.id(),
                        member.email(),
                        subject,
                        "spend-alert",
                        model(member, org, spend, percent, "your"),
                        "spend-alert:"
                                + org.id()
                                + ":"
                                + member.id()
                                + ":"
                                + spend.period()
                                + ":"
                                + percent));
    }

    private void tellOwners(ExtraSpendSettled spend) {
        Org org = orgs.require(spend.orgId());
        for (Member owner : members.search(org.id(), null, false, 10_000, 0)) {
            if (owner.role().atLeast(Role.OWNER)) {
                outbox.enqueue(
                        new Email(
                                org.id(),
                                owner.email(),
                                org.name() + " reached its monthly extra usage limit",
                                "spend-alert",
                                model(owner, org, spend, 100, "the organisation's"),
                                "org-cap-reached:"
                                        + org.id()
                                        + ":"
                                        + spend.period()
                                        + ":"
                                        + owner.id()));
            }
        }
    }

    private static Map<String, Object> model(
            Member to, Org org, ExtraSpendSettled spend, int percent, String whose) {
        return Map.of(
                "name", to.name(),
                "org", org.name(),
                "percent", percent,
                "spent", Money.ofNanos(spend.afterNanos()).toDecimalString(),
                "cap", Money.ofNanos(spend.capNanos()).toDecimalString(),
                "currency", org.currency(),
                "period", spend.period(),
                "whose", whose);
    }
}
