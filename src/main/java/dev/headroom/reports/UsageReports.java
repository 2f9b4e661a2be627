package dev.headroom.reports;

import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * EX-3: usage and cost between two local dates, grouped by one dimension, read from the daily
 * aggregates that settlement maintains (never from the raw events).
 */
@Service
public class UsageReports {
    static final long MAX_DAYS = 400;

    private final JdbcClient jdbc;
    private final OrgService orgs;

    public UsageReports(JdbcClient jdbc, OrgService orgs) {
        this.jdbc = jdbc;
        this.orgs = orgs;
    }

    public enum GroupBy {
        DAY("day"),
        MEMBER("member_id"),
        SEAT_TYPE("seat_type"),
        PRODUCT("product"),
        MODEL("model");

        final String column;

        GroupBy(String column) {
            this.column = column;
        }
    }

    public record Row(
            String key,
            long requests,
            Money includedCost,
            Money extraCost,
            long inputTokens,
            long outputTokens,
            long cacheWrite5mTokens,
            long cacheWrite1hTokens,
            long cacheReadTokens,
            long webSearchRequests) {}

    /** The days a report covers, both inclusive, in the org's time zone. */
    public record Range(LocalDate from, LocalDate to) {}

    /**
     * The days asked for ({@code YYYY-MM-DD}, either may be absent): by default the org's current
     * billing period.
     */
    public Range range(Org org, String from, String to) {
        BillingPeriod period = BillingPeriod.containing(orgs.now(org), org.timeZone());
        return new Range(
                date("from", from, period.month().atDay(1)),
                date("to", to, period.month().atEndOfMonth()));
    }

    private static LocalDate date(String name, String text, LocalDate fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(name + " must be a date YYYY-MM-DD, got '" + text + "'.");
        }
    }

    /** One day's cost of one series (a product or a model): what the usage charts draw (EX-3). */
    public record DailyCost(LocalDate day, String key, Money includedCost, Money extraCost) {}

    public List<DailyCost> daily(String orgId, LocalDate from, LocalDate to, GroupBy series) {
        orgs.require(orgId);
        checkRange(from, to);
        return jdbc.sql(
                        "select day, "
                                + series.column
                                + " as k, sum(included_nanos), sum(extra_nanos) from usage_daily"
                                + " where org_id = ? and day between ? and ? group by day, k order by day, k")
                .params(orgId, Date.valueOf(from), Date.valueOf(to))
                .query((rs, n) ->
                        new DailyCost(
                                rs.getDate(1).toLocalDate(),
                                rs.getString(2),
                                Money.ofNanos(rs.getLong(3)),
                                Money.ofNanos(rs.getLong(4))))
                .list();
    }

    public List<Row> report(String orgId, LocalDate from, LocalDate to, GroupBy groupBy) {
        orgs.require(orgId);
        checkRange(from, to);
        // The column comes from the enum, never from the caller's text.
        return jdbc.sql(
                        "select "
                                + groupBy.column
                                + " as k, sum(requests), sum(included_nanos), sum(extra_nanos),"
                                + " sum(input_tokens), sum(output_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens),"
                                + " sum(cache_read_tokens), sum(web_search_requests)"
                                + " from usage_daily where org_id = ? and day between ? and ? group by k order by k")
                .params(orgId, Date.valueOf(from), Date.valueOf(to))
                .query((rs, n) ->
                        new Row(
                                rs.getString(1),
                                rs.getLong(2),
                                Money.ofNanos(rs.getLong(3)),
                                Money.ofNanos(rs.getLong(4)),
                                rs.getLong(5),
                                rs.getLong(6),
                                rs.getLong(7),
                                rs.getLong(8),
                                rs.getLong(9),
                                rs.getLong(10)))
                .list();
    }

    private static void checkRange(LocalDate from, LocalDate to) {
        if (from == null || to == null) {
            throw ApiException.validation(
                    "from and to are required dates (YYYY-MM-DD, in the org's time zone).");
        }
        if (to.isBefore(from)) {
            throw ApiException.validation("to must not be before from.");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw ApiException.validation("A report covers at most " + MAX_DAYS + " days.");
        }
    }
}
