package dev.headroom.metering;

import dev.headroom.metering.settlement.UsageStore;
import org.springframework.stereotype.Service;

/** Read-only spend figures for views and other features. */
@Service
public class MeteringTotals {
    private final UsageStore usage;

    MeteringTotals(UsageStore usage) {
        this.usage = usage;
    }

    public long orgExtraNanos(String orgId, String period) {
        return usage.orgExtraNanos(orgId, period);
    }
}
