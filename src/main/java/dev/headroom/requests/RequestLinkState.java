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
        RequestStore.LinkRow row = store.linkState(orgId, memberId);
        if (row.pending()) {
            return new RequestState(true, false);
        }
        boolean coolingDown =
                row.lastDismissal() != null
                        && now.isBefore(row.lastDismissal().plus(properties.dismissCooldown()));
        return new RequestState(false, coolingDown);
    }
}
