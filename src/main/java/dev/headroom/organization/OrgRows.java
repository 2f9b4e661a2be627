package dev.headroom.organization;

import dev.headroom.core.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneId;

/** Maps {@code org} and {@code member} rows (also for queries of other features that join them). */
public final class OrgRows {
    private OrgRows() {}

    public static Org org(ResultSet rs) throws SQLException {
        Timestamp now = rs.getTimestamp("test_clock_now");
        return new Org(
                rs.getString("id"),
                rs.getString("name"),
                Plan.valueOf(rs.getString("plan")),
                rs.getString("currency"),
                ZoneId.of(rs.getString("time_zone")),
                rs.getBoolean("test_clock"),
                now == null ? null : now.toInstant(),
                rs.getBoolean("suspended"));
    }

    public static Member member(ResultSet rs) throws SQLException {
        String seat = rs.getString("seat_type");
        boolean extra = rs.getBoolean("extra_usage");
        Boolean override = rs.wasNull() ? null : extra;
        long limit = rs.getLong("spend_limit_nanos");
        Money spendLimit = rs.wasNull() ? null : Money.ofNanos(limit);
        java.sql.Timestamp removed = rs.getTimestamp("removed_at");
        return new Member(
                rs.getString("org_id"),
                rs.getString("id"),
                rs.getString("email"),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                seat == null ? null : SeatType.valueOf(seat),
                override,
                spendLimit,
                removed == null ? null : removed.toInstant());
    }
}
