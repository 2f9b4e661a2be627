package dev.headroom.metering.web;

import dev.headroom.core.web.Include;
import dev.headroom.core.web.Json;
import dev.headroom.core.web.Paging;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.allowances.IncludedAllowanceDefaults.WindowSpec;
import dev.headroom.metering.allowances.IncludedAllowances;
import dev.headroom.metering.rules.CapSource;
import dev.headroom.metering.rules.RequestAction;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.organization.Caller;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The member list with MTD spend (XU-13), a member's own usage (XU-29), included allowances (XU-2).
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class MemberUsageController {
    private final MemberUsageService usage;
    private final IncludedAllowances allowances;
    private final OrgService orgs;

    public MemberUsageController(
            MemberUsageService usage, IncludedAllowances allowances, OrgService orgs) {
        this.usage = usage;
        this.allowances = allowances;
        this.orgs = orgs;
    }

    public record MemberRowJson(
            String id,
            String email,
            String name,
            Role role,
            SeatType seatType,
            boolean extraUsageEnabled,
            String spendLimit,
            String effectiveSpendLimit,
            CapSource effectiveSpendLimitSource,
            String mtdSpend,
            Instant removedAt) {}

    public record MemberList(List<MemberRowJson> items, long total) {}

    public record WindowJson(String name, String used, String allowance, Instant resetsAt) {}

    public record MemberUsageJson(
            String memberId,
            String period,
            List<WindowJson> windows,
            boolean extraUsageEnabled,
            String mtdSpend,
            String effectiveSpendLimit,
            CapSource effectiveSpendLimitSource,
            RequestAction requestAction) {}

    public record Allowance(List<WindowSpec> windows) {}

    public record AllowanceJson(SeatType seatType, List<WindowSpec> windows) {}

    @GetMapping("/members")
    public MemberList list(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "50") int size,
            @RequestParam(name = "include", required = false) String include) {
        caller.requireRole(orgId, Role.ADMIN);
        Paging paging = Paging.of(page, size);
        MemberUsageService.MemberPage found =
                usage.list(orgId, q, Include.of(include, "removed"), paging.page(), paging.size());
        return new MemberList(
                found.items().stream()
                        .map(row ->
                                new MemberRowJson(
                                        row.member().id(),
                                        row.member().email(),
                                        row.member().name(),
                                        row.member().role(),
                                        row.member().seatType(),
                                        row.extraUsageEnabled(),
                                        Json.money(row.member().spendLimit()),
                                        Json.money(row.effectiveCap().capNanos()),
                                        row.effectiveCap().source(),
                                        Json.money(row.mtdSpendNanos()),
                                        row.member().removedAt()))
                        .toList(),
                found.total());
    }

    @GetMapping("/members/{member}/usage")
    public MemberUsageJson memberUsage(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId) {
        caller.requireMemberOrAdmin(orgId, memberId);
        MemberState state = usage.usageOf(orgId, memberId);
        return new MemberUsageJson(
                memberId,
                state.period().key(),
                state.windows().stream()
                        .map(w ->
                                new WindowJson(
                                        w.name(),
                                        Json.money(w.usedNanos()),
                                        Json.money(w.allowanceNanos()),
                                        w.resetsAt()))
                        .toList(),
                state.admissionInput().extraUsageEligible(),
                Json.money(state.memberMtdNanos()),
                Json.money(state.cap().capNanos()),
                state.cap().source(),
                state.admission().requestAction());
    }

    @GetMapping("/seat-types/{seatType}/included-allowance")
    public AllowanceJson getAllowance(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("seatType") SeatType seatType) {
        caller.requireRole(orgId, Role.MEMBER);
        orgs.require(orgId);
        return new AllowanceJson(seatType, specs(allowances.forSeat(orgId, seatType)));
    }

    @PutMapping("/seat-types/{seatType}/included-allowance")
    public AllowanceJson putAllowance(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("seatType") SeatType seatType,
            @RequestBody Allowance body) {
        caller.requireOperator();
        return new AllowanceJson(
                seatType,
                specs(allowances.replace(orgId, seatType, body.windows(), caller.actor())));
    }

    private static List<WindowSpec> specs(List<WindowAllowance> windows) {
        return windows.stream()
                .map(w ->
                        new WindowSpec(
                                w.name(),
                                Duration.from(w.duration()),
                                Json.money(w.allowanceNanos())))
                .toList();
    }
}
