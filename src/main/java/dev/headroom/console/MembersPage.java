package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.core.web.Paging;
import dev.headroom.organization.ConsoleAccounts;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.RankRules;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
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
 * "Members" for owners (EX-13, EX-14): add a member with seat and role, change seat or role, set a
 * console password, remove a member after a confirmation that says what happens. Every change goes
 * through {@link MemberService} and {@link ConsoleAccounts} with the viewer as the caller, so the
 * rank rules and sentences are the API's.
 */
@Controller
@RequestMapping("/console/members")
class MembersPage {
    private static final String PAGE = "/console/members";
    private static final int PAGE_SIZE = 50;

    private final MemberService members;
    private final ConsoleAccounts accounts;

    MembersPage(MemberService members, ConsoleAccounts accounts) {
        this.members = members;
        this.accounts = accounts;
    }

    /** A member row, with what the viewer may do to them under the rank rules. */
    public record Row(
            String id,
            String name,
            String email,
            Role role,
            SeatType seat,
            boolean changeable,
            boolean removable) {}

    @GetMapping
    String page(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "page", defaultValue = "0") int page,
            Model model) {
        requireOwner(viewer);
        String orgId = viewer.org().id();
        Paging paging = Paging.of(page, PAGE_SIZE);
        RankRules.Rank rank = viewer.caller().rank();
        List<Row> rows =
                members.search(orgId, null, false, paging.size(), paging.offset()).stream()
                        .map(m -> row(rank, m))
                        .toList();
        long total = members.count(orgId, null, false);
        model.addAttribute("rows", rows);
        model.addAttribute("seatCounts", members.seatCounts(orgId));
        model.addAttribute("total", total);
        model.addAttribute("page", paging.page());
        model.addAttribute("pages", Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE));
        model.addAttribute("grantable", grantable(rank));
        model.addAttribute("seats", SeatType.values());
        return "console/members";
    }

    @PostMapping
    String add(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam("email") String email,
            @RequestParam("name") String name,
            @RequestParam("role") Role role,
            @RequestParam(name = "seatType", required = false) SeatType seatType,
            RedirectAttributes flash) {
        requireOwner(viewer);
        Member added =
                members.create(
                        viewer.org().id(),
                        new MemberService.NewMember(
                                email, name, role, viewer.seatBased() ? seatType : null),
                        viewer.caller());
        return done(flash, "Added " + added.name() + " as " + added.role() + ".");
    }

    @PostMapping("/{member}")
    String change(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam(name = "role", required = false) Role role,
            @RequestParam(name = "seatType", required = false) SeatType seatType,
            RedirectAttributes flash) {
        requireOwner(viewer);
        Member changed =
                members.update(viewer.org().id(), memberId, role, seatType, viewer.caller());
        return done(
                flash,
                "Saved "
                        + changed.name()
                        + ": "
                        + changed.role()
                        + (changed.seatType() == null ? "" : ", " + changed.seatType())
                        + ".");
    }

    @PostMapping("/{member}/password")
    String password(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            @RequestParam("password") String password,
            RedirectAttributes flash) {
        requireOwner(viewer);
        accounts.setPassword(viewer.org().id(), memberId, password, viewer.caller());
        return done(flash, "Set the console password of " + nameOf(viewer, memberId) + ".");
    }

    @PostMapping("/{member}/remove")
    String remove(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("member") String memberId,
            RedirectAttributes flash) {
        requireOwner(viewer);
        String name = nameOf(viewer, memberId);
        members.remove(viewer.org().id(), memberId, viewer.caller());
        return done(flash, "Removed " + name + " from the organisation.");
    }

    @ExceptionHandler(ApiException.class)
    String refused(
            ApiException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return PageRefusals.refused(e, request, response, model, PAGE);
    }

    private static Row row(RankRules.Rank rank, Member m) {
        boolean changeable =
                m.role() != Role.PRIMARY_OWNER
                        && RankRules.refusal(rank, m, RankRules.Change.ROLE).isEmpty();
        return new Row(
                m.id(),
                m.name(),
                m.email(),
                m.role(),
                m.seatType(),
                changeable,
                changeable && RankRules.refusal(rank, m, RankRules.Change.REMOVAL).isEmpty());
    }

    /** The roles this viewer may give: none above their own, never PRIMARY_OWNER (EX-14). */
    private static List<Role> grantable(RankRules.Rank rank) {
        return Arrays.stream(Role.values())
                .filter(r -> r != Role.PRIMARY_OWNER)
                .filter(r -> RankRules.grantRefusal(rank, r).isEmpty())
                .toList();
    }

    private String nameOf(Viewer viewer, String memberId) {
        return members.require(viewer.org().id(), memberId).name();
    }

    private static void requireOwner(Viewer viewer) {
        viewer.caller().requireRole(viewer.org().id(), Role.OWNER);
    }

    private static String done(RedirectAttributes flash, String notice) {
        flash.addFlashAttribute("notice", notice);
        return "redirect:" + PAGE;
    }
}
