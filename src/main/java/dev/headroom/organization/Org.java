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

    public Instant now(Clock systemClock) {
        return testClock ? testClockNow : systemClock.instant();
    }
}
