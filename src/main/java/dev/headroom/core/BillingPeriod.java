package dev.headroom.core;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * A calendar month in an organisation's time zone, keyed {@code YYYY-MM}. Counters are stored per
 * key, so a month "resets" by starting a new key, never by a job that might not run.
 */
public record BillingPeriod(YearMonth month, ZoneId zone) {

    public static BillingPeriod containing(Instant instant, ZoneId zone) {
        return new BillingPeriod(YearMonth.from(instant.atZone(zone)), zone);
    }

    public String key() {
        return month.toString();
    }

    public Instant start() {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    public Instant end() {
        return month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    }

    public BillingPeriod next() {
        return new BillingPeriod(month.plusMonths(1), zone);
    }
}
