package dev.headroom.organization;

import java.time.Instant;

/** Published when an org's test clock moved, so that what fell due in between happens now. */
public record TestClockAdvanced(String orgId, Instant from, Instant to) {}
