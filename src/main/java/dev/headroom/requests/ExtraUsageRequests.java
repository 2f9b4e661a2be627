package dev.headroom.requests;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.Money;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.rules.RequestAction;
import dev.headroom.notifications.Email;
import dev.headroom.notifications.EmailOutbox;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberRemoved;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.RankRules;
import dev.headroom.organization.SeatType;
import dev.headroom.webhooks.WebhookOutbox;
import dev.headroom.webhooks.WebhookType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Filing and reviewing requests for extra usage (XU-21 – XU-23, XU-25). */
@Service
public class ExtraUsageRequests {
    private final RequestStore store;
    private final OrgService orgs;
    private final MemberService members;
    private final AdmissionService admissions;
    private final ExtraUsageSettingsService settings;
    private final MemberUsageService usage;
    private final EmailOutbox outbox;
    private final AuditLog audit;
    private final RequestsProperties properties;
    private final WebhookOutbox webhooks;

    public ExtraUsageRequests(
            RequestStore store,
            OrgService orgs,
            MemberService members,
            AdmissionService admissions,
            ExtraUsageSettingsService settings,
            MemberUsageService usage,
            EmailOutbox outbox,
            AuditLog audit,
            RequestsProperties properties,
            WebhookOutbox webhooks) {
        this.store = store;
        this.orgs = orgs;
        this.members = members;
        this.admissions = admissions;
        this.settings = settings;
        this.usage = usage;
        this.outbox = outbox;
        this.audit = audit;
        this.properties = properties;
        this.webhooks = webhooks;
    }

    public record Filed(ExtraUsageRequest request, boolean created) {}

    /**
     * XU-22: files a request, or returns the pending one. Offered only where admission offers the
     * link: on a seat-based Enterprise org with requests on, to a member at a limit.
     */
    @Transactional
    public Filed file(String orgId, String memberId, String actor) {
        Org org = requireSeatEnterprise(orgId);
        Member member = members.lock(orgId, memberId);
        if (!settings.get(orgId).requestsEnabled()) {
            throw new ApiException(
                    409,
                    "REQUESTS_DISABLED",
                    "The organisation has turned extra-usage requests off.");
        }
        var pending = store.pendingOf(orgId, memberId);
        if (pending.isPresent()) {
            return new Filed(pending.get(), false);
        }
        Instant now = orgs.now(org);
        Admission admission = admissions.current(orgId, memberId);
        if (admission.requestAction() != RequestAction.AVAILABLE) {
            Instant lastDismissal = store.lastDismissal(orgId, memberId).orElse(null);
            if (lastDismissal != null
                    && now.isBefore(lastDismissal.plus(properties.dismissCooldown()))) {
                throw ApiException.conflict(
                        "A request of this member was dismissed on "
                                + lastDismissal
                                + "; a new one can be filed from "
                                + lastDismissal.plus(properties.dismissCooldown())
                                + ".");
            }
            throw ApiException.conflict(
                    "Extra usage can be requested once the member has reached their included limit or cap.");
        }
        RequestKind kind =
                member.seatType() == SeatType.STANDARD
                        ? RequestKind.SEAT_UPGRADE
                        : RequestKind.EXTRA_USAGE;
        ExtraUsageRequest request =
                new ExtraUsageRequest(
                        orgId,
                        Ids.newId("req"),
                        memberId,
                        kind,
                        RequestStatus.PENDING,
                        now,
                        null,
                        null,
                        null,
                        null);
        if (!store.insertPending(request)) {
            return new Filed(store.pendingOf(orgId, memberId).orElseThrow(), false);
        }
        audit.record(orgId, now, actor, "extra_usage_request.file", memberId, null, kind);
        announce(
                org,
                member,
                request,
                WebhookType.REQUEST_CREATED,
                Map.of("kind", kind.name()),
                member.name()
                        + " asked for "
                        + (kind == RequestKind.SEAT_UPGRADE ? "a Premium seat" : "more extra usage")
                        + " in "
                        + org.name()
                        + "; review it on the usage settings page.");
        return new Filed(request, true);
    }

    public List<ExtraUsageRequest> list(String orgId, RequestStatus status) {
        requireSeatEnterprise(orgId);
        return store.list(orgId, status);
    }

