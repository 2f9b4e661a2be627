package dev.headroom.metering.allowances;

import dev.headroom.organization.Plan;
import dev.headroom.organization.SeatType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator's default included allowance per plan and seat type ({@code
 * headroom.included-allowance.*}), copied to each new org, where the operator may change it.
 */
@ConfigurationProperties("headroom")
public record IncludedAllowanceDefaults(
        Map<Plan, Map<SeatType, List<WindowSpec>>> includedAllowance) {

    public record WindowSpec(String name, Duration duration, String allowance) {}

    public List<WindowSpec> windows(Plan plan, SeatType seatType) {
        if (includedAllowance == null) {
            return List.of();
        }
        return includedAllowance.getOrDefault(plan, Map.of()).getOrDefault(seatType, List.of());
    }
}
