package dev.headroom.organization;

/** The billing plan of an organisation (SPEC §1). */
public enum Plan {
    TEAM,
    ENTERPRISE_SEAT,
    ENTERPRISE_USAGE;

    /** XU-1: extra usage, seat-type caps and requests exist on seat plans only. */
    public boolean hasSeats() {
        return this != ENTERPRISE_USAGE;
    }
}
