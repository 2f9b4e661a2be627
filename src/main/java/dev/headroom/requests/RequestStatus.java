package dev.headroom.requests;

/** Where a request stands; {@code WITHDRAWN} when its member left the org (EX-13). */
public enum RequestStatus {
    PENDING,
    APPROVED,
    DISMISSED,
    WITHDRAWN
}
