package dev.headroom.billing;

import dev.headroom.core.Money;
import java.time.Instant;
import java.util.List;

/**
 * A period's invoice (XU-27). Each line's amount is its exact extra usage rounded once, half-up to
 * the currency's minor unit; {@code total} is the sum of the rounded lines.
 */
public record Invoice(
        String orgId,
        String id,
        String period,
        String status,
        String currency,
        Money total,
        Instant cutoff,
        Instant closedAt,
        List<Line> lines) {

    /** {@code priorPeriod} is set on late usage of an earlier, already closed period. */
    public record Line(
            String memberId,
            String memberName,
            String product,
            String model,
            String priorPeriod,
            Money exact,
            Money amount) {}
}
