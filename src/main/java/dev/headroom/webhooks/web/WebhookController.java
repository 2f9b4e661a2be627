package dev.headroom.webhooks.web;

import dev.headroom.organization.Caller;
import dev.headroom.organization.Role;
import dev.headroom.webhooks.WebhookEndpoints;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API.md "Webhooks" (EX-16), for owners: endpoints, their deliveries, a resend. */
@RestController
@RequestMapping("/api/v1/orgs/{org}/webhooks")
public class WebhookController {
    private final WebhookEndpoints endpoints;

    public WebhookController(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    public record NewEndpoint(String url, List<String> events, String kind) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public WebhookEndpoints.Created create(
            Caller caller, @PathVariable("org") String orgId, @RequestBody NewEndpoint body) {
        caller.requireRole(orgId, Role.OWNER);
        return endpoints.create(orgId, body.url(), body.events(), body.kind(), caller);
    }

    @GetMapping
    public Map<String, Object> list(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.OWNER);
        return Map.of("items", endpoints.list(orgId));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(
            Caller caller, @PathVariable("org") String orgId, @PathVariable("id") String id) {
        caller.requireRole(orgId, Role.OWNER);
        endpoints.delete(orgId, id, caller);
    }

    @GetMapping("/{id}/deliveries")
    public Map<String, Object> deliveries(
            Caller caller, @PathVariable("org") String orgId, @PathVariable("id") String id) {
        caller.requireRole(orgId, Role.OWNER);
        return Map.of("items", endpoints.deliveries(orgId, id));
    }

    /** Sends the delivery again, same id and body (202: it goes out shortly). */
    @PostMapping("/{id}/deliveries/{eventId}/resend")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void resend(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("id") String id,
            @PathVariable("eventId") String eventId) {
        caller.requireRole(orgId, Role.OWNER);
        endpoints.resend(orgId, id, eventId, caller);
    }
}
