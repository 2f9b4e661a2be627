package dev.headroom.organization;

import java.time.Instant;

/**
 * What a stored key grants, with its member's current role ({@code null} for a key of no member)
 * and whether that member has left. Kept in {@link KeyCache}; checked for expiry at every use.
 */
record KeyGrant(
        String keyId,
        String orgId,
        KeyRole role,
        String memberId,
        Role memberRole,
        boolean memberRemoved,
        Instant expiresAt,
        Instant revokedAt) {

    /** Why this key may not be used at {@code now}, or {@code null} when it may. */
    String refusal(Instant now) {
        if (revokedAt != null) {
            return "This API key was revoked.";
        }
        if (memberRemoved) {
            return "This API key belongs to a member who has left the organisation.";
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return "This API key expired at " + expiresAt + ".";
        }
        return null;
    }

    Caller.OrgKey caller() {
        return new Caller.OrgKey(keyId, orgId, role, memberId, memberRole);
    }
}
