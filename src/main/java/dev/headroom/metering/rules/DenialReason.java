package dev.headroom.metering.rules;

/** Why an admission was denied (XU-16). */
public enum DenialReason {
    INCLUDED_EXHAUSTED,
    MEMBER_CAP_REACHED,
    SEAT_TYPE_CAP_REACHED,
    ORG_CAP_REACHED,
    BALANCE_EXHAUSTED,
    MEMBER_UNKNOWN,
    ORG_SUSPENDED
}
