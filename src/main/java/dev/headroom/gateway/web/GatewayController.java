package dev.headroom.gateway.web;

import dev.headroom.gateway.GatewaySettings;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Role;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** An org's upstream (operator, or owners within the allowed upstreams); never its key. */
@RestController
@RequestMapping("/api/v1/orgs/{org}/gateway")
public class GatewayController {
    private final GatewaySettings settings;

    public GatewayController(GatewaySettings settings) {
        this.settings = settings;
    }

    public record Upstream(String upstreamUrl, String upstreamKey) {}

    @GetMapping
    public GatewaySettings.View get(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.OWNER);
        return settings.view(orgId);
    }

    @PutMapping
    public GatewaySettings.View put(
            Caller caller, @PathVariable("org") String orgId, @RequestBody Upstream body) {
        caller.requireRole(orgId, Role.OWNER);
        return settings.set(orgId, body.upstreamUrl(), body.upstreamKey(), caller);
    }
}
