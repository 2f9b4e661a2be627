package dev.headroom.metering.rules;

import static dev.headroom.metering.rules.AdmissionPolicyTest.INCLUDED_LEFT;
import static dev.headroom.metering.rules.AdmissionPolicyTest.SESSION_EXHAUSTED;
import static dev.headroom.metering.rules.AdmissionPolicyTest.USD;
import static dev.headroom.metering.rules.AdmissionPolicyTest.exhaustedTeamMember;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.rules.HoldPolicy.Decision;
import dev.headroom.metering.rules.HoldPolicy.Held;
import dev.headroom.organization.Plan;
import dev.headroom.pricing.WorstCase;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EX-1: holds, lowering max_tokens before refusing, and the reason of the limit with no room. */
class HoldPolicyTest {
    // A prompt worth $0.10 and $0.0001 per output token: 1,000 tokens cost $0.10 more.
    static final WorstCase WORST = new WorstCase(USD / 10, USD / 10_000);

    static HoldPolicy.Ask ask(long maxTokens) {
        return new HoldPolicy.Ask(WORST, maxTokens, 1_024);
    }

    static AdmissionInput memberCapped(long capNanos, long mtdNanos) {
        return AdmissionInputBuilder.from(exhaustedTeamMember())
                .memberCap(new EffectiveCap(capNanos, CapSource.MEMBER), mtdNanos)
                .build();
    }

    @Test
    void EX1_aWorstCaseThatFitsIsHeldWhole() {
        Decision d = HoldPolicy.decide(memberCapped(10 * USD, 0), Held.NONE, ask(8_000));
        assertThat(d).isInstanceOf(Decision.Hold.class);
        Decision.Hold hold = (Decision.Hold) d;
        assertThat(hold.maxTokens()).isEqualTo(8_000);
        assertThat(hold.amountNanos()).isEqualTo(USD / 10 + 8_000 * (USD / 10_000));
        assertThat(hold.includedNanos()).isZero();
        assertThat(hold.admission()).isInstanceOf(Admission.AllowedExtra.class);
    }

    @Test
    void EX1_maxTokensIsLoweredToWhatTheRoomPaysFor() {
        // $0.50 of room: the prompt's $0.10 and 4,000 output tokens.
        Decision d = HoldPolicy.decide(memberCapped(USD, USD / 2), Held.NONE, ask(32_000));
        Decision.Hold hold = (Decision.Hold) d;
        assertThat(hold.maxTokens()).isEqualTo(4_000);
        assertThat(hold.amountNanos()).isEqualTo(USD / 2);
    }

    @Test
    void EX1_belowTheFloorTheRequestIsDeniedByTheLimitWithoutRoom() {
        // Room for 1,000 output tokens, the floor is 1,024: the member's cap has no room.
        Decision d = HoldPolicy.decide(memberCapped(USD, USD - USD / 5), Held.NONE, ask(32_000));
        assertThat(d).isInstanceOf(Decision.Refused.class);
        Admission.Denied denied = ((Decision.Refused) d).admission();
        assertThat(denied.reason()).isEqualTo(DenialReason.MEMBER_CAP_REACHED);
        assertThat(denied.resumesAt()).isEqualTo(AdmissionPolicyTest.SESSION_RESET);
    }

    @Test
    void EX1_liveHoldsCountLikeSettledSpend() {
        AdmissionInput in = memberCapped(USD, 0);
        Decision d = HoldPolicy.decide(in, new Held(0, USD - USD / 10, USD - USD / 10), ask(8_000));
        // $0.10 left pays for the prompt only.
        assertThat(d).isInstanceOf(Decision.Refused.class);
        assertThat(HoldPolicy.decide(in, new Held(0, USD, USD), ask(8_000)))
                .isInstanceOf(Decision.Refused.class);
    }

    @Test
    void EX1_theTightestLimitGivesTheReason() {
        AdmissionInput orgTight =
                AdmissionInputBuilder.from(memberCapped(10 * USD, 0)).orgCap(USD, USD).build();
        assertThat(
                        ((Decision.Refused) HoldPolicy.decide(orgTight, Held.NONE, ask(2_000)))
                                .admission()
                                .reason())
                .isEqualTo(DenialReason.ORG_CAP_REACHED);
        AdmissionInput balanceTight =
                AdmissionInputBuilder.from(memberCapped(10 * USD, 0)).balance(USD / 10).build();
        assertThat(
                        ((Decision.Refused) HoldPolicy.decide(balanceTight, Held.NONE, ask(2_000)))
                                .admission()
                                .reason())
                .isEqualTo(DenialReason.BALANCE_EXHAUSTED);
        AdmissionInput seatTight =
                AdmissionInputBuilder.from(exhaustedTeamMember())
                        .memberCap(new EffectiveCap(USD / 10, CapSource.SEAT_TYPE), 0)
                        .build();
        assertThat(
                        ((Decision.Refused) HoldPolicy.decide(seatTight, Held.NONE, ask(2_000)))
                                .admission()
                                .reason())
                .isEqualTo(DenialReason.SEAT_TYPE_CAP_REACHED);
    }

