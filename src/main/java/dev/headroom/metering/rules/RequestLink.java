package dev.headroom.metering.rules;

/**
 * What decides the "Request extra usage" link (XU-21, XU-22, XU-25): whether the org offers
 * requests to this member at all (seat-based Enterprise, requests on, no recent dismissal) and
 * whether one is pending.
 */
public record RequestLink(boolean offered, boolean pending) {

    public static final RequestLink NONE = new RequestLink(false, false);

    /** The link's state once the admission is decided: offered only to a member at a limit. */
    public RequestAction actionFor(Admission.Denied denied) {
        if (!offered) {
            return RequestAction.UNAVAILABLE;
        }
        if (pending) {
            return RequestAction.PENDING;
        }
        if (denied == null) {
            return RequestAction.UNAVAILABLE;
        }
        return switch (denied.reason()) {
            case INCLUDED_EXHAUSTED,
                    MEMBER_CAP_REACHED,
                    SEAT_TYPE_CAP_REACHED,
                    ORG_CAP_REACHED,
                    BALANCE_EXHAUSTED ->
                    RequestAction.AVAILABLE;
            case MEMBER_UNKNOWN, ORG_SUSPENDED -> RequestAction.UNAVAILABLE;
        };
    }
}
