package dev.headroom.organization;

import dev.headroom.core.web.Json;

/** A member as the API shows it: {@code extraUsage} is the member's own switch, if any. */
public record MemberJson(
        String id,
        String email,
        String name,
        Role role,
        SeatType seatType,
        Boolean extraUsage,
        String spendLimit) {
    public static MemberJson of(Member m) {
        return new MemberJson(
                m.id(),
                m.email(),
                m.name(),
                m.role(),
                m.seatType(),
                m.extraUsageOverride(),
                Json.money(m.spendLimit()));
    }
}
