package dev.headroom.metering.rules;

import java.time.Instant;

/** The answer to "may this member make this model request now?" (XU-16). */
public sealed interface Admission {

    RequestAction requestAction();

    record AllowedIncluded(RequestAction requestAction) implements Admission {}

    record AllowedExtra(RequestAction requestAction) implements Admission {}

    /** {@code resumesAt} is when the member can next work, or {@code null} if no reset helps. */
    record Denied(DenialReason reason, Instant resumesAt, RequestAction requestAction)
            implements Admission {}
}
