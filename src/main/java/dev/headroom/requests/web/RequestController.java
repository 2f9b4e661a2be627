package dev.headroom.requests.web;

import dev.headroom.core.Amounts;
import dev.headroom.core.web.Json;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import dev.headroom.requests.ApprovalAction;
import dev.headroom.requests.ExtraUsageRequest;
import dev.headroom.requests.ExtraUsageRequests;
import dev.headroom.requests.RequestKind;
import dev.headroom.requests.RequestStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Requests for extra usage (XU-21 – XU-23): members file them, admins and above review them. */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class RequestController {
    private final ExtraUsageRequests requests;
    private final MemberService members;

    public RequestController(ExtraUsageRequests requests, MemberService members) {
        this.requests = requests;
        this.members = members;
    }

    public record Filed(String id, RequestStatus status, RequestKind kind, Instant requestedAt) {}

    public record RequestJson(
            String id,
            String memberId,
            String name,
            String email,
            SeatType seatType,
            RequestKind kind,
            RequestStatus status,
            Instant requestedAt,
            Instant decidedAt,
            ApprovalAction decision,
            String amount) {}

    public record RequestList(List<RequestJson> items) {}

    public record Approve(ApprovalAction action, String amount) {}

    @PostMapping("/members/{member}/extra-usage-requests")
    public ResponseEntity<Filed> file(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId) {
        caller.requireMemberOrAdmin(orgId, memberId);
        ExtraUsageRequests.Filed filed = requests.file(orgId, memberId, caller.actor());
        ExtraUsageRequest r = filed.request();
        return ResponseEntity.status(filed.created() ? 201 : 200)
                .body(new Filed(r.id(), r.status(), r.kind(), r.requestedAt()));
    }

    @GetMapping("/extra-usage-requests")
    public RequestList list(
            Caller caller,
            @PathVariable("org") String orgId,
            @RequestParam(name = "status", required = false) RequestStatus status) {
        caller.requireRole(orgId, Role.ADMIN);
        return new RequestList(
                requests.list(orgId, status).stream().map(r -> json(orgId, r)).toList());
    }

    @PostMapping("/extra-usage-requests/{id}/approve")
    public RequestJson approve(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("id") String id,
            @RequestBody(required = false) Approve body) {
        caller.requireRole(orgId, Role.ADMIN);
        Approve approve = body == null ? new Approve(null, null) : body;
        ExtraUsageRequest r =
                requests.approve(
                        orgId,
                        id,
                        approve.action(),
                        approve.amount() == null
                                ? null
                                : Amounts.positive("amount", approve.amount()),
                        caller);
        return json(orgId, r);
    }

    @PostMapping("/extra-usage-requests/{id}/dismiss")
    public RequestJson dismiss(
            Caller caller, @PathVariable("org") String orgId, @PathVariable("id") String id) {
        caller.requireRole(orgId, Role.ADMIN);
        return json(orgId, requests.dismiss(orgId, id, caller));
    }

    private RequestJson json(String orgId, ExtraUsageRequest r) {
        Member m = members.require(orgId, r.memberId());
        return new RequestJson(
                r.id(),
                r.memberId(),
                m.name(),
                m.email(),
                m.seatType(),
                r.kind(),
                r.status(),
                r.requestedAt(),
                r.decidedAt(),
                r.decision(),
                Json.money(r.amountNanos()));
    }
}
