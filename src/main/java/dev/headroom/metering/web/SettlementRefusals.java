package dev.headroom.metering.web;

import dev.headroom.core.ApiException;
import dev.headroom.metering.SettlementOutcome;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementRefusal;
import java.util.List;

/** The HTTP edge of settlement: a refusal becomes the API's error (EX-9), nowhere earlier. */
final class SettlementRefusals {
    private SettlementRefusals() {}

    static List<Settlement> settledOrThrow(SettlementOutcome outcome) {
        return switch (outcome) {
            case SettlementOutcome.Settled settled -> settled.settlements();
            case SettlementOutcome.Refused refused -> throw toApi(refused.refusal());
        };
    }

    static ApiException toApi(SettlementRefusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> ApiException.validation(refusal.message());
            case UNKNOWN, MEMBER_LEFT -> ApiException.notFound(refusal.message());
            case CONFLICT, CONCURRENT -> ApiException.conflict(refusal.message());
        };
    }
}
