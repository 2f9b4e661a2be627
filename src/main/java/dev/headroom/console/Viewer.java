package dev.headroom.console;

import dev.headroom.organization.Caller;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The signed-in member as the pages need them: their org, their role (read on this request) and how
 * to show money and times in the org's currency and time zone.
 */
public record Viewer(Org org, Member member, MoneyText money) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    public Caller.SignedIn caller() {
        return new Caller.SignedIn(org.id(), member.id(), member.role());
    }

    public boolean owner() {
        return member.role().atLeast(Role.OWNER);
    }

    public boolean admin() {
        return member.role().atLeast(Role.ADMIN);
    }

    public boolean team() {
        return org.plan() == Plan.TEAM;
    }

    public boolean seatBased() {
        return org.plan() == Plan.ENTERPRISE_SEAT;
    }

    public String time(Instant at) {
        return at == null ? "" : TIME.format(at.atZone(org.timeZone()));
    }
}
