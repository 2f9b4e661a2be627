package dev.headroom.metering.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.rules.Admission.AllowedExtra;
import dev.headroom.metering.rules.Admission.AllowedIncluded;
import dev.headroom.metering.rules.Admission.Denied;
import dev.headroom.organization.Plan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XU-16 and XU-18, case by case, as SPEC.md words them. */
class AdmissionPolicyTest {
    static final Instant SESSION_RESET = Instant.parse("2026-11-29T15:00:00Z");
    static final Instant WEEKLY_RESET = Instant.parse("2026-12-03T10:00:00Z");
    static final Instant PERIOD_END = Instant.parse("2026-12-01T00:00:00Z");
    static final long USD = 1_000_000_000L;

    static final List<WindowState> INCLUDED_LEFT =
            List.of(
                    new WindowState("session", 4 * USD, 5 * USD, SESSION_RESET),
                    new WindowState("weekly", 10 * USD, 40 * USD, WEEKLY_RESET));
    static final List<WindowState> SESSION_EXHAUSTED =
            List.of(
                    new WindowState("session", 5 * USD, 5 * USD, SESSION_RESET),
                    new WindowState("weekly", 10 * USD, 40 * USD, WEEKLY_RESET));
    static final List<WindowState> BOTH_EXHAUSTED =
            List.of(
                    new WindowState("session", 6 * USD, 5 * USD, SESSION_RESET),
                    new WindowState("weekly", 41 * USD, 40 * USD, WEEKLY_RESET));

    /** A Team member, included usage used up, extra usage on, nothing capped, balance left. */
    static AdmissionInput exhaustedTeamMember() {
        return new AdmissionInput(
                Plan.TEAM,
                false,
                SESSION_EXHAUSTED,
                true,
                EffectiveCap.UNLIMITED,
                0,
                null,
                0,
                10 * USD,
                PERIOD_END,
                RequestLink.NONE);
    }

    static AdmissionInput with(AdmissionInput in, List<WindowState> windows) {
        return AdmissionInputBuilder.from(in).windows(windows).build();
    }

    static AdmissionInput eligible(AdmissionInput in, boolean eligible) {
        return AdmissionInputBuilder.from(in).eligible(eligible).build();
    }

    static AdmissionInput memberCap(AdmissionInput in, EffectiveCap cap, long mtd) {
        return AdmissionInputBuilder.from(in).memberCap(cap, mtd).build();
    }

    static AdmissionInput orgCap(AdmissionInput in, Long cap, long mtd) {
        return AdmissionInputBuilder.from(in).orgCap(cap, mtd).build();
    }

    static AdmissionInput balance(AdmissionInput in, Long balance) {
        return AdmissionInputBuilder.from(in).balance(balance).build();
    }

    static AdmissionInput plan(AdmissionInput in, Plan plan, boolean suspended) {
        return AdmissionInputBuilder.from(in).plan(plan, suspended).build();
    }

    @Test
    void XU16_includedAllowanceLeftInEveryWindowIsAllowedIncluded() {
        assertThat(AdmissionPolicy.decide(with(exhaustedTeamMember(), INCLUDED_LEFT)))
                .isInstanceOf(AllowedIncluded.class);
    }

    @Test
    void XU2_oneExhaustedWindowEndsIncludedUsage() {
        assertThat(AdmissionPolicy.decide(exhaustedTeamMember())).isInstanceOf(AllowedExtra.class);
    }

    @Test
    void XU16_extraUsageOffForTheMemberIsIncludedExhaustedUntilTheWindowResets() {
        assertThat(AdmissionPolicy.decide(eligible(exhaustedTeamMember(), false)))
                .isEqualTo(
                        new Denied(
                                DenialReason.INCLUDED_EXHAUSTED,
                                SESSION_RESET,
                                RequestAction.UNAVAILABLE));
    }

    @Test
    void XU16_whenSeveralWindowsAreExhaustedTheMemberResumesWhenTheLastResets() {
        Admission decision =
                AdmissionPolicy.decide(
                        eligible(with(exhaustedTeamMember(), BOTH_EXHAUSTED), false));
        assertThat(((Denied) decision).resumesAt()).isEqualTo(WEEKLY_RESET);
    }

