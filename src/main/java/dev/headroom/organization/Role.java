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

    /** The lower of two roles: a key acts with the lower of its own and its member's (EX-12). */
    public static Role lower(Role a, Role b) {
        return a.atLeast(b) ? b : a;
    }
}
