package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.RequestAction;
import dev.headroom.metering.rules.WindowState;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.KeyRole;
import dev.headroom.requests.ExtraUsageRequests;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A member's own usage (XU-29): each included window with its reset time, MTD extra spend against
 * the effective limit, and the "Request extra usage" link where SPEC offers it (XU-21, XU-22).
 * Members see only themselves: the page takes no member id.
 */
@Controller
@RequestMapping("/console/usage")
class MyUsagePage {
    private final MemberUsageService usage;
    private final ExtraUsageRequests requests;
    private final ApiKeyService keys;

    MyUsagePage(MemberUsageService usage, ExtraUsageRequests requests, ApiKeyService keys) {
        this.usage = usage;
        this.requests = requests;
        this.keys = keys;
    }

    public record WindowView(
            String name, String used, String allowance, long percent, String resetsAt) {}

    @GetMapping
    String page(@ModelAttribute("viewer") Viewer viewer, Model model) {
        MemberState state = usage.usageOf(viewer.org().id(), viewer.member().id());
        MoneyText money = viewer.money();
        List<WindowView> windows =
                state.windows().stream()
                        .map(w ->
                                new WindowView(
                                        title(w.name()),
                                        money.format(w.usedNanos()),
                                        money.format(w.allowanceNanos()),
                                        percent(w),
                                        w.resetsAt() == null ? null : viewer.time(w.resetsAt())))
                        .toList();
        Admission admission = state.admission();
        model.addAttribute("windows", windows);
        model.addAttribute("extraUsage", state.admissionInput().extraUsageEligible());
        model.addAttribute("mtdSpend", money.format(state.memberMtdNanos()));
        model.addAttribute("limit", money.limit(state.cap().capNanos()));
        model.addAttribute("period", state.period().key());
        model.addAttribute("status", status(admission, viewer));
        model.addAttribute("requestAction", admission.requestAction());
        model.addAttribute("seat", UsageSettingsPage.seatName(state.member().seatType()));
        Object newKey = model.getAttribute("newKey");
        model.addAttribute(
                "claudeCodeLines",
                claudeCodeLines(newKey == null ? "<your key>" : newKey.toString()));
        return "console/my-usage";
    }

    /** A member's own key, for Claude Code through the gateway (issue 14): shown once. */
    @PostMapping("/key")
    String createKey(@ModelAttribute("viewer") Viewer viewer, RedirectAttributes flash) {
        ApiKeyService.NewKey key =
                keys.create(
                        viewer.org().id(),
                        new ApiKeyService.KeySpec(
                                KeyRole.MEMBER, viewer.member().id(), null, "Claude Code"),
                        viewer.caller());
        flash.addFlashAttribute("newKey", key.key());
        flash.addFlashAttribute("notice", "Created your key. Copy the lines now.");
        return "redirect:/console/usage";
    }

    /** The two lines that put Claude Code behind this Headroom, as a member types them. */
    static String claudeCodeLines(String key) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return "export ANTHROPIC_BASE_URL=" + base + "\nexport ANTHROPIC_API_KEY=" + key;
    }

    @PostMapping("/extra-usage-request")
    String request(@ModelAttribute("viewer") Viewer viewer, RedirectAttributes flash) {
        MemberState state = usage.usageOf(viewer.org().id(), viewer.member().id());
        if (state.admission().requestAction() != RequestAction.AVAILABLE
                && state.admission().requestAction() != RequestAction.PENDING) {
            throw ApiException.conflict(
                    "A request for extra usage is offered once you reach your included usage.");
        }
        requests.file(viewer.org().id(), viewer.member().id(), viewer.caller().actor());
        flash.addFlashAttribute("notice", "Request sent to admin.");
        return "redirect:/console/usage";
    }

    private static long percent(WindowState w) {
        if (w.allowanceNanos() <= 0) {
            return 100;
        }
        return SpendChart.share(
                Math.min(w.usedNanos(), w.allowanceNanos()), w.allowanceNanos(), 100);
    }

    private static String title(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String status(Admission admission, Viewer viewer) {
        return switch (admission) {
            case Admission.AllowedIncluded a -> "You are working within your included usage.";
            case Admission.AllowedExtra a ->
                    "Your included usage is used up; you are working on extra usage.";
            case Admission.Denied d ->
                    switch (d.reason()) {
                        case INCLUDED_EXHAUSTED ->
                                "You have reached your included usage" + resumes(d, viewer) + ".";
                        case MEMBER_CAP_REACHED, SEAT_TYPE_CAP_REACHED ->
                                "You have reached your extra usage limit for this month"
                                        + resumes(d, viewer)
                                        + ".";
                        case ORG_CAP_REACHED ->
                                "Your organisation has reached its monthly spend limit"
                                        + resumes(d, viewer)
                                        + ".";
                        case BALANCE_EXHAUSTED ->
                                "Your organisation's prepaid balance is used up"
                                        + resumes(d, viewer)
                                        + ".";
                        case ORG_SUSPENDED -> "Your organisation is suspended.";
                        case MEMBER_UNKNOWN -> "Your membership was not found.";
                    };
        };
    }

    private static String resumes(Admission.Denied denied, Viewer viewer) {
        return denied.resumesAt() == null
                ? ""
                : "; you can work again at " + viewer.time(denied.resumesAt());
    }
}
