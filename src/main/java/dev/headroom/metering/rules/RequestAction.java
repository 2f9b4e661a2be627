package dev.headroom.metering.rules;

/** The state of the member's "Request extra usage" link (XU-21, XU-22, XU-25). */
public enum RequestAction {
    AVAILABLE,
    PENDING,
    UNAVAILABLE
}
