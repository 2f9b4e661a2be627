package dev.headroom.metering;

import dev.headroom.core.ApiException;
import dev.headroom.metering.admission.AdmissionCache;
import dev.headroom.metering.admission.MemberStateReader;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.AdmissionPolicy;
import dev.headroom.metering.rules.UsageReportRules;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.pricing.PriceBookService;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** XU-16: answers admissions from settled state through the pure {@link AdmissionPolicy}. */
@Service
public class AdmissionService {
    private final PriceBookService prices;
    private final MemberStateReader states;
    private final MeteringMetrics metrics;
    private final StrictAdmissions strict;

    public AdmissionService(
            PriceBookService prices,
            MemberStateReader states,
            MeteringMetrics metrics,
            StrictAdmissions strict) {
        this.prices = prices;
        this.states = states;
        this.metrics = metrics;
        this.strict = strict;
    }

    /**
     * EX-1: in a strict org, the request's hold (found again for a repeated request id) or a
     * denial; elsewhere the admission of {@link #admit}, nothing held.
     */
    public StrictAdmissions.Answer admitHolding(
            String orgId,
            String memberId,
            String product,
            String model,
            String requestId,
            StrictAdmissions.Estimate estimate) {
        if (states.orgPart(orgId).settings().strict()) {
            checkProduct(product);
            if (memberId == null) {
                throw ApiException.validation("memberId is required.");
            }
            Optional<StrictAdmissions.Answer> held =
                    strict.admit(orgId, memberId, model, requestId, estimate);
            if (held.isPresent()) {
                metrics.admitted(held.get().admission());
                return held.get();
            }
        }
        Admission admission = admit(orgId, memberId, product, model);
        return new StrictAdmissions.Answer.Unheld(admission);
    }

    public Admission admit(String orgId, String memberId, String product, String model) {
        AdmissionCache.OrgPart org = states.orgPart(orgId);
        checkProduct(product);
        if (prices.resolve(model).isEmpty()) {
            throw ApiException.validation(
                    "Unknown model '" + model + "': it is not in the price book.");
        }
        if (memberId == null) {
            throw ApiException.validation("memberId is required.");
        }
        Admission admission =
                states.read(org, memberId)
                        .map(MemberState::admission)
                        .orElseGet(AdmissionPolicy::memberUnknown);
        metrics.admitted(admission);
        return admission;
    }

    /** EX-1: whether the org has strict caps (its admissions take holds). */
    public boolean strict(String orgId) {
        return states.orgPart(orgId).settings().strict();
    }

    /** The org as admissions see it: from memory while nothing about it changed (no round trip). */
    public Org org(String orgId) {
        return states.orgPart(orgId).org();
    }

    /** The member's admission right now, whatever the model (for the request link). */
    public Admission current(String orgId, String memberId) {
        return states.read(orgId, memberId)
                .orElseThrow(() -> ApiException.notFound(Member.unknown(orgId, memberId)))
                .admission();
    }

    private static void checkProduct(String product) {
        if (!UsageReportRules.validProduct(product)) {
            throw ApiException.validation(UsageReportRules.PRODUCT_RULE);
        }
    }
}
