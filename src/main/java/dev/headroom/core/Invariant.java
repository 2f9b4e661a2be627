package dev.headroom.core;

/**
 * Assertions where money moves, always on (TigerBeetle's habit): a broken invariant stops the
 * transaction it is in, with a sentence that names it, instead of committing a wrong figure.
 */
public final class Invariant {
    private Invariant() {}

    public static void holds(boolean condition, String invariant) {
        if (!condition) {
            throw new IllegalStateException("Invariant broken: " + invariant);
        }
    }

    public static void holds(boolean condition, String invariant, Object detail) {
        if (!condition) {
            throw new IllegalStateException("Invariant broken: " + invariant + " (" + detail + ")");
        }
    }
}
