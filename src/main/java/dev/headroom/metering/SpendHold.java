package dev.headroom.metering;

import java.time.Instant;

/** EX-1: a live hold — the worst case one request may still cost, until its usage or expiry. */
public record SpendHold(
        String requestId,
        String memberId,
        long includedNanos,
        long extraNanos,
        long maxTokens,
        Instant expiresAt) {
    public long amountNanos() {
        return includedNanos + extraNanos;
    }
}
