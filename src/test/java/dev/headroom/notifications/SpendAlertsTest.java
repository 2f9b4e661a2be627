package dev.headroom.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EX-8: 80 % and 100 % of a member's cap, once each per month; owners when the org cap is reached.
 */
class SpendAlertsTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-04-05T09:00:00Z");

    @Test
    void EX8_memberAndOwnerAlertsOncePerThresholdAndMonth() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "PRIMARY_OWNER");
        String m = org.member("STANDARD");
        org.put("/extra-usage", Map.of("enabled", true));
        org.limit("/members/" + m + "/spend-limit", "10");
        org.limit("/spend-limit", "12");

        org.spendCents(m, 500 + 799);
        assertThat(MAIL.await(org.email(m), "%", 0)).isZero();
        org.spendCents(m, 1);
        assertThat(MAIL.await(org.email(m), "80 %", 1)).isEqualTo(1);
        assertThat(MAIL.bodyOf(org.email(m), "80 %")).contains("8.00").contains("10.00");
        org.spendCents(m, 100);
        assertThat(MAIL.count(org.email(m), "80 %")).isEqualTo(1);
        org.spendCents(m, 100);
        assertThat(MAIL.await(org.email(m), "reached your monthly extra usage limit", 1))
                .isEqualTo(1);
        // Past the cap (the one-request overshoot and beyond): no more alerts this month.
        org.spendCents(m, 300);
        assertThat(MAIL.await(org.email(owner), "reached its monthly extra usage limit", 1))
                .isEqualTo(1);
        org.spendCents(m, 300);
        assertThat(MAIL.await(org.email(m), "limit", 2)).isEqualTo(2);
        assertThat(MAIL.count(org.email(owner), "reached its monthly")).isEqualTo(1);

        // A new month: the thresholds count again.
        org.advance(Instant.parse("2027-05-01T00:00:00Z"));
        org.spendCents(m, 500 + 900);
        assertThat(MAIL.await(org.email(m), "80 %", 2)).isEqualTo(2);
    }
}
