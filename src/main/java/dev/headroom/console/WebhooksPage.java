package dev.headroom.console;

import dev.headroom.core.ApiException;
import dev.headroom.organization.Role;
import dev.headroom.webhooks.WebhookEndpoints;
import dev.headroom.webhooks.WebhookType;
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
 * "Webhooks" for owners (EX-16): the org's endpoints and the events they take, a new endpoint's
 * secret shown once, an endpoint's recent deliveries with a resend, deletion. Through {@link
 * WebhookEndpoints} with the viewer as the caller, so the API's rules and sentences apply.
 */
@Controller
@RequestMapping("/console/webhooks")
class WebhooksPage {
    private static final String PAGE = "/console/webhooks";

    private final WebhookEndpoints endpoints;

    WebhooksPage(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    public record DeliveryRow(
            String eventId,
            String type,
            String status,
            int attempts,
            String created,
            String lastAttempt,
            String answer) {}

    @GetMapping
    String page(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "endpoint", required = false) String shown,
            Model model) {
        requireOwner(viewer);
        String orgId = viewer.org().id();
        List<WebhookEndpoints.Endpoint> list = endpoints.list(orgId);
        model.addAttribute("endpoints", list);
        model.addAttribute(
                "types", Arrays.stream(WebhookType.values()).map(WebhookType::wire).toList());
        if (shown != null && list.stream().anyMatch(e -> e.id().equals(shown))) {
            model.addAttribute("shown", shown);
            model.addAttribute(
                    "deliveries",
                    endpoints.deliveries(orgId, shown).stream()
                            .map(d ->
                                    new DeliveryRow(
                                            d.eventId(),
                                            d.type(),
                                            d.status(),
                                            d.attempts(),
                                            viewer.time(d.createdAt()),
                                            d.lastAttemptAt() == null
                                                    ? "—"
                                                    : viewer.time(d.lastAttemptAt()),
                                            d.responseStatus() != null
                                                    ? "HTTP " + d.responseStatus()
                                                    : d.lastError() == null ? "—" : d.lastError()))
                            .toList());
        }
        return "console/webhooks";
    }

    @PostMapping
    String create(
            @ModelAttribute("viewer") Viewer viewer,
            @RequestParam(name = "url", required = false) String url,
            @RequestParam(name = "kind", required = false) String kind,
            @RequestParam(name = "events", required = false) List<String> events,
            RedirectAttributes flash) {
        requireOwner(viewer);
        WebhookEndpoints.Created created =
                endpoints.create(viewer.org().id(), url, events, kind, viewer.caller());
        flash.addFlashAttribute("newSecret", created.secret());
        flash.addFlashAttribute(
                "notice",
                "Added the endpoint. Copy its signing secret now: it is not shown again.");
        return "redirect:" + PAGE;
    }

    @PostMapping("/{id}/delete")
    String delete(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String id,
            RedirectAttributes flash) {
        requireOwner(viewer);
        endpoints.delete(viewer.org().id(), id, viewer.caller());
        flash.addFlashAttribute("notice", "Deleted the endpoint. Nothing more is sent to it.");
        return "redirect:" + PAGE;
    }

    @PostMapping("/{id}/deliveries/{eventId}/resend")
    String resend(
            @ModelAttribute("viewer") Viewer viewer,
            @PathVariable("id") String id,
            @PathVariable("eventId") String eventId,
            RedirectAttributes flash) {
        requireOwner(viewer);
        endpoints.resend(viewer.org().id(), id, eventId, viewer.caller());
        flash.addFlashAttribute("notice", "Sending " + eventId + " again, with the same id.");
        return "redirect:" + PAGE + "?endpoint=" + id;
    }

    @ExceptionHandler(ApiException.class)
    String refused(
            ApiException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return PageRefusals.refused(e, request, response, model, PAGE);
    }

    private static void requireOwner(Viewer viewer) {
        viewer.caller().requireRole(viewer.org().id(), Role.OWNER);
    }
}
