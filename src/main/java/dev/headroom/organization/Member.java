package dev.headroom.organization;

import dev.headroom.core.Money;
import java.time.Instant;

/**
 * A person in an org. {@code extraUsageOverride} is {@code null} when the member follows the org's
 * scope; {@code spendLimit} is the member's own cap, {@code null} when they have none; {@code
 * removedAt} is when they left the org (EX-13), {@code null} while they are in it.
 */
public record Member(
        String orgId,
        String id,
        String email,
        String name,
        Role role,
        SeatType seatType,
        Boolean extraUsageOverride,
        Money spendLimit,
        Instant removedAt) {

    /** A member who has not left. */
    public Member(
            String orgId,
            String id,
            String email,
            String name,
            Role role,
            SeatType seatType,
            Boolean extraUsageOverride,
            Money spendLimit) {
        this(orgId, id, email, name, role, seatType, extraUsageOverride, spendLimit, null);
    }

    public boolean removed() {
        return removedAt != null;
    }

    /** The one sentence for a member an org does not have. */
    public static String unknown(String orgId, String memberId) {
        return "Member '" + memberId + "' does not exist in organisation '" + orgId + "'.";
    }
}
