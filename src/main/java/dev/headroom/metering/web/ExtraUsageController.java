package dev.headroom.metering.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.web.Json;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.MeteringTotals;
import dev.headroom.metering.StrictAdmissions;
import dev.headroom.metering.holds.HoldStore;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.organization.Caller;
import dev.headroom.organization.MemberJson;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The owners' extra-usage settings and spend caps (XU-4, XU-8, XU-9, XU-11, XU-12, XU-14). */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class ExtraUsageController {
    private final ExtraUsageSettingsService settings;
    private final OrgService orgs;
    private final BalanceLedger ledger;
    private final MeteringTotals totals;
    private final AutoReloads autoReloads;

    private final HoldStore holds;
    private final StrictAdmissions strictAdmissions;

    public ExtraUsageController(
            ExtraUsageSettingsService settings,
            OrgService orgs,
            BalanceLedger ledger,
            MeteringTotals totals,
            AutoReloads autoReloads,
            HoldStore holds,
            StrictAdmissions strictAdmissions) {
        this.holds = holds;
        this.strictAdmissions = strictAdmissions;
        this.settings = settings;
        this.orgs = orgs;
        this.ledger = ledger;
        this.totals = totals;
        this.autoReloads = autoReloads;
    }

    public record Configure(
            Boolean enabled,
            ExtraUsageScope scope,
            String initialPurchase,
            Boolean strict,
            java.time.Duration holdTtl,
            Integer maxTokensFloor) {}

    public record Toggle(Boolean enabled) {}

    /** {@code amount} must be present: {@code null} means unlimited, so a typo must not mean it. */
    public record Limit(@JsonProperty(required = true) String amount) {}

    @GetMapping("/extra-usage")
    public Map<String, Object> get(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.ADMIN);
        return view(orgs.require(orgId));
    }

    @PutMapping("/extra-usage")
    public Map<String, Object> configure(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestBody Configure body,
            @org.springframework.web.bind.annotation.RequestHeader(
                            name = "Idempotency-Key",
                            required = false)
                    String idempotencyKey) {
        caller.requireRole(orgId, Role.OWNER);
        if (body.enabled() == null) {
            throw ApiException.validation("enabled is required: true or false.");
        }
        settings.configure(
                orgId,
                body.enabled(),
                body.scope(),
                body.initialPurchase() == null
                        ? null
                        : Amounts.positive("initialPurchase", body.initialPurchase()),
                idempotencyKey,
                new ExtraUsageSettingsService.StrictChange(
                        body.strict(), body.holdTtl(), body.maxTokensFloor()),
                caller.actor());
        return view(orgs.require(orgId));
    }

    @PutMapping("/extra-usage/requests")
    public Map<String, Object> requests(
            Caller caller, @PathVariable("org") String orgId, @RequestBody Toggle body) {
        caller.requireRole(orgId, Role.OWNER);
        settings.setRequestsEnabled(orgId, enabled(body), caller.actor());
        return view(orgs.require(orgId));
    }

    @PutMapping("/spend-limit")
    public Map<String, Object> orgLimit(
            Caller caller, @PathVariable("org") String orgId, @RequestBody Limit body) {
        caller.requireRole(orgId, Role.OWNER);
        Org org = orgs.require(orgId);
        if (org.plan() == Plan.ENTERPRISE_USAGE) {
            // XU-1: on usage-based plans the org cap is the operator's bound, not an owner control.
            caller.requireOperator();
        }
        settings.setOrgLimit(
                orgId, Amounts.nonNegativeOrNull("amount", body.amount()), caller.actor());
        return view(org);
    }

    @PutMapping("/seat-types/{seatType}/spend-limit")
    public Map<String, Object> seatTypeLimit(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("seatType") SeatType seatType,
            @RequestBody Limit body) {
        caller.requireRole(orgId, Role.OWNER);
        settings.setSeatTypeLimit(
                orgId,
                seatType,
                Amounts.nonNegativeOrNull("amount", body.amount()),
                caller.actor());
        return view(orgs.require(orgId));
    }

    @PutMapping("/members/{member}/spend-limit")
    public MemberJson memberLimit(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId,
            @RequestBody Limit body) {
        caller.requireRole(orgId, Role.OWNER);
        return MemberJson.of(
                settings.setMemberLimit(
                        orgId,
                        memberId,
                        Amounts.nonNegativeOrNull("amount", body.amount()),
                        caller));
    }

    @PutMapping("/members/{member}/extra-usage")
    public MemberJson memberExtraUsage(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId,
            @RequestBody Toggle body) {
        caller.requireRole(orgId, Role.OWNER);
        return MemberJson.of(settings.setMemberExtraUsage(orgId, memberId, enabled(body), caller));
    }

    private Map<String, Object> view(Org org) {
        ExtraUsageSettings s = settings.get(org.id());
        BillingPeriod period = BillingPeriod.containing(orgs.now(org), org.timeZone());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("plan", org.plan());
        json.put("enabled", s.enabled());
        json.put("scope", s.scope());
        json.put("requestsEnabled", s.requestsEnabled());
        json.put("strict", s.strict());
        json.put("spendLimit", Json.money(s.spendLimitNanos()));
        if (org.plan() == Plan.ENTERPRISE_SEAT) {
            Map<String, Object> seatLimits = new LinkedHashMap<>();
            seatLimits.put("STANDARD", Json.money(s.standardLimitNanos()));
            seatLimits.put("PREMIUM", Json.money(s.premiumLimitNanos()));
            json.put("seatTypeSpendLimits", seatLimits);
        }
        json.put("period", period.key());
        json.put("mtdSpend", Json.money(totals.orgExtraNanos(org.id(), period.key())));
        // EX-1: extra spend that live holds reserve, beside what is settled.
        HoldStore.StrictSettings strict = holds.settings(org.id());
        json.put("held", Json.money(strictAdmissions.orgHeld(org)));
        json.put("holdTtl", strict.ttl().toString());
        json.put("maxTokensFloor", strict.maxTokensFloor());
        if (org.plan() == Plan.TEAM) {
            json.put("balance", Json.money(ledger.balanceNanos(org.id())));
            AutoReloads.Settings reload = autoReloads.get(org.id());
            Map<String, Object> autoReload = new LinkedHashMap<>();
            autoReload.put("enabled", reload.enabled());
            autoReload.put("threshold", Json.money(reload.threshold()));
            autoReload.put("amount", Json.money(reload.amount()));
            autoReload.put("state", reload.state());
            json.put("autoReload", autoReload);
        }
        return json;
    }

    private static boolean enabled(Toggle body) {
        if (body.enabled() == null) {
            throw ApiException.validation("enabled is required: true or false.");
        }
        return body.enabled();
    }
}
