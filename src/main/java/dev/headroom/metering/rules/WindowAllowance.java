package dev.headroom.metering.rules;

import java.time.Duration;

/** One included-usage window of a seat type: its length and its allowance in nanos (XU-2). */
public record WindowAllowance(String name, Duration duration, long allowanceNanos) {}