    @Test
    void XU16_aCapIsReachedWhenSpendEqualsIt() {
        AdmissionInput below =
                memberCap(
                        exhaustedTeamMember(),
                        new EffectiveCap(5 * USD, CapSource.MEMBER),
                        5 * USD - 1);
        AdmissionInput equal =
                memberCap(
                        exhaustedTeamMember(),
                        new EffectiveCap(5 * USD, CapSource.MEMBER),
                        5 * USD);
        assertThat(AdmissionPolicy.decide(below)).isInstanceOf(AllowedExtra.class);
        assertThat(AdmissionPolicy.decide(equal))
                .isEqualTo(
                        new Denied(
                                DenialReason.MEMBER_CAP_REACHED,
                                SESSION_RESET,
                                RequestAction.UNAVAILABLE));
    }

    @Test
    void XU12_aCapFromTheSeatTypeIsReportedAsSeatTypeCapReached() {
        AdmissionInput in =
                memberCap(
                        exhaustedTeamMember(),
                        new EffectiveCap(5 * USD, CapSource.SEAT_TYPE),
                        7 * USD);
        assertThat(((Denied) AdmissionPolicy.decide(in)).reason())
                .isEqualTo(DenialReason.SEAT_TYPE_CAP_REACHED);
    }

    @Test
    void XU12_aCappedMemberResumesAtTheEarlierOfWindowResetAndPeriodStart() {
        AdmissionInput weekly =
                with(
                        memberCap(exhaustedTeamMember(), new EffectiveCap(0L, CapSource.MEMBER), 0),
                        BOTH_EXHAUSTED);
        // The weekly window resets after the period ends: the new period frees the cap first.
        assertThat(((Denied) AdmissionPolicy.decide(weekly)).resumesAt()).isEqualTo(PERIOD_END);
    }

    @Test
    void XU8_theOrgCapIsAPooledTotal() {
        AdmissionInput in = orgCap(exhaustedTeamMember(), 100 * USD, 100 * USD);
        assertThat(((Denied) AdmissionPolicy.decide(in)).reason())
                .isEqualTo(DenialReason.ORG_CAP_REACHED);
        assertThat(AdmissionPolicy.decide(orgCap(exhaustedTeamMember(), 100 * USD, 99 * USD)))
                .isInstanceOf(AllowedExtra.class);
    }

    @Test
    void XU7_aBalanceOfZeroOrBelowIsBalanceExhausted() {
        assertThat(((Denied) AdmissionPolicy.decide(balance(exhaustedTeamMember(), 0L))).reason())
                .isEqualTo(DenialReason.BALANCE_EXHAUSTED);
        assertThat(((Denied) AdmissionPolicy.decide(balance(exhaustedTeamMember(), -3L))).reason())
                .isEqualTo(DenialReason.BALANCE_EXHAUSTED);
        assertThat(AdmissionPolicy.decide(balance(exhaustedTeamMember(), 1L)))
                .isInstanceOf(AllowedExtra.class);
    }

    @Test
    void XU16_theMostSpecificReasonWins_memberCapThenOrgCapThenBalance() {
        AdmissionInput all =
                balance(
                        orgCap(
                                memberCap(
                                        exhaustedTeamMember(),
                                        new EffectiveCap(1L, CapSource.MEMBER),
                                        1),
                                1L,
                                1),
                        0L);
        assertThat(((Denied) AdmissionPolicy.decide(all)).reason())
                .isEqualTo(DenialReason.MEMBER_CAP_REACHED);
        AdmissionInput orgAndBalance = balance(orgCap(exhaustedTeamMember(), 1L, 1), 0L);
        assertThat(((Denied) AdmissionPolicy.decide(orgAndBalance)).reason())
                .isEqualTo(DenialReason.ORG_CAP_REACHED);
    }

    @Test
    void XU18_capsAndBalanceDoNotBlockWhileIncludedUsageIsLeft() {
        AdmissionInput capped =
                balance(orgCap(with(exhaustedTeamMember(), INCLUDED_LEFT), 0L, 0), 0L);
        assertThat(AdmissionPolicy.decide(capped)).isInstanceOf(AllowedIncluded.class);
    }

