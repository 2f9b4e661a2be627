package dev.headroom.requests;

/** What a member asks for (XU-22): a Premium seat when on Standard, otherwise extra usage. */
public enum RequestKind {
    SEAT_UPGRADE,
    EXTRA_USAGE
}
