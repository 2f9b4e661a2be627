package dev.headroom.requests;

import dev.headroom.metering.RequestLinks;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Tells admission whether a member has a pending request or waits out a dismissal. */
@Component
class RequestLinkState implements RequestLinks {
    private final RequestStore store;
    private final RequestsProperties properties;

    RequestLinkState(RequestStore store, RequestsProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    @Override
    public RequestState stateOf(String orgId, String memberId, Instant now) {
        if (store.hasPending(orgId, memberId)) {
            return new RequestState(true, false);
        }
        boolean coolingDown =
                store.lastDismissal(orgId, memberId)
                        .map(at -> now.isBefore(at.plus(properties.dismissCooldown())))
                        .orElse(false);
        return new RequestState(false, coolingDown);
    }
}
