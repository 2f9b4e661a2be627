package dev.headroom.organization;

import dev.headroom.core.Money;

/**
 * A person in an org. {@code extraUsageOverride} is {@code null} when the member follows the org's
 * scope; {@code spendLimit} is the member's own cap, {@code null} when they have none.
 */
public record Member(
        String orgId,
        String id,
        String email,
        String name,
        Role role,
        SeatType seatType,
        Boolean extraUsageOverride,
        Money spendLimit) {}
