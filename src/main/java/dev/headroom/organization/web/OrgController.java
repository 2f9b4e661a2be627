package dev.headroom.organization.web;

import dev.headroom.core.web.Include;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.Caller;
import dev.headroom.organization.KeyRole;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Organisations, their test clocks and API keys (operator API). */
@RestController
@RequestMapping("/api/v1/orgs")
public class OrgController {
    private final OrgService orgs;
    private final ApiKeyService keys;

    public OrgController(OrgService orgs, ApiKeyService keys) {
        this.orgs = orgs;
        this.keys = keys;
    }

    public record CreateOrg(
            String name,
            Plan plan,
            String currency,
            String timeZone,
            Boolean testClock,
            Instant testClockStart) {}

    public record OrgJson(
            String id,
            String name,
            Plan plan,
            String currency,
            String timeZone,
            boolean testClock,
            Instant now,
            boolean suspended) {
        static OrgJson of(Org org, Instant now) {
            return new OrgJson(
                    org.id(),
                    org.name(),
                    org.plan(),
                    org.currency(),
                    org.timeZone().getId(),
                    org.testClock(),
                    now,
                    org.suspended());
        }
    }

    public record Advance(Instant to) {}

    public record Now(Instant now) {}

    public record UpdateOrg(Boolean suspended) {}

    public record CreateKey(KeyRole role, String memberId, Instant expiresAt, String name) {}

    public record KeyJson(
            String id, String key, KeyRole role, String memberId, Instant expiresAt) {}

    public record KeyList(List<ApiKeyService.KeyInfo> items) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public OrgJson create(Caller caller, @RequestBody CreateOrg body) {
        caller.requireOperator();
        Org org =
                orgs.create(
                        new OrgService.NewOrg(
                                body.name(),
                                body.plan(),
                                body.currency(),
                                body.timeZone(),
                                Boolean.TRUE.equals(body.testClock()),
                                body.testClockStart()));
        return OrgJson.of(org, orgs.now(org));
    }

    @GetMapping("/{org}")
    public OrgJson get(Caller caller, @PathVariable("org") String orgId) {
        caller.requireRole(orgId, Role.MEMBER);
        Org org = orgs.require(orgId);
        return OrgJson.of(org, orgs.now(org));
    }

    @PatchMapping("/{org}")
    public OrgJson update(
            Caller caller, @PathVariable("org") String orgId, @RequestBody UpdateOrg body) {
        caller.requireOperator();
        Org org = orgs.require(orgId);
        if (body.suspended() != null) {
            org = orgs.setSuspended(orgId, body.suspended(), caller.actor());
        }
        return OrgJson.of(org, orgs.now(org));
    }

    @PostMapping("/{org}/test-clock/advance")
    public Now advance(
            Caller caller, @PathVariable("org") String orgId, @RequestBody Advance body) {
        caller.requireOperator();
        Org org = orgs.advanceTestClock(orgId, body.to(), caller.actor());
        return new Now(org.testClockNow());
    }

    @PostMapping("/{org}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public KeyJson createKey(
            Caller caller, @PathVariable("org") String orgId, @RequestBody CreateKey body) {
        caller.requireRole(orgId, Role.OWNER);
        ApiKeyService.NewKey key =
                keys.create(
                        orgId,
                        new ApiKeyService.KeySpec(
                                body.role(), body.memberId(), body.expiresAt(), body.name()),
                        caller);
        return new KeyJson(key.id(), key.key(), key.role(), key.memberId(), key.expiresAt());
    }

    /** EX-12: the org's keys, never their secrets; revoked ones with {@code include=revoked}. */
    @GetMapping("/{org}/keys")
    public KeyList listKeys(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "include", required = false) String include) {
        caller.requireRole(orgId, Role.OWNER);
        return new KeyList(keys.list(orgId, Include.of(include, "revoked")));
    }

    /** EX-12: the key answers 401 from its next use on, on every node. */
    @DeleteMapping("/{org}/keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revokeKey(
            Caller caller, @PathVariable("org") String orgId, @PathVariable("id") String keyId) {
        caller.requireRole(orgId, Role.OWNER);
        keys.revoke(orgId, keyId, caller);
    }
}
