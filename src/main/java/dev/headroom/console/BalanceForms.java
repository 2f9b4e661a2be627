package dev.headroom.console;

import dev.headroom.console.UsageSettingsPage.Dialog;
import dev.headroom.core.Amounts;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.Payments;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Organisation settings > Usage", the Team balance: buying credits and auto-reload (XU-5, XU-6).
 */
@Controller
@RequestMapping(UsageSettingsPage.PAGE)
class BalanceForms extends UsageSettingsForms {
    private final Payments payments;
    private final AutoReloads autoReloads;
    private final OrgService orgs;

    BalanceForms(
            UsageSettingsPage page, Payments payments, AutoReloads autoReloads, OrgService orgs) {
        super(page);
        this.payments = payments;
        this.autoReloads = autoReloads;
        this.orgs = orgs;
    }

    @PostMapping("/credits")
    String buyCredits(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "idempotencyKey", required = false) String idempotencyKey) {
        return change(
                viewer,
                new Dialog("buy-credits", null, null, amount),
                Role.OWNER,
                () -> {
                    var outcome =
                            payments.purchase(
                                    orgs.require(viewer.org().id()),
                                    Amounts.positive("amount", amount),
                                    consoleKey(idempotencyKey),
                                    viewer.caller().actor());
                    if (outcome instanceof Payments.NotPaid notPaid) {
                        throw Payments.refusalOf(notPaid);
                    }
                    return "Bought "
                            + viewer.money().format(outcome.receipt().amount())
                            + " of credits.";
                });
    }

    @PostMapping("/auto-reload")
    String autoReload(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "enabled", defaultValue = "false") boolean enabled,
            @RequestParam(name = "threshold", required = false) String threshold,
            @RequestParam(name = "amount", required = false) String amount) {
        return change(
                viewer,
                new Dialog("auto-reload", null, null, amount),
                Role.OWNER,
                () -> {
                    autoReloads.configure(
                            viewer.org().id(),
                            enabled,
                            blank(threshold) ? null : Amounts.nonNegative("threshold", threshold),
                            blank(amount) ? null : Amounts.positive("amount", amount),
                            viewer.caller().actor());
                    return enabled ? "Auto-reload is on." : "Auto-reload is off.";
                });
    }
}
