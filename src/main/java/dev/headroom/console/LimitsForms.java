package dev.headroom.console;

import dev.headroom.console.UsageSettingsPage.Dialog;
import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.Money;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.organization.Member;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Organisation settings > Usage", its extra-usage switch and spend limits (XU-8, XU-9, XU-11,
 * XU-12, XU-14).
 */
@Controller
@RequestMapping(UsageSettingsPage.PAGE)
class LimitsForms extends UsageSettingsForms {
    private final ExtraUsageSettingsService settings;

    LimitsForms(UsageSettingsPage page, ExtraUsageSettingsService settings) {
        super(page);
        this.settings = settings;
    }

    @PostMapping("/extra-usage")
    String extraUsage(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam("enabled") boolean enabled,
            @RequestParam(name = "scope", required = false) ExtraUsageScope scope,
            @RequestParam(name = "initialPurchase", required = false) String initialPurchase,
            @RequestParam(name = "idempotencyKey", required = false) String idempotencyKey) {
        return change(
                viewer,
                new Dialog("enable", null, null, initialPurchase),
                Role.OWNER,
                () -> {
                    settings.configure(
                            viewer.org().id(),
                            enabled,
                            scope,
                            blank(initialPurchase)
                                    ? null
                                    : Amounts.positive("initialPurchase", initialPurchase),
                            consoleKey(idempotencyKey),
                            ExtraUsageSettingsService.StrictChange.NONE,
                            viewer.caller().actor());
                    return enabled ? "Extra usage is on." : "Extra usage is off.";
                });
    }

    /** EX-1: strict limits on or off (owners). */
    @PostMapping("/strict-toggle")
    String strictToggle(
            @ModelAttribute("viewer") Viewer viewer, @RequestParam("enabled") boolean enabled) {
        return change(
                viewer,
                Dialog.NONE,
                Role.OWNER,
                () -> {
                    settings.setStrict(viewer.org().id(), enabled, viewer.caller().actor());
                    return enabled
                            ? "Strict limits are on: requests reserve their largest cost."
                            : "Strict limits are off.";
                });
    }

    @PostMapping("/spend-limit")
    String orgLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited) {
        return change(
                viewer,
                new Dialog("org-limit", null, null, amount),
                Role.OWNER,
                () -> {
                    if (!viewer.org().plan().hasSeats()) {
                        // XU-1: on usage-based plans the org cap is the operator's bound, not an
                        // owner control.
                        viewer.caller().requireOperator();
                    }
                    Money limit = limit(amount, unlimited);
                    settings.setOrgLimit(viewer.org().id(), limit, viewer.caller().actor());
                    return "Spend limit: " + viewer.money().limit(limit) + ".";
                });
    }

    @PostMapping("/seat-types/{seatType}/spend-limit")
    String seatTypeLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("seatType") SeatType seatType,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited) {
        return change(
                viewer,
                new Dialog("seat-limit-" + seatType, null, null, amount),
                Role.OWNER,
                () -> {
                    Money limit = limit(amount, unlimited);
                    settings.setSeatTypeLimit(
                            viewer.org().id(), seatType, limit, viewer.caller().actor());
                    return UsageSettingsPage.seatName(seatType)
                            + " seat limit: "
                            + viewer.money().limit(limit)
                            + ".";
                });
    }

    @PostMapping("/members/{member}/spend-limit")
    String memberLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited) {
        return change(
                viewer,
                new Dialog("member-limit", memberId, null, amount),
                Role.OWNER,
                () -> {
                    Money limit = limit(amount, unlimited);
                    Member member =
                            settings.setMemberLimit(
                                    viewer.org().id(), memberId, limit, viewer.caller());
                    return member.name() + "'s limit: " + viewer.money().limit(limit) + ".";
                });
    }

    @PostMapping("/members/{member}/extra-usage")
    String memberExtraUsage(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam("enabled") boolean enabled) {
        return change(
                viewer,
                Dialog.NONE,
                Role.OWNER,
                () -> {
                    Member member =
                            settings.setMemberExtraUsage(
                                    viewer.org().id(), memberId, enabled, viewer.caller());
                    return "Extra usage for "
                            + member.name()
                            + ": "
                            + (enabled ? "on" : "off")
                            + ".";
                });
    }

    /** "Set to unlimited" sends no amount on purpose; "Set limit" must send one. */
    private static Money limit(String amount, String unlimited) {
        if (unlimited != null) {
            return null;
        }
        if (blank(amount)) {
            throw ApiException.validation(
                    "Enter an amount, or choose \"Set to unlimited\" to remove the limit.");
        }
        return Amounts.nonNegative("amount", amount);
    }
}
