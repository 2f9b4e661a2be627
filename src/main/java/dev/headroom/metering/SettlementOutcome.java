package dev.headroom.metering;

import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementRefusal;
import java.util.List;

/**
 * What settling a report or a batch came to: every report settled (in the order given), or the
 * refusal of the report — or of the batch, all or nothing — with its reason.
 */
public sealed interface SettlementOutcome {
    record Settled(List<Settlement> settlements) implements SettlementOutcome {}

    record Refused(SettlementRefusal refusal) implements SettlementOutcome {}
}
