package dev.headroom.organization;

/** A seat's tier; each has its own included allowance and, on Enterprise seat, its own cap. */
public enum SeatType {
    STANDARD,
    PREMIUM
}
