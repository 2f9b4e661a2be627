package dev.headroom.requests;

import java.time.Instant;

/** A member's request for extra usage and, once reviewed, its outcome. */
public record ExtraUsageRequest(
        String orgId,
        String id,
        String memberId,
        RequestKind kind,
        RequestStatus status,
        Instant requestedAt,
        Instant decidedAt,
        String decidedBy,
        ApprovalAction decision,
        Long amountNanos) {}
