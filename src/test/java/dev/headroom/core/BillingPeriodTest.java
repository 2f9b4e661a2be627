package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BillingPeriodTest {

    @ParameterizedTest(name = "{0} in {1} is in {2}")
    @CsvSource({
        // Berlin: midnight of Dec 1st is 23:00 UTC on Nov 30th (CET, +01:00).
        "2026-11-30T22:59:59Z, Europe/Berlin, 2026-11",
        "2026-11-30T23:00:00Z, Europe/Berlin, 2026-12",
        // New York: Apr 1st 2027 starts at 04:00 UTC (EDT), after the March DST change.
        "2027-04-01T03:59:59Z, America/New_York, 2027-03",
        "2027-04-01T04:00:00Z, America/New_York, 2027-04",
        // Tokyo is ahead of UTC.
        "2027-01-31T15:00:00Z, Asia/Tokyo, 2027-02",
        // February of a leap year.
        "2028-02-29T23:59:59Z, UTC, 2028-02",
        "2028-03-01T00:00:00Z, UTC, 2028-03"
    })
    void XU16_periodIsTheCalendarMonthInTheOrgTimeZone(String instant, String zone, String key) {
        assertThat(BillingPeriod.containing(Instant.parse(instant), ZoneId.of(zone)).key())
                .isEqualTo(key);
    }

    @ParameterizedTest(name = "{0} {1}: {2} .. {3}")
    @CsvSource({
        "2027-03, Europe/Berlin, 2027-02-28T23:00:00Z, 2027-03-31T22:00:00Z",
        "2026-10, Europe/Berlin, 2026-09-30T22:00:00Z, 2026-10-31T23:00:00Z",
        "2027-02, UTC, 2027-02-01T00:00:00Z, 2027-03-01T00:00:00Z"
    })
    void periodBoundsFollowDstChanges(String month, String zone, String start, String end) {
        BillingPeriod period = new BillingPeriod(java.time.YearMonth.parse(month), ZoneId.of(zone));
        assertThat(period.start()).isEqualTo(Instant.parse(start));
        assertThat(period.end()).isEqualTo(Instant.parse(end));
        assertThat(period.next().start()).isEqualTo(period.end());
    }
}
