package dev.headroom.requests;

/** Where a request stands. */
public enum RequestStatus {
    PENDING,
    APPROVED,
    DISMISSED
}