    /** XU-23 "Increase limit": takes effect at the member's next admission. */
    @Transactional
    public ExtraUsageRequest approve(
            String orgId, String requestId, ApprovalAction chosen, Money amount, Caller by) {
        Org org = requireSeatEnterprise(orgId);
        ExtraUsageRequest request = pending(orgId, requestId);
        Member member = members.require(orgId, request.memberId());
        by.requireMayChange(member, RankRules.Change.DECISION);
        String actor = by.actor();
        ApprovalAction action = chosen == null ? ApprovalAction.defaultFor(request.kind()) : chosen;
        if (action != ApprovalAction.RAISE_LIMIT && amount != null) {
            throw ApiException.validation("amount goes with RAISE_LIMIT only.");
        }
        String outcome;
        switch (action) {
            case UPGRADE_SEAT -> {
                if (member.seatType() == SeatType.PREMIUM) {
                    throw ApiException.conflict(
                            "The member already has a Premium seat; choose another action.");
                }
                members.update(orgId, member.id(), null, SeatType.PREMIUM, by);
                outcome = "Your seat was upgraded to Premium.";
            }
            case ENABLE_EXTRA_USAGE -> {
                ExtraUsageSettings s = settings.get(orgId);
                if (!s.enabled()) {
                    throw ApiException.conflict(
                            "Extra usage is off for the organisation; an owner must turn it on first.");
                }
                settings.setMemberExtraUsage(orgId, member.id(), true, by);
                outcome = "Extra usage was turned on for you.";
            }
            case RAISE_LIMIT -> {
                if (amount == null || !amount.isPositive()) {
                    throw ApiException.validation(
                            "RAISE_LIMIT needs a positive amount to raise the cap by.");
                }
                MemberState state = usage.usageOf(orgId, member.id());
                long base =
                        state.cap().capNanos() != null
                                ? state.cap().capNanos()
                                : state.memberMtdNanos();
                Money raised = Money.ofNanos(Math.addExact(base, amount.nanos()));
                settings.setMemberLimit(orgId, member.id(), raised, by);
                outcome =
                        "Your monthly extra usage limit was raised to "
                                + raised.toDecimalString()
                                + " "
                                + org.currency()
                                + ".";
            }
            default -> throw new IllegalStateException();
        }
        Instant now = orgs.now(org);
        store.decide(
                orgId,
                requestId,
                RequestStatus.APPROVED,
                now,
                actor,
                action,
                amount == null ? null : amount.nanos());
        audit.record(
                orgId,
                now,
                actor,
                "extra_usage_request.approve",
                member.id(),
                RequestStatus.PENDING,
                action);
        tell(org, member, request, "approved", outcome);
        announce(
                org,
                member,
                request,
                WebhookType.REQUEST_APPROVED,
                Map.of("action", action.name()),
                "The request of "
                        + member.name()
                        + " in "
                        + org.name()
                        + " was approved: "
                        + outcome.replace("Your ", "their ").replace("for you", "for them"));
        return store.lock(orgId, requestId).orElseThrow();
    }

    @Transactional
    public ExtraUsageRequest dismiss(String orgId, String requestId, Caller by) {
        Org org = requireSeatEnterprise(orgId);
        ExtraUsageRequest request = pending(orgId, requestId);
        Member member = members.require(orgId, request.memberId());
        by.requireMayChange(member, RankRules.Change.DECISION);
        String actor = by.actor();
        Instant now = orgs.now(org);
        store.decide(orgId, requestId, RequestStatus.DISMISSED, now, actor, null, null);
        audit.record(
                orgId,
                now,
                actor,
                "extra_usage_request.dismiss",
                member.id(),
                RequestStatus.PENDING,
                RequestStatus.DISMISSED);
        announce(
                org,
                member,
                request,
                WebhookType.REQUEST_DISMISSED,
                Map.of(),
                "The request of " + member.name() + " in " + org.name() + " was dismissed.");
        tell(
                org,
                member,
                request,
                "dismissed",
                "You can file a new request from " + now.plus(properties.dismissCooldown()) + ".");
        return store.lock(orgId, requestId).orElseThrow();
    }

    /** EX-16: in the transaction of the decision, like the member's email. */
    private void announce(
            Org org,
            Member member,
            ExtraUsageRequest request,
            WebhookType type,
            Map<String, Object> more,
            String sentence) {
        webhooks.enqueue(
                org.id(),
                type,
                () -> {
                    Map<String, Object> data = new java.util.LinkedHashMap<>();
                    data.put("requestId", request.id());
                    data.put("memberId", member.id());
                    data.put("email", member.email());
                    data.putAll(more);
                    return new WebhookOutbox.Event(data, sentence);
                });
    }

    /** EX-13: a member who left has nobody to grant their pending request to. */
    @org.springframework.context.event.EventListener
    void onMemberRemoved(MemberRemoved event) {
        store.pendingOf(event.orgId(), event.memberId())
                .ifPresent(pending -> {
                    store.decide(
                            event.orgId(),
                            pending.id(),
                            RequestStatus.WITHDRAWN,
                            event.at(),
                            "member.remove",
                            null,
                            null);
                    audit.record(
                            event.orgId(),
                            event.at(),
                            "member.remove",
                            "extra_usage_request.withdraw",
                            event.memberId(),
                            RequestStatus.PENDING,
                            RequestStatus.WITHDRAWN);
                });
    }

    private void tell(
            Org org, Member member, ExtraUsageRequest request, String verb, String outcome) {
        outbox.enqueue(
                new Email(
                        org.id(),
                        member.email(),
                        "Your request for extra usage was " + verb,
                        "request-decided",
                        Map.of(
                                "name",
                                member.name(),
                                "org",
                                org.name(),
                                "verb",
                                verb,
                                "outcome",
                                outcome),
                        "request-decided:" + org.id() + ":" + request.id()));
    }

    private ExtraUsageRequest pending(String orgId, String requestId) {
        ExtraUsageRequest request =
                store.lock(orgId, requestId)
                        .orElseThrow(() ->
                                ApiException.notFound(
                                        "Request '" + requestId + "' does not exist."));
        if (request.status() != RequestStatus.PENDING) {
            throw ApiException.conflict(
                    "Request '"
                            + requestId
                            + "' was already "
                            + request.status().name().toLowerCase()
                            + ".");
        }
        return request;
    }

    private Org requireSeatEnterprise(String orgId) {
        Org org = orgs.require(orgId);
        if (org.plan() != Plan.ENTERPRISE_SEAT) {
            throw ApiException.planNotSupported(
                    "Extra-usage requests exist on ENTERPRISE_SEAT orgs only; this org is "
                            + org.plan()
                            + ".");
        }
        return org;
    }
}
