package dev.headroom.metering.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Window arithmetic of XU-2. A window starts at the member's first usage after the previous one
 * ended and runs for its duration; a member is within included usage while every window has
 * allowance left. Pure: the caller passes the instant.
 */
public final class IncludedUsage {
    private IncludedUsage() {}

    public static List<WindowState> at(
            List<WindowAllowance> allowances, Map<String, WindowUsage> usages, Instant now) {
        List<WindowState> states = new ArrayList<>(allowances.size());
        for (WindowAllowance allowance : allowances) {
            WindowUsage usage = usages.get(allowance.name());
            if (usage == null || !now.isBefore(endOf(usage, allowance))) {
                states.add(new WindowState(allowance.name(), 0, allowance.allowanceNanos(), null));
            } else {
                states.add(
                        new WindowState(
                                allowance.name(),
                                usage.usedNanos(),
                                allowance.allowanceNanos(),
                                endOf(usage, allowance)));
            }
        }
        return states;
    }

    /** What is left of the included allowance: the smallest remainder of all windows. */
    public static long remainingNanos(List<WindowState> states) {
        if (states.isEmpty()) {
            return 0;
        }
        long remaining = Long.MAX_VALUE;
        for (WindowState state : states) {
            remaining = Math.min(remaining, state.remainingNanos());
        }
        return remaining;
    }

    /**
     * When included usage is available again: the latest reset among the exhausted windows, or
     * {@code null} when nothing is exhausted or an exhausted window never resets (no allowance).
     */
    public static Instant availableAgainAt(List<WindowState> states) {
        Instant latest = null;
        for (WindowState state : states) {
            if (state.exhausted()) {
                if (state.resetsAt() == null) {
                    return null;
                }
                if (latest == null || state.resetsAt().isAfter(latest)) {
                    latest = state.resetsAt();
                }
            }
        }
        return latest;
    }

    /**
     * The windows after charging {@code includedNanos} of usage that happened at {@code at}: an
     * ended (or never started) window starts anew at {@code at}; usage timestamped before the
     * running window started is counted in the running window.
     */
    public static List<WindowUsage> charge(
            List<WindowAllowance> allowances,
            Map<String, WindowUsage> usages,
            Instant at,
            long includedNanos) {
        List<WindowUsage> charged = new ArrayList<>(allowances.size());
        for (WindowAllowance allowance : allowances) {
            WindowUsage usage = usages.get(allowance.name());
            if (usage == null || !at.isBefore(endOf(usage, allowance))) {
                charged.add(new WindowUsage(allowance.name(), at, includedNanos));
            } else {
                charged.add(
                        new WindowUsage(
                                allowance.name(),
                                usage.startedAt(),
                                Math.addExact(usage.usedNanos(), includedNanos)));
            }
        }
        return charged;
    }

    private static Instant endOf(WindowUsage usage, WindowAllowance allowance) {
        return usage.startedAt().plus(allowance.duration());
    }
}
