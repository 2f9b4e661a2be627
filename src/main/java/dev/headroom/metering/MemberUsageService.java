package dev.headroom.metering;

import dev.headroom.core.BillingPeriod;
import dev.headroom.metering.admission.MemberStateReader;
import dev.headroom.metering.rules.EffectiveCap;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.metering.settlement.UsageStore;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** What owners see of members (XU-13) and what a member sees of themselves (XU-29). */
@Service
public class MemberUsageService {
    private final OrgService orgs;
    private final MemberService members;
    private final MemberStateReader states;
    private final ExtraUsageSettingsService settings;
    private final UsageStore usage;

    public MemberUsageService(
            OrgService orgs,
            MemberService members,
            MemberStateReader states,
            ExtraUsageSettingsService settings,
            UsageStore usage) {
        this.orgs = orgs;
        this.members = members;
        this.states = states;
        this.settings = settings;
        this.usage = usage;
    }

    public record MemberRow(
            Member member,
            boolean extraUsageEnabled,
            EffectiveCap effectiveCap,
            long mtdSpendNanos) {}

    public record MemberPage(List<MemberRow> items, long total) {}

    /** One page of the member list, searchable by name or email, with this period's spend. */
    public MemberPage list(String orgId, String query, int page, int size) {
        return list(orgId, query, false, page, size);
    }

    /** The same, with the members who left when {@code includeRemoved} (EX-13). */
    public MemberPage list(String orgId, String query, boolean includeRemoved, int page, int size) {
        Org org = orgs.require(orgId);
        List<Member> found = members.search(orgId, query, includeRemoved, size, (long) page * size);
        long total = members.count(orgId, query, includeRemoved);
        ExtraUsageSettings s = settings.get(orgId);
        Instant now = orgs.now(org);
        String period = BillingPeriod.containing(now, org.timeZone()).key();
        Map<String, Long> spend =
                usage.memberExtraNanos(orgId, found.stream().map(Member::id).toList(), period);
        List<MemberRow> rows =
                found.stream()
                        .map(m ->
                                new MemberRow(
                                        m,
                                        org.plan().hasSeats()
                                                ? s.eligible(m.extraUsageOverride())
                                                : true,
                                        s.capOf(org.plan(), m),
                                        spend.getOrDefault(m.id(), 0L)))
                        .toList();
        return new MemberPage(rows, total);
    }

    public MemberState usageOf(String orgId, String memberId) {
        return states.read(orgId, memberId)
                .orElseThrow(() ->
                        dev.headroom.core.ApiException.notFound(
                                dev.headroom.organization.Member.unknown(orgId, memberId)));
    }
}
