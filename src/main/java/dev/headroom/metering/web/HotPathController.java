package dev.headroom.metering.web;

import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.SettlementService;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.DenialReason;
import dev.headroom.metering.rules.RequestAction;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.organization.Caller;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The hot path (XU-16, XU-17, EX-5): admissions and usage reports, for service keys. */
@RestController
@RequestMapping("/api/v1")
public class HotPathController {
    private final AdmissionService admissions;
    private final SettlementService settlements;

    public HotPathController(AdmissionService admissions, SettlementService settlements) {
        this.admissions = admissions;
        this.settlements = settlements;
    }

    public record AdmissionRequest(String orgId, String memberId, String product, String model) {}

    public record AdmissionJson(
            String decision, DenialReason reason, Instant resumesAt, RequestAction requestAction) {
        static AdmissionJson of(Admission admission) {
            return switch (admission) {
                case Admission.AllowedIncluded a ->
                        new AdmissionJson("ALLOWED_INCLUDED", null, null, a.requestAction());
                case Admission.AllowedExtra a ->
                        new AdmissionJson("ALLOWED_EXTRA", null, null, a.requestAction());
                case Admission.Denied d ->
                        new AdmissionJson("DENIED", d.reason(), d.resumesAt(), d.requestAction());
            };
        }
    }

    public record UsageRequest(
            String requestId,
            String orgId,
            String memberId,
            String product,
            String model,
            Instant timestamp,
            AnthropicUsage usage) {
        UsageReport toReport() {
            return new UsageReport(
                    requestId,
                    orgId,
                    memberId,
                    product,
                    model,
                    timestamp,
                    usage == null ? null : usage.toTokenUsage());
        }
    }

    public record SettlementJson(
            String requestId,
            String cost,
            String includedCost,
            String extraCost,
            boolean duplicate) {
        static SettlementJson of(Settlement s) {
            return new SettlementJson(
                    s.requestId(),
                    Json.money(s.costNanos()),
                    Json.money(s.includedNanos()),
                    Json.money(s.extraNanos()),
                    s.duplicate());
        }
    }

    public record UsageBatch(List<UsageRequest> items) {}

    public record SettlementBatch(List<SettlementJson> items) {}

    @PostMapping("/admissions")
    public AdmissionJson admit(Caller caller, @RequestBody AdmissionRequest body) {
        requireOrg(body.orgId());
        caller.requireService(body.orgId());
        return AdmissionJson.of(
                admissions.admit(body.orgId(), body.memberId(), body.product(), body.model()));
    }

    @PostMapping("/usage")
    public SettlementJson usage(Caller caller, @RequestBody UsageRequest body) {
        requireOrg(body.orgId());
        caller.requireService(body.orgId());
        return SettlementJson.of(
                SettlementRefusals.settledOrThrow(settlements.settle(body.toReport())).getFirst());
    }

    @PostMapping("/usage:batch")
    public SettlementBatch usageBatch(Caller caller, @RequestBody UsageBatch body) {
        if (body.items() == null || body.items().isEmpty()) {
            throw ApiException.validation("items must hold at least one usage report.");
        }
        if (body.items().stream().anyMatch(item -> item == null)) {
            throw ApiException.validation("items must not contain null.");
        }
        String orgId = body.items().getFirst().orgId();
        requireOrg(orgId);
        caller.requireService(orgId);
        List<UsageReport> reports = body.items().stream().map(UsageRequest::toReport).toList();
        return new SettlementBatch(
                SettlementRefusals.settledOrThrow(settlements.settleAll(reports)).stream()
                        .map(SettlementJson::of)
                        .toList());
    }

    private static void requireOrg(String orgId) {
        if (orgId == null || orgId.isBlank()) {
            throw ApiException.validation("orgId is required.");
        }
    }
}
