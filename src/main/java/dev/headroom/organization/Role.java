package dev.headroom.organization;

/** A member's role, highest first (XU-4). */
public enum Role {
    PRIMARY_OWNER(3),
    OWNER(2),
    ADMIN(1),
    MEMBER(0);

    private final int rank;

    Role(int rank) {
        this.rank = rank;
    }

    public boolean atLeast(Role other) {
        return rank >= other.rank;
    }
}
