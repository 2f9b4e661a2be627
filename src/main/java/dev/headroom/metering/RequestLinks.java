package dev.headroom.metering;

import java.time.Instant;

/**
 * The port through which admission learns a member's request state; the requests feature implements
 * it, so that metering does not depend on it.
 */
public interface RequestLinks {

    /**
     * Whether a request is pending, and whether a dismissal still bars a new one at {@code now}.
     */
    RequestState stateOf(String orgId, String memberId, Instant now);

    record RequestState(boolean pending, boolean coolingDown) {}
}
