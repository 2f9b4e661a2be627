package dev.headroom.console;

import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.core.web.Paging;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.credits.Payments;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.MeteringTotals;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import dev.headroom.requests.ApprovalAction;
import dev.headroom.requests.ExtraUsageRequests;
import dev.headroom.requests.RequestStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "Organisation settings > Usage" (XU-28): the extra-usage switch, the Team balance and
 * auto-reload, the org and seat-type spend limits with their modals, the member list with MTD spend
 * (XU-13), "Review requests" and the requests toggle. Every change goes through the same service,
 * role check and amount rules as the API; a refused change re-renders the page with the modal open
 * and the API's sentence next to the field.
 */
@Controller
@RequestMapping("/console/settings/usage")
class UsageSettingsPage {
    private static final String PAGE = "/console/settings/usage";
    private static final String VIEWER = UsageSettingsPage.class.getName() + ".viewer";
    private static final String DIALOG = UsageSettingsPage.class.getName() + ".dialog";

    private final ExtraUsageSettingsService settings;
    private final MemberUsageService memberUsage;
    private final MemberService members;
    private final MeteringTotals totals;
    private final OrgService orgs;
    private final BalanceLedger ledger;
    private final AutoReloads autoReloads;
    private final Payments payments;
    private final ExtraUsageRequests requests;

    UsageSettingsPage(
            ExtraUsageSettingsService settings,
            MemberUsageService memberUsage,
            MemberService members,
            MeteringTotals totals,
            OrgService orgs,
            BalanceLedger ledger,
            AutoReloads autoReloads,
            Payments payments,
            ExtraUsageRequests requests) {
        this.settings = settings;
        this.memberUsage = memberUsage;
        this.members = members;
        this.totals = totals;
        this.orgs = orgs;
        this.ledger = ledger;
        this.autoReloads = autoReloads;
        this.payments = payments;
        this.requests = requests;
    }

    /** A modal to show open, and what went wrong in it (or nothing). */
    public record Dialog(String name, String memberId, String error, String amount) {
        static final Dialog NONE = new Dialog(null, null, null, null);

        public boolean is(String other) {
            return other.equals(name);
        }
    }

    public record MemberRowView(
            String id,
            String name,
            String email,
            String seat,
            boolean extraUsage,
            String limit,
            String limitSource,
            String mtdSpend) {}

    public record RequestView(
            String id, String name, String email, String seat, String kind, String requestedAt) {}

