package dev.headroom.metering.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headroom.core.ApiException;
import dev.headroom.core.web.Json;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.SettlementService;
import dev.headroom.metering.StrictAdmissions;
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

    public record AdmissionRequest(
            String orgId,
            String memberId,
            String product,
            String model,
            String requestId,
            EstimateJson estimate) {}

    /** EX-1: the request's bounds, in the Messages API's names. */
    public record EstimateJson(
            @JsonProperty("input_tokens") Long inputTokens,
            @JsonProperty("max_tokens") Long maxTokens) {}

    /** EX-1: what a strict org's admission holds. */
    public record HoldJson(String amount, Instant expiresAt, long maxTokens) {}

    public record AdmissionJson(
            String decision,
            DenialReason reason,
            Instant resumesAt,
            RequestAction requestAction,
            @JsonInclude(JsonInclude.Include.NON_NULL) HoldJson hold) {
        static AdmissionJson of(Admission admission) {
            return of(admission, null);
        }

        static AdmissionJson of(StrictAdmissions.Answer answer) {
            HoldJson hold =
                    answer instanceof StrictAdmissions.Answer.Held held
                            ? new HoldJson(
                                    Json.money(held.hold().amountNanos()),
                                    held.hold().expiresAt(),
                                    held.hold().maxTokens())
                            : null;
            return of(answer.admission(), hold);
        }

        private static AdmissionJson of(Admission admission, HoldJson hold) {
            return switch (admission) {
                case Admission.AllowedIncluded a ->
                        new AdmissionJson("ALLOWED_INCLUDED", null, null, a.requestAction(), hold);
                case Admission.AllowedExtra a ->
                        new AdmissionJson("ALLOWED_EXTRA", null, null, a.requestAction(), hold);
                case Admission.Denied d ->
                        new AdmissionJson(
                                "DENIED", d.reason(), d.resumesAt(), d.requestAction(), null);
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
        EstimateJson e = body.estimate();
        return AdmissionJson.of(
                admissions.admitHolding(
                        body.orgId(),
                        body.memberId(),
                        body.product(),
                        body.model(),
                        body.requestId(),
                        e == null
                                ? null
                                : new StrictAdmissions.Estimate(e.inputTokens(), e.maxTokens())));
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
