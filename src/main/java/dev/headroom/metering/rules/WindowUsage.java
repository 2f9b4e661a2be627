package dev.headroom.metering.rules;

import java.time.Instant;

/** A member's usage in the window that started at {@code startedAt}. */
public record WindowUsage(String name, Instant startedAt, long usedNanos) {}
