package dev.headroom.organization;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * An organisation. {@code testClockNow} is set only for orgs created with a test clock (EX-11):
 * their time stands still until the operator advances it.
 */
public record Org(
        String id,
        String name,
        Plan plan,
        String currency,
        ZoneId timeZone,
        boolean testClock,
        Instant testClockNow,
        boolean suspended) {

    /** Digits after the decimal point of the org's currency (2 for USD, 0 for JPY). */
    public int minorUnitDigits() {
        return Math.max(java.util.Currency.getInstance(currency).getDefaultFractionDigits(), 0);
    }

    /** The org's time; ask {@code OrgService#now}, which holds the system clock. */
    Instant now(Clock systemClock) {
        return testClock ? testClockNow : systemClock.instant();
    }
}
