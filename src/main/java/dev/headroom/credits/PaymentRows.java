package dev.headroom.credits;

import dev.headroom.core.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** Maps {@code purchase} rows. */
final class PaymentRows {
    private PaymentRows() {}

    static Receipt receipt(ResultSet rs) throws SQLException {
        long after = rs.getLong("balance_after_nanos");
        Money balanceAfter = rs.wasNull() ? null : Money.ofNanos(after);
        Timestamp completed = rs.getTimestamp("completed_at");
        return new Receipt(
                rs.getString("org_id"),
                rs.getString("id"),
                Receipt.PaymentKind.valueOf(rs.getString("kind")),
                Receipt.PaymentStatus.valueOf(rs.getString("status")),
                Money.ofNanos(rs.getLong("amount_nanos")),
                balanceAfter,
                rs.getTimestamp("purchased_at").toInstant(),
                completed == null ? null : completed.toInstant(),
                rs.getString("provider"),
                rs.getString("provider_reference"),
                rs.getString("failure_reason"),
                rs.getInt("attempts"));
    }
}
