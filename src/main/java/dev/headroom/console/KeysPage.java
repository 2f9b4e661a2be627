package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.KeyRole;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * "API keys" for owners (EX-12): the org's keys with role, member, created, last used and expiry; a
 * new key shown once with a copy button; revocation. Through {@link ApiKeyService} with the viewer
 * as the caller, so the API's rules and sentences apply.
 */
@Controller
@RequestMapping("/console/keys")
class KeysPage {
    private static final String PAGE = "/console/keys";

    private final ApiKeyService keys;
    private final MemberService members;
    // Keys expire on the real clock, not an org's test clock (see ApiKeyService).
    private final Clock clock;

    private final dev.headroom.gateway.GatewaySettings gateways;

    KeysPage(
            ApiKeyService keys,
            MemberService members,
            Clock clock,
            dev.headroom.gateway.GatewaySettings gateways) {
        this.keys = keys;
        this.members = members;
        this.clock = clock;
        this.gateways = gateways;
    }

    public record Row(
            String id,
            String name,
            KeyRole role,
            // What a member's key acts as when the member now ranks below its role, else null.
            Role actsAs,
            String member,
            String created,
            String lastUsed,
            String expires,
            boolean expired) {}

    @GetMapping
    String page(@ModelAttribute("viewer") Viewer viewer, Model model) {
        requireOwner(viewer);
        String orgId = viewer.org().id();
        List<Member> present = members.search(orgId, null, false, 10_000, 0);
        Map<String, Member> everyone =
                members.search(orgId, null, true, 10_000, 0).stream()
                        .collect(Collectors.toMap(Member::id, m -> m));
        Instant now = clock.instant();
        model.addAttribute(
                "rows",
                keys.list(orgId, false).stream()
                        .map(k ->
                                new Row(
                                        k.id(),
                                        k.name() == null ? "" : k.name(),
                                        k.role(),
                                        actsAs(k.role(), everyone.get(k.memberId())),
                                        k.memberId() == null
                                                ? "—"
                                                : everyone.containsKey(k.memberId())
                                                        ? everyone.get(k.memberId()).name()
                                                        : k.memberId(),
                                        viewer.time(k.createdAt()),
                                        k.lastUsedAt() == null
                                                ? "Never"
                                                : viewer.time(k.lastUsedAt()),
                                        k.expiresAt() == null
                                                ? "Never"
                                                : viewer.time(k.expiresAt()),
                                        k.expiresAt() != null && !now.isBefore(k.expiresAt())))
                        .toList());
        model.addAttribute("members", present);
        model.addAttribute("roles", KeyRole.values());
        // Issue 14: where members point Claude Code, and where the org's requests go.
        model.addAttribute("gateway", gateways.view(orgId));
        model.addAttribute("claudeCodeLines", MyUsagePage.claudeCodeLines("<the member's key>"));
        return "console/keys";
    }

    @PostMapping
    String create(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam("role") KeyRole role,
            @RequestParam(name = "memberId", required = false) String memberId,
            @RequestParam(name = "expires", required = false) String expires,
            RedirectAttributes flash) {
        requireOwner(viewer);
        ApiKeyService.NewKey created =
                keys.create(
                        viewer.org().id(),
                        new ApiKeyService.KeySpec(
                                role,
                                blank(memberId) ? null : memberId,
                                expiry(viewer, expires),
                                blank(name) ? null : name),
                        viewer.caller());
        // Shown once, on the next page only: the flash lives in the session until then.
        flash.addFlashAttribute("newKey", created.key());
        flash.addFlashAttribute("notice", "Created the key. Copy it now: it is not shown again.");
        return "redirect:" + PAGE;
    }

    @PostMapping("/{id}/revoke")
    String revoke(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String keyId,
            RedirectAttributes flash) {
        requireOwner(viewer);
        keys.revoke(viewer.org().id(), keyId, viewer.caller());
        flash.addFlashAttribute("notice", "Revoked the key. It stops working at its next use.");
        return "redirect:" + PAGE;
    }

    @ExceptionHandler(ApiException.class)
    String refused(
            ApiException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return PageRefusals.refused(e, request, response, model, PAGE);
    }

    /** A date picked in the form is the end of that day in the org's time zone. */
    private static Instant expiry(Viewer viewer, String date) {
        if (blank(date)) {
            return null;
        }
        try {
            return LocalDate.parse(date.trim())
                    .plusDays(1)
                    .atStartOfDay(viewer.org().timeZone())
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.validation("expires must be a date such as 2027-01-31.");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static void requireOwner(Viewer viewer) {
        viewer.caller().requireRole(viewer.org().id(), Role.OWNER);
    }

    /** Lower than the key's own role when its member ranks below it now (EX-12), else null. */
    private static Role actsAs(KeyRole role, Member member) {
        if (member == null) {
            return null;
        }
        Role acting = role.actingAs(member.role());
        return acting.atLeast(role.asRole()) ? null : acting;
    }
}
