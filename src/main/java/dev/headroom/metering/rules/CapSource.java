package dev.headroom.metering.rules;

/** Where a member's effective cap comes from (XU-12). */
public enum CapSource {
    MEMBER,
    SEAT_TYPE,
    NONE
}