    @GetMapping
    String page(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "modal", required = false) String modal,
            @RequestParam(name = "member", required = false) String memberId,
            Model model) {
        return render(viewer, q, page, new Dialog(modal, memberId, null, null), model);
    }

    /** The member list alone, for the search box's live results (htmx). */
    @GetMapping("/members")
    String memberList(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(name = "page", defaultValue = "0") int page,
            Model model) {
        viewer.caller().requireRole(viewer.org().id(), Role.ADMIN);
        addMembers(viewer, q, page, model);
        return "console/usage-settings :: member-list";
    }

    @PostMapping("/extra-usage")
    String extraUsage(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam("enabled") boolean enabled,
            @RequestParam(name = "scope", required = false) ExtraUsageScope scope,
            @RequestParam(name = "initialPurchase", required = false) String initialPurchase,
            @RequestParam(name = "idempotencyKey", required = false) String idempotencyKey,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("enable", null, null, initialPurchase), Role.OWNER);
        settings.configure(
                viewer.org().id(),
                enabled,
                scope,
                blank(initialPurchase)
                        ? null
                        : Amounts.positive("initialPurchase", initialPurchase),
                consoleKey(idempotencyKey),
                null,
                viewer.caller().actor());
        return done(flash, enabled ? "Extra usage is on." : "Extra usage is off.");
    }

    @PostMapping("/spend-limit")
    String orgLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("org-limit", null, null, amount), Role.OWNER);
        if (!viewer.org().plan().hasSeats()) {
            // XU-1: on usage-based plans the org cap is the operator's bound, not an owner control.
            viewer.caller().requireOperator();
        }
        Money limit = limit(amount, unlimited);
        settings.setOrgLimit(viewer.org().id(), limit, viewer.caller().actor());
        return done(flash, "Spend limit: " + viewer.money().limit(limit) + ".");
    }

    @PostMapping("/seat-types/{seatType}/spend-limit")
    String seatTypeLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("seatType") SeatType seatType,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(
                request,
                viewer,
                new Dialog("seat-limit-" + seatType, null, null, amount),
                Role.OWNER);
        Money limit = limit(amount, unlimited);
        settings.setSeatTypeLimit(viewer.org().id(), seatType, limit, viewer.caller().actor());
        return done(
                flash, seatName(seatType) + " seat limit: " + viewer.money().limit(limit) + ".");
    }

    @PostMapping("/members/{member}/spend-limit")
    String memberLimit(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "unlimited", required = false) String unlimited,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("member-limit", memberId, null, amount), Role.OWNER);
        Money limit = limit(amount, unlimited);
        Member member =
                settings.setMemberLimit(viewer.org().id(), memberId, limit, viewer.caller());
        return done(flash, member.name() + "'s limit: " + viewer.money().limit(limit) + ".");
    }

    @PostMapping("/members/{member}/extra-usage")
    String memberExtraUsage(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam("enabled") boolean enabled,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, Dialog.NONE, Role.OWNER);
        Member member =
                settings.setMemberExtraUsage(viewer.org().id(), memberId, enabled, viewer.caller());
        return done(
                flash, "Extra usage for " + member.name() + ": " + (enabled ? "on" : "off") + ".");
    }

    @PostMapping("/credits")
    String buyCredits(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "amount", required = false) String amount,
            @RequestParam(name = "idempotencyKey", required = false) String idempotencyKey,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("buy-credits", null, null, amount), Role.OWNER);
        var outcome =
                payments.purchase(
                        orgs.require(viewer.org().id()),
                        Amounts.positive("amount", amount),
                        consoleKey(idempotencyKey),
                        viewer.caller().actor());
        return done(
                flash,
                "Bought " + viewer.money().format(outcome.receipt().amount()) + " of credits.");
    }

    @PostMapping("/auto-reload")
    String autoReload(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "enabled", defaultValue = "false") boolean enabled,
            @RequestParam(name = "threshold", required = false) String threshold,
            @RequestParam(name = "amount", required = false) String amount,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("auto-reload", null, null, amount), Role.OWNER);
        autoReloads.configure(
                viewer.org().id(),
                enabled,
                blank(threshold) ? null : Amounts.nonNegative("threshold", threshold),
                blank(amount) ? null : Amounts.positive("amount", amount),
                viewer.caller().actor());
        return done(flash, enabled ? "Auto-reload is on." : "Auto-reload is off.");
    }

    @PostMapping("/requests-toggle")
    String requestsToggle(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam("enabled") boolean enabled,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, Dialog.NONE, Role.OWNER);
        settings.setRequestsEnabled(viewer.org().id(), enabled, viewer.caller().actor());
        return done(
                flash,
                enabled ? "Members can request extra usage." : "Requests for extra usage are off.");
    }

    @PostMapping("/requests/{id}/approve")
    String approve(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String id,
            @RequestParam(name = "action", required = false) ApprovalAction action,
            @RequestParam(name = "amount", required = false) String amount,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("review-requests", id, null, amount), Role.ADMIN);
        var approved =
                requests.approve(
                        viewer.org().id(),
                        id,
                        action,
                        blank(amount) ? null : Amounts.positive("amount", amount),
                        viewer.caller());
        return done(flash, "Approved the request of " + nameOf(viewer, approved.memberId()) + ".");
    }

    @PostMapping("/requests/{id}/dismiss")
    String dismiss(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String id,
            HttpServletRequest request,
            RedirectAttributes flash) {
        allow(request, viewer, new Dialog("review-requests", id, null, null), Role.ADMIN);
        var dismissed = requests.dismiss(viewer.org().id(), id, viewer.caller());
        return done(
                flash, "Dismissed the request of " + nameOf(viewer, dismissed.memberId()) + ".");
    }

    /**
     * A refused change: the page again, with the API's status, the modal the change came from open
     * and the API's sentence in it. Refusals of the page itself (403, an unknown target without a
     * modal) go to the console's error page.
     */
    @ExceptionHandler(ApiException.class)
    String refused(
            ApiException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        Viewer viewer = (Viewer) request.getAttribute(VIEWER);
        Dialog dialog = (Dialog) request.getAttribute(DIALOG);
        response.setStatus(e.status());
        if (viewer == null
                || dialog == null
                || e.status() == 403
                || e.status() == 404 && dialog.name() == null) {
            model.addAttribute("status", e.status());
            model.addAttribute("message", e.getMessage());
            return "console/error";
        }
        Dialog failed =
                new Dialog(dialog.name(), dialog.memberId(), e.getMessage(), dialog.amount());
        // No refused change alters the org or member rows, so the viewer read for this request
        // stands.
        return render(viewer, null, 0, failed, model);
    }

    /**
     * Notes where a change comes from (for {@link #refused}), and checks that the viewer has {@code
     * role} (owners change settings, admins review requests).
     */
    private static void allow(HttpServletRequest request, Viewer viewer, Dialog dialog, Role role) {
        request.setAttribute(VIEWER, viewer);
        request.setAttribute(DIALOG, dialog);
        viewer.caller().requireRole(viewer.org().id(), role);
    }

    /** Post/redirect/get, with what was done as a notice on the next page. */
    private static String done(RedirectAttributes flash, String notice) {
        flash.addFlashAttribute("notice", notice);
        return "redirect:" + PAGE;
    }

    private String nameOf(Viewer viewer, String memberId) {
        return members.require(viewer.org().id(), memberId).name();
    }

    /** Each rendered payment form carries a fresh key, so a double submit pays once. */
    private static String consoleKey(String formKey) {
        return blank(formKey) ? null : "console:" + formKey;
    }

    private String render(Viewer viewer, String q, int page, Dialog dialog, Model model) {
        String orgId = viewer.org().id();
        viewer.caller().requireRole(orgId, Role.ADMIN);
        model.addAttribute("viewer", viewer);
        model.addAttribute("dialog", dialog);
        model.addAttribute("formKey", UUID.randomUUID().toString());
        if (!viewer.org().plan().hasSeats()) {
            return "console/usage-settings-usage-based";
        }
        ExtraUsageSettings s = settings.get(orgId);
        MoneyText money = viewer.money();
        BillingPeriod period =
                BillingPeriod.containing(orgs.now(viewer.org()), viewer.org().timeZone());
        model.addAttribute("settings", s);
        model.addAttribute("orgLimit", money.limit(s.spendLimitNanos()));
        model.addAttribute("orgLimitAmount", money.plain(nullableMoney(s.spendLimitNanos())));
        model.addAttribute("orgMtd", money.format(totals.orgExtraNanos(orgId, period.key())));
        model.addAttribute("period", period.key());
        if (viewer.seatBased()) {
            model.addAttribute("standardLimit", money.limit(s.standardLimitNanos()));
            model.addAttribute("premiumLimit", money.limit(s.premiumLimitNanos()));
            model.addAttribute(
                    "standardLimitAmount", money.plain(nullableMoney(s.standardLimitNanos())));
            model.addAttribute(
                    "premiumLimitAmount", money.plain(nullableMoney(s.premiumLimitNanos())));
            model.addAttribute(
                    "pending",
                    requests.list(orgId, RequestStatus.PENDING).stream()
                            .map(r -> {
                                Member m = members.require(orgId, r.memberId());
                                return new RequestView(
                                        r.id(),
                                        m.name(),
                                        m.email(),
                                        seatName(m.seatType()),
                                        r.kind() == dev.headroom.requests.RequestKind.SEAT_UPGRADE
                                                ? "Premium seat"
                                                : "Extra usage",
                                        viewer.time(r.requestedAt()));
                            })
                            .toList());
        }
        if (viewer.team()) {
            model.addAttribute("balance", money.format(ledger.balanceNanos(orgId)));
            model.addAttribute("funded", ledger.everFunded(orgId));
            AutoReloads.Settings reload = autoReloads.get(orgId);
            model.addAttribute("reload", reload);
            model.addAttribute("reloadThreshold", money.plain(reload.threshold()));
            model.addAttribute("reloadAmount", money.plain(reload.amount()));
        }
        if ("member-limit".equals(dialog.name()) && dialog.memberId() != null) {
            members.find(orgId, dialog.memberId())
                    .ifPresent(m -> {
                        model.addAttribute("editing", m);
                        model.addAttribute("editingLimit", money.plain(m.spendLimit()));
                    });
        }
        addMembers(viewer, q, page, model);
        return "console/usage-settings";
    }

    private void addMembers(Viewer viewer, String q, int page, Model model) {
        Paging paging = Paging.of(page, 20);
        MemberUsageService.MemberPage found =
                memberUsage.list(viewer.org().id(), q, paging.page(), paging.size());
        MoneyText money = viewer.money();
        List<MemberRowView> rows =
                found.items().stream()
                        .map(row ->
                                new MemberRowView(
                                        row.member().id(),
                                        row.member().name(),
                                        row.member().email(),
                                        seatName(row.member().seatType()),
                                        row.extraUsageEnabled(),
                                        money.limit(row.effectiveCap().capNanos()),
                                        switch (row.effectiveCap().source()) {
                                            case MEMBER -> "own limit";
                                            case SEAT_TYPE -> "seat limit";
                                            default -> "";
                                        },
                                        money.format(row.mtdSpendNanos())))
                        .toList();
        long pages = Math.max(1, (found.total() + paging.size() - 1) / paging.size());
        model.addAttribute("rows", rows);
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("page", paging.page());
        model.addAttribute("pages", pages);
        model.addAttribute("total", found.total());
    }

    static String seatName(SeatType seat) {
        return seat == null ? "" : seat == SeatType.PREMIUM ? "Premium" : "Standard";
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

    private static Money nullableMoney(Long nanos) {
        return nanos == null ? null : Money.ofNanos(nanos);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
