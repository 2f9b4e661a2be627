package dev.headroom.organization;

import java.time.Instant;

/** EX-13: a member left the org; published inside the transaction that removes them. */
public record MemberRemoved(String orgId, String memberId, Instant at) {}
