package dev.headroom.metering;

import dev.headroom.core.BillingPeriod;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Reads a member's state from committed rows. Admission reads it fresh each time, so once a
 * settlement is acknowledged every node's next admission sees it (XU-18).
 */
@Component
class MemberStateReader {
    private final OrgService orgs;
    private final ExtraUsageSettingsService settings;
    private final IncludedAllowances allowances;
    private final UsageStore usage;
    private final BalanceLedger ledger;
    private final RequestLinks requests;

    MemberStateReader(
            OrgService orgs,
            ExtraUsageSettingsService settings,
            IncludedAllowances allowances,
            UsageStore usage,
            BalanceLedger ledger,
            RequestLinks requests) {
        this.orgs = orgs;
        this.settings = settings;
        this.allowances = allowances;
        this.usage = usage;
        this.ledger = ledger;
        this.requests = requests;
    }

    private RequestLink requestLink(Org org, Member member, ExtraUsageSettings s, Instant now) {
        if (org.plan() != Plan.ENTERPRISE_SEAT || !s.requestsEnabled()) {
            return RequestLink.NONE;
        }
        RequestLinks.RequestState state = requests.stateOf(org.id(), member.id(), now);
        return new RequestLink(state.pending() || !state.coolingDown(), state.pending());
    }

    MemberState read(Org org, Member member) {
        Instant now = orgs.now(org);
        BillingPeriod period = BillingPeriod.containing(now, org.timeZone());
        ExtraUsageSettings s = settings.get(org.id());
        List<WindowState> windows =
                IncludedUsage.at(
                        allowances.forSeat(org.id(), member.seatType()),
                        usage.windows(org.id(), member.id()),
                        now);
        EffectiveCap cap = s.capOf(org.plan(), member);
        return new MemberState(
                org,
                member,
                s,
                now,
                period,
                windows,
                cap,
                usage.memberExtraNanos(org.id(), member.id(), period.key()),
                usage.orgExtraNanos(org.id(), period.key()),
                ledger.balanceNanos(org.id()),
                requestLink(org, member, s, now));
    }
}
