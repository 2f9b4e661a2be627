package dev.headroom.metering;

import java.time.Instant;

/**
 * The port through which admission learns a member's request state; the requests feature implements
 * it, so that metering does not depend on it.
 */
public interface RequestLinks {

    /**
     * Whether a request is pending, and until when a dismissal bars a new one ({@code null}: no
     * bar). Facts, not a judgement at an instant, so that admission may keep them in memory.
     */
    RequestFacts factsOf(String orgId, String memberId);

    record RequestFacts(boolean pending, Instant barredUntil) {
        public static final RequestFacts NONE = new RequestFacts(false, null);

        public boolean barredAt(Instant now) {
            return !pending && barredUntil != null && now.isBefore(barredUntil);
        }
    }
}
