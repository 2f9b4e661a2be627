package dev.headroom.audit;

import java.time.Instant;

/** One change: who changed what, from which value to which, and when (EX-7). */
public record AuditEntry(
        Instant at, String actor, String action, String target, String from, String to) {}
