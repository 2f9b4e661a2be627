package dev.headroom.requests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * XU-24 with a test clock in America/Chicago (digest at 09:00 local): three days with a pending
 * request give exactly three digests per admin, running the job again sends nothing, and an org
 * without pending requests gets none.
 */
class RequestDigestTest extends IntegrationTest {
    // 07:00 in Chicago (CDT, UTC-5): before the digest hour.
    static final Instant MONDAY_7AM = Instant.parse("2027-09-06T12:00:00Z");

    @Autowired RequestDigests digests;

    @Test
    void XU24_onePerAdminPerDayAcrossSkippedDaysAndReruns() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "America/Chicago", MONDAY_7AM);
        String owner = org.member("PREMIUM", "PRIMARY_OWNER");
        String admin = org.member("STANDARD", "ADMIN");
        String member = org.member("STANDARD");
        OrgFixture quiet = scenario().org("ENTERPRISE_SEAT", "America/Chicago", MONDAY_7AM);
        String quietAdmin = quiet.member("STANDARD", "ADMIN");

        org.spendCents(member, 500);
        Api.Response filed =
                org.service.post(org.path("/members/" + member + "/extra-usage-requests"), null);
        assertThat(filed.status()).isEqualTo(201);

        // 08:59 local: not yet.
        org.advance(Instant.parse("2027-09-06T13:59:00Z"));
        assertThat(digests.runFor(org.id)).isZero();
        // 09:00 local on Monday: one digest to each admin and above, sent as the clock moved.
        org.advance(Instant.parse("2027-09-06T14:00:00Z"));
        assertThat(MAIL.await(org.email(admin), "pending request", 1)).isEqualTo(1);
        assertThat(MAIL.await(org.email(owner), "pending request", 1)).isEqualTo(1);
        assertThat(MAIL.count(org.email(member), "pending request")).isZero();
        assertThat(MAIL.bodyOf(org.email(admin), "pending request"))
                .contains(org.email(member))
                .contains("Premium seat");

        // The job running again (late, or on a restarted or second node) sends nothing more.
        assertThat(digests.runFor(org.id)).isZero();
        digests.runDue();

        // Wednesday 10:00: Tuesday's and Wednesday's digests, exactly as in real time.
        org.advance(Instant.parse("2027-09-08T15:00:00Z"));
        assertThat(MAIL.await(org.email(admin), "pending request", 3)).isEqualTo(3);
        assertThat(MAIL.await(org.email(owner), "pending request", 3)).isEqualTo(3);
        assertThat(digests.runFor(org.id)).isZero();

        // Approved on Wednesday: no digest on Thursday.
        String request = filed.text("id");
        org.owner.post(org.path("/extra-usage-requests/" + request + "/dismiss"), null);
        org.advance(Instant.parse("2027-09-09T15:00:00Z"));
        assertThat(MAIL.await(org.email(admin), "pending request", 4)).isEqualTo(3);

        quiet.advance(Instant.parse("2027-09-08T15:00:00Z"));
        assertThat(MAIL.count(quiet.email(quietAdmin), "pending request")).isZero();
    }

    /**
     * A request filed at the very instant of the digest hour waits for the next day's digest, and
     * one decided at that instant is still listed — whether the job runs before or after: the
     * answer may not depend on when the scheduler happens to run (found by the million-operation
     * simulation, seed 1129, org 911).
     */
    @Test
    void XU24_aRequestFiledOrDecidedAtTheDigestInstantGivesTheSameDigestsWhenTheJobRunsLate() {
        Instant nineAm = Instant.parse("2027-09-06T14:00:00Z");
        for (boolean jobFirst : new boolean[] {true, false}) {
            OrgFixture org = scenario().org("ENTERPRISE_SEAT", "America/Chicago", nineAm);
            String admin = org.member("STANDARD", "ADMIN");
            String member = org.member("STANDARD");
            org.spendCents(member, 500);
            if (jobFirst) {
                assertThat(digests.runFor(org.id)).isZero();
            }
            Api.Response filed =
                    org.service.post(
                            org.path("/members/" + member + "/extra-usage-requests"), null);
            assertThat(filed.status()).isEqualTo(201);
            assertThat(digests.runFor(org.id)).as("job first: " + jobFirst).isZero();
            // Tuesday 09:00, and the request dismissed at that instant: still in Tuesday's digest.
            org.advance(Instant.parse("2027-09-07T14:00:00Z"));
            if (!jobFirst) {
                org.owner.post(
                        org.path("/extra-usage-requests/" + filed.text("id") + "/dismiss"), null);
            }
            digests.runFor(org.id);
            assertThat(MAIL.await(org.email(admin), "pending request", 1))
                    .as("job first: " + jobFirst)
                    .isEqualTo(1);
            org.advance(Instant.parse("2027-09-08T15:00:00Z"));
            assertThat(MAIL.await(org.email(admin), "pending request", 2))
                    .as("job first: " + jobFirst)
                    .isEqualTo(jobFirst ? 2 : 1);
        }
    }
}
