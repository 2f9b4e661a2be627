package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.OrgService;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page has: the signed-in {@link Viewer}. An {@link ApiException} on a console
 * page becomes an error page with the API's status and sentence (before the API's JSON handler).
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleModel {
    private final OrgService orgs;
    private final MemberService members;

    ConsoleModel(OrgService orgs, MemberService members) {
        this.orgs = orgs;
        this.members = members;
    }

    @ModelAttribute("viewer")
    Viewer viewer(Authentication authentication) {
        if (authentication == null
                || !(authentication.getPrincipal() instanceof ConsoleSignIn.ConsoleUser user)) {
            return null;
        }
        var org = orgs.require(user.orgId());
        return new Viewer(
                org, members.require(org.id(), user.memberId()), MoneyText.of(org.currency()));
    }

    @ExceptionHandler(ApiException.class)
    String failed(ApiException e, Model model, HttpServletResponse response) {
        response.setStatus(e.status());
        model.addAttribute("status", e.status());
        model.addAttribute("message", e.getMessage());
        return "console/error";
    }
}