    @Test
    void XU1_usageBasedEnterpriseIsExtraFromTheFirstTokenBoundOnlyByTheOrgCap() {
        AdmissionInput usageBased =
                plan(
                        eligible(with(exhaustedTeamMember(), List.of()), false),
                        Plan.ENTERPRISE_USAGE,
                        false);
        assertThat(AdmissionPolicy.decide(balance(usageBased, null)))
                .isInstanceOf(AllowedExtra.class);
        assertThat(AdmissionPolicy.decide(orgCap(usageBased, 10L, 10)))
                .isEqualTo(
                        new Denied(
                                DenialReason.ORG_CAP_REACHED,
                                PERIOD_END,
                                RequestAction.UNAVAILABLE));
    }

    @Test
    void XU16_aSuspendedOrgIsDeniedWhateverElseHolds() {
        assertThat(
                        ((Denied)
                                        AdmissionPolicy.decide(
                                                plan(
                                                        with(exhaustedTeamMember(), INCLUDED_LEFT),
                                                        Plan.TEAM,
                                                        true)))
                                .reason())
                .isEqualTo(DenialReason.ORG_SUSPENDED);
    }

    @Test
    void XU16_anUnknownMemberIsDeniedWithoutAResumeTime() {
        assertThat(AdmissionPolicy.memberUnknown())
                .isEqualTo(
                        new Denied(DenialReason.MEMBER_UNKNOWN, null, RequestAction.UNAVAILABLE));
    }

    static AdmissionInput link(AdmissionInput in, RequestLink link) {
        return AdmissionInputBuilder.from(in).requestLink(link).build();
    }

    @Test
    void XU21_aMemberAtTheirIncludedLimitIsOfferedTheRequestLink() {
        AdmissionInput atLimit =
                link(eligible(exhaustedTeamMember(), false), new RequestLink(true, false));
        assertThat(AdmissionPolicy.decide(atLimit).requestAction())
                .isEqualTo(RequestAction.AVAILABLE);
        AdmissionInput capped =
                link(
                        memberCap(
                                exhaustedTeamMember(),
                                new EffectiveCap(0L, CapSource.SEAT_TYPE),
                                0),
                        new RequestLink(true, false));
        assertThat(AdmissionPolicy.decide(capped).requestAction())
                .isEqualTo(RequestAction.AVAILABLE);
    }

    @Test
    void XU21_aMemberWhoCanStillWorkIsNotOfferedTheLink() {
        assertThat(
                        AdmissionPolicy.decide(
                                        link(exhaustedTeamMember(), new RequestLink(true, false)))
                                .requestAction())
                .isEqualTo(RequestAction.UNAVAILABLE);
        assertThat(
                        AdmissionPolicy.decide(
                                        link(
                                                with(exhaustedTeamMember(), INCLUDED_LEFT),
                                                new RequestLink(true, false)))
                                .requestAction())
                .isEqualTo(RequestAction.UNAVAILABLE);
    }

    @Test
    void XU22_aPendingRequestReadsPendingWhateverTheDecision() {
        RequestLink pending = new RequestLink(true, true);
        assertThat(
                        AdmissionPolicy.decide(
                                        link(eligible(exhaustedTeamMember(), false), pending))
                                .requestAction())
                .isEqualTo(RequestAction.PENDING);
        assertThat(
                        AdmissionPolicy.decide(
                                        link(with(exhaustedTeamMember(), INCLUDED_LEFT), pending))
                                .requestAction())
                .isEqualTo(RequestAction.PENDING);
    }

    @Test
    void XU25_requestsOffIsUnavailable() {
        assertThat(
                        AdmissionPolicy.decide(
                                        link(
                                                eligible(exhaustedTeamMember(), false),
                                                RequestLink.NONE))
                                .requestAction())
                .isEqualTo(RequestAction.UNAVAILABLE);
    }

    @Test
    void XU2_aSeatWithoutWindowsHasNoIncludedUsage() {
        assertThat(AdmissionPolicy.decide(eligible(with(exhaustedTeamMember(), List.of()), false)))
                .isEqualTo(
                        new Denied(
                                DenialReason.INCLUDED_EXHAUSTED, null, RequestAction.UNAVAILABLE));
    }
}
