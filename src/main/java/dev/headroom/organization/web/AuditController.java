package dev.headroom.organization.web;

import dev.headroom.audit.AuditEntry;
import dev.headroom.audit.AuditLog;
import dev.headroom.core.web.Paging;
import dev.headroom.organization.Caller;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log of an org, newest first, for owners (EX-7). */
@RestController
@RequestMapping("/api/v1/orgs/{org}/audit-log")
public class AuditController {
    private final AuditLog audit;
    private final OrgService orgs;

    public AuditController(AuditLog audit, OrgService orgs) {
        this.audit = audit;
        this.orgs = orgs;
    }

    public record AuditPage(List<AuditEntry> items, long total) {}

    @GetMapping
    public AuditPage list(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "50") int size) {
        caller.requireRole(orgId, Role.OWNER);
        orgs.require(orgId);
        Paging paging = Paging.of(page, size);
        return new AuditPage(audit.list(orgId, paging.size(), paging.offset()), audit.count(orgId));
    }
}
