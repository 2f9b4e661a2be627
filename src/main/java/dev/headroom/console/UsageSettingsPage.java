package dev.headroom.console;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.Money;
import dev.headroom.core.web.Paging;
import dev.headroom.credits.AutoReloads;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.MemberUsageService;
import dev.headroom.metering.MeteringTotals;
import dev.headroom.metering.StrictAdmissions;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import dev.headroom.requests.ExtraUsageRequests;
import dev.headroom.requests.RequestStatus;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Organisation settings > Usage" (XU-28), the page: the extra-usage switch, the Team balance and
 * auto-reload, the org and seat-type spend limits with their modals, the member list with MTD spend
 * (XU-13), "Review requests" and the requests toggle. Its forms are {@link LimitsForms}, {@link
 * BalanceForms} and {@link RequestForms}; a refused change re-renders this page with the modal open
 * and the API's sentence next to the field ({@link UsageSettingsForms}).
 */
@Controller
@RequestMapping(UsageSettingsPage.PAGE)
class UsageSettingsPage {
    static final String PAGE = "/console/settings/usage";

    private final ExtraUsageSettingsService settings;
    private final MemberUsageService memberUsage;
    private final MemberService members;
    private final MeteringTotals totals;
    private final OrgService orgs;
    private final BalanceLedger ledger;
    private final AutoReloads autoReloads;
    private final ExtraUsageRequests requests;
    private final StrictAdmissions strict;

    UsageSettingsPage(
            ExtraUsageSettingsService settings,
            MemberUsageService memberUsage,
            MemberService members,
            MeteringTotals totals,
            OrgService orgs,
            BalanceLedger ledger,
            AutoReloads autoReloads,
            ExtraUsageRequests requests,
            StrictAdmissions strict) {
        this.strict = strict;
        this.settings = settings;
        this.memberUsage = memberUsage;
        this.members = members;
        this.totals = totals;
        this.orgs = orgs;
        this.ledger = ledger;
        this.autoReloads = autoReloads;
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

    String render(Viewer viewer, String q, int page, Dialog dialog, Model model) {
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
        model.addAttribute("orgHeld", money.format(strict.orgHeld(viewer.org())));
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

    private static Money nullableMoney(Long nanos) {
        return nanos == null ? null : Money.ofNanos(nanos);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
