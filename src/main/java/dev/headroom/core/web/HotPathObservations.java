package dev.headroom.core.web;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import java.util.Set;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Issue 15, item 3 (a lean HTTP path): the requests every model call makes — admissions and usage
 * reports — are not observed as {@code http.server.requests}. They are counted already, by outcome,
 * in Headroom's own metrics ({@code headroom_admissions_total}, {@code
 * headroom_settlements_total}); the per-request observation (its timer, tags and meter lookup) was
 * a measurable part of their CPU. The gateway's paths are answered before any observation ({@code
 * GatewayRoutes}) and counted in {@code headroom_gateway_requests_total}. The console and the rest
 * of the API stay observed.
 */
@Component
class HotPathObservations implements ObservationPredicate {
    static final Set<String> HOT =
            Set.of("/api/v1/admissions", "/api/v1/usage", "/api/v1/usage:batch");

    @Override
    public boolean test(String name, Observation.Context context) {
        return !(context instanceof ServerRequestObservationContext request
                && HOT.contains(request.getCarrier().getRequestURI()));
    }
}
