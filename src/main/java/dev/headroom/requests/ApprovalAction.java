package dev.headroom.requests;

/** What "Increase limit" does (XU-23); the approver chooses, the default follows the kind. */
public enum ApprovalAction {
    UPGRADE_SEAT,
    ENABLE_EXTRA_USAGE,
    RAISE_LIMIT;

    static ApprovalAction defaultFor(RequestKind kind) {
        return kind == RequestKind.SEAT_UPGRADE ? UPGRADE_SEAT : ENABLE_EXTRA_USAGE;
    }
}
