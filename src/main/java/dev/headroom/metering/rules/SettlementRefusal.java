package dev.headroom.metering.rules;

import dev.headroom.organization.Member;

/**
 * Why a usage report is not settled: a value beside {@link DenialReason}, mapped to HTTP only at
 * the edge. {@code message} is the sentence the caller reads.
 */
public record SettlementRefusal(Kind kind, String message) {

    public enum Kind {
        /** The report itself is malformed or names an unknown model (400). */
        INVALID,
        /** No such org, or no such member in it (404). */
        UNKNOWN,
        /** The member left the org before the report's timestamp (404). */
        MEMBER_LEFT,
        /** The request id was reported before with other content; the first report stands (409). */
        CONFLICT,
        /** The same request id kept being settled concurrently; the caller retries (409). */
        CONCURRENT
    }

    public static SettlementRefusal invalid(String message) {
        return new SettlementRefusal(Kind.INVALID, message);
    }

    /** The one sentence for a member an org does not have. */
    public static SettlementRefusal memberUnknown(String orgId, String memberId) {
        return new SettlementRefusal(Kind.UNKNOWN, Member.unknown(orgId, memberId));
    }
}