    @Test
    void EX1_includedRoomIsHeldFirstAndNeverTwice() {
        // $1 of included usage left (the session window's), no extra usage for this member.
        AdmissionInput in =
                AdmissionInputBuilder.from(exhaustedTeamMember())
                        .windows(INCLUDED_LEFT)
                        .eligible(false)
                        .build();
        Decision.Hold first = (Decision.Hold) HoldPolicy.decide(in, Held.NONE, ask(8_000));
        assertThat(first.includedNanos()).isEqualTo(first.amountNanos());
        assertThat(first.admission()).isInstanceOf(Admission.AllowedIncluded.class);
        // Another request in flight holds $0.95 of it: what is left pays for less than the floor.
        Decision second = HoldPolicy.decide(in, new Held(USD - USD / 20, 0, 0), ask(8_000));
        assertThat(((Decision.Refused) second).admission().reason())
                .isEqualTo(DenialReason.INCLUDED_EXHAUSTED);
    }

    @Test
    void EX1_aRequestBelowTheFloorThatFitsIsAdmittedAsAsked() {
        Decision.Hold hold =
                (Decision.Hold)
                        HoldPolicy.decide(memberCapped(USD, USD - USD / 5), Held.NONE, ask(500));
        assertThat(hold.maxTokens()).isEqualTo(500);
    }

    @Test
    void EX1_aUsageBasedOrgHoldsAgainstItsOrgCapOnly() {
        AdmissionInput in =
                new AdmissionInput(
                        Plan.ENTERPRISE_USAGE,
                        false,
                        List.of(),
                        false,
                        EffectiveCap.UNLIMITED,
                        0,
                        USD,
                        0,
                        null,
                        Instant.parse("2027-01-01T00:00:00Z"),
                        RequestLink.NONE);
        Decision.Hold hold = (Decision.Hold) HoldPolicy.decide(in, Held.NONE, ask(100_000));
        assertThat(hold.extraNanos()).isEqualTo(USD);
        assertThat(hold.maxTokens()).isEqualTo(9_000);
    }

    /**
     * Over random limits, spend and holds: a hold never takes more than the room of any limit
     * (settled + held stays within every cap and the balance), and whenever the room pays for the
     * floor the request is admitted — no false denial.
     */
    @Test
    void EX1_holdsStayWithinEveryLimitAndNeverDenyWhatTheFloorFits() {
        Random r = new Random(20261201);
        for (int i = 0; i < 200_000; i++) {
            long memberCap = r.nextInt(4) == 0 ? -1 : r.nextInt(3 * (int) (USD / 1_000)) * 1_000L;
            long orgCap = r.nextInt(4) == 0 ? -1 : r.nextInt(5 * (int) (USD / 1_000)) * 1_000L;
            long balance = r.nextInt(3) == 0 ? -1 : r.nextInt(3 * (int) (USD / 1_000)) * 1_000L;
            long memberMtd = r.nextInt((int) (USD / 1_000)) * 1_000L;
            long orgMtd = memberMtd + r.nextInt((int) (USD / 1_000)) * 1_000L;
            Held held = new Held(0, r.nextInt((int) (USD / 1_000)) * 100L, 0);
            held =
                    new Held(
                            0,
                            held.memberExtraNanos(),
                            held.memberExtraNanos() + r.nextInt(1_000_000));
            AdmissionInput in =
                    AdmissionInputBuilder.from(exhaustedTeamMember())
                            .windows(SESSION_EXHAUSTED)
                            .memberCap(
                                    memberCap < 0
                                            ? EffectiveCap.UNLIMITED
                                            : new EffectiveCap(memberCap, CapSource.MEMBER),
                                    memberMtd)
                            .orgCap(orgCap < 0 ? null : orgCap, orgMtd)
                            .balance(balance < 0 ? null : balance)
                            .build();
            WorstCase worst = new WorstCase(r.nextInt(1_000_000) * 100L, 1 + r.nextInt(100_000));
            HoldPolicy.Ask a =
                    new HoldPolicy.Ask(worst, 1 + r.nextInt(64_000), 1 + r.nextInt(4_096));
            long room = Long.MAX_VALUE;
            if (memberCap >= 0) {
                room = Math.min(room, memberCap - memberMtd - held.memberExtraNanos());
            }
            if (orgCap >= 0) {
                room = Math.min(room, orgCap - orgMtd - held.orgExtraNanos());
            }
            if (balance >= 0) {
                room = Math.min(room, balance - held.orgExtraNanos());
            }
            Decision d = HoldPolicy.decide(in, held, a);
            String where = "case " + i + ": " + in + " " + held + " " + a + " -> " + d;
            long floor = Math.min(a.floorTokens(), a.maxTokens());
            if (d instanceof Decision.Hold hold) {
                assertThat(hold.extraNanos()).as(where).isLessThanOrEqualTo(room);
                assertThat(hold.maxTokens()).as(where).isBetween(floor, a.maxTokens());
                assertThat(hold.amountNanos()).as(where).isEqualTo(worst.costOf(hold.maxTokens()));
            } else {
                assertThat(room > 0 && worst.costOf(floor) <= room && a.maxTokens() >= floor)
                        .as(where + " (the floor fits: a false denial)")
                        .isFalse();
            }
        }
    }
}
