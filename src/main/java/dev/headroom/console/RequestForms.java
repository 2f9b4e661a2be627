package dev.headroom.console;

import dev.headroom.console.UsageSettingsPage.Dialog;
import dev.headroom.core.Amounts;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Role;
import dev.headroom.requests.ApprovalAction;
import dev.headroom.requests.ExtraUsageRequests;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Organisation settings > Usage", extra-usage requests: the switch and the review (XU-23, XU-25).
 */
@Controller
@RequestMapping(UsageSettingsPage.PAGE)
class RequestForms extends UsageSettingsForms {
    private final ExtraUsageSettingsService settings;
    private final ExtraUsageRequests requests;
    private final MemberService members;

    RequestForms(
            UsageSettingsPage page,
            ExtraUsageSettingsService settings,
            ExtraUsageRequests requests,
            MemberService members) {
        super(page);
        this.settings = settings;
        this.requests = requests;
        this.members = members;
    }

    @PostMapping("/requests-toggle")
    String requestsToggle(
            @ModelAttribute("viewer") Viewer viewer, @RequestParam("enabled") boolean enabled) {
        return change(
                viewer,
                Dialog.NONE,
                Role.OWNER,
                () -> {
                    settings.setRequestsEnabled(
                            viewer.org().id(), enabled, viewer.caller().actor());
                    return enabled
                            ? "Members can request extra usage."
                            : "Requests for extra usage are off.";
                });
    }

    @PostMapping("/requests/{id}/approve")
    String approve(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String id,
            @RequestParam(name = "action", required = false) ApprovalAction action,
            @RequestParam(name = "amount", required = false) String amount) {
        return change(
                viewer,
                new Dialog("review-requests", id, null, amount),
                Role.ADMIN,
                () -> {
                    var approved =
                            requests.approve(
                                    viewer.org().id(),
                                    id,
                                    action,
                                    blank(amount) ? null : Amounts.positive("amount", amount),
                                    viewer.caller());
                    return "Approved the request of " + nameOf(viewer, approved.memberId()) + ".";
                });
    }

    @PostMapping("/requests/{id}/dismiss")
    String dismiss(@ModelAttribute("viewer") Viewer viewer, @PathVariable("id") String id) {
        return change(
                viewer,
                new Dialog("review-requests", id, null, null),
                Role.ADMIN,
                () -> {
                    var dismissed = requests.dismiss(viewer.org().id(), id, viewer.caller());
                    return "Dismissed the request of " + nameOf(viewer, dismissed.memberId()) + ".";
                });
    }

    private String nameOf(Viewer viewer, String memberId) {
        return members.require(viewer.org().id(), memberId).name();
    }
}
