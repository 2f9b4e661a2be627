package dev.headroom.metering.rules;

import java.time.Instant;

/**
 * A window as a member sees it at one instant; {@code resetsAt} is {@code null} when no window is
 * running (it starts with the next usage).
 */
public record WindowState(String name, long usedNanos, long allowanceNanos, Instant resetsAt) {

    public long remainingNanos() {
        return Math.max(0, allowanceNanos - usedNanos);
    }

    public boolean exhausted() {
        return usedNanos >= allowanceNanos;
    }
}
