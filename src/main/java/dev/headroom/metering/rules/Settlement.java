package dev.headroom.metering.rules;

/** The acknowledged result of a usage report; {@code duplicate} when it was a replay. */
public record Settlement(
        String requestId, long costNanos, long includedNanos, long extraNanos, boolean duplicate) {

    public Settlement asDuplicate() {
        return new Settlement(requestId, costNanos, includedNanos, extraNanos, true);
    }
}
