package dev.headroom.requests;

import dev.headroom.metering.RequestLinks;
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
    public RequestFacts factsOf(String orgId, String memberId) {
        RequestStore.LinkRow row = store.linkState(orgId, memberId);
        return new RequestFacts(
                row.pending(),
                row.lastDismissal() == null
                        ? null
                        : row.lastDismissal().plus(properties.dismissCooldown()));
    }
}
