package dev.headroom.metering.settlement;

import dev.headroom.metering.rules.SettlementPlan;
import dev.headroom.organization.Org;
import java.time.Instant;

/** One org's plan in a settlement group, with what it was planned from and the org's now. */
public record PlannedOrg(Org org, SettlementPlan.Inputs inputs, SettlementPlan plan, Instant now) {
    public String orgId() {
        return org.id();
    }
}
