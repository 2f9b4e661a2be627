package dev.headroom.metering;

import dev.headroom.core.ApiException;
import dev.headroom.metering.admission.MemberStateReader;
import dev.headroom.metering.holds.HoldStore;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.AdmissionPolicy;
import dev.headroom.metering.rules.HoldPolicy;
import dev.headroom.metering.rules.RequestAction;
import dev.headroom.metering.rules.UsageReportRules;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.pricing.PriceBookService;
import dev.headroom.pricing.PriceVersion;
import dev.headroom.pricing.WorstCase;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * EX-1: admissions of a strict org. Each takes its hold in one transaction under the org's advisory
 * lock, from what is committed (live holds read first, then settled spend), so holds of every node
 * are taken one after another and the sum of settled spend and live holds never exceeds a cap or
 * the balance. An admission repeated with the same request id gets the same hold.
 */
@Service
public class StrictAdmissions {
    /** Upper bounds a request stays within: its prompt tokens and its {@code max_tokens}. */
    public record Estimate(Long inputTokens, Long maxTokens) {}

    /** A hold taken (or found again), or a denial. */
    public sealed interface Answer {
        Admission admission();

        /** {@code lowered}: the hold pays for fewer output tokens than were asked for. */
        record Held(Admission admission, SpendHold hold, boolean lowered, boolean replayed)
                implements Answer {}

        record Denied(Admission.Denied admission) implements Answer {}

        /** The org is not strict: admitted or denied as usual, nothing held. */
        record Unheld(Admission admission) implements Answer {}
    }

    static final long MAX_TOKENS_MAX = 10_000_000;

    private final OrgService orgs;
    private final PriceBookService prices;
    private final MemberStateReader states;
    private final HoldStore holds;
    private final TransactionTemplate tx;
    private final MeteringMetrics metrics;

    public StrictAdmissions(
            OrgService orgs,
            PriceBookService prices,
            MemberStateReader states,
            HoldStore holds,
            TransactionTemplate tx,
            MeteringMetrics metrics) {
        this.orgs = orgs;
        this.prices = prices;
        this.states = states;
        this.holds = holds;
        this.tx = tx;
        this.metrics = metrics;
    }

    /**
     * The hold for this request, or a denial; empty when the org is not strict (any more): the
     * caller admits it as usual.
     */
    public Optional<Answer> admit(
            String orgId, String memberId, String model, String requestId, Estimate estimate) {
        check(requestId, estimate);
        Org org = orgs.require(orgId);
        String canonical =
                prices.resolve(model)
                        .orElseThrow(() ->
                                ApiException.validation(
                                        "Unknown model '"
                                                + model
                                                + "': it is not in the price book."));
        PriceVersion price = prices.priceAt(canonical, orgs.now(org));
        WorstCase worst = WorstCase.of(price, estimate.inputTokens());
        Optional<Answer> answer =
                tx.execute(status -> {
                    holds.lockOrg(orgId);
                    HoldStore.StrictSettings settings = holds.settings(orgId);
                    if (!settings.strict()) {
                        return Optional.<Answer>empty();
                    }
                    Instant now = orgs.now(org);
                    metrics.holdsExpired(holds.dropExpired(orgId, now));
                    Optional<SpendHold> earlier = holds.find(orgId, requestId, now);
                    if (earlier.isPresent()) {
                        return Optional.of(replay(orgId, memberId, earlier.get()));
                    }
                    HoldPolicy.Held held = holds.held(orgId, memberId, now);
                    Optional<MemberState> state = states.readFromDatabase(orgId, memberId);
                    if (state.isEmpty()) {
                        return Optional.of(
                                new Answer.Denied(
                                        (Admission.Denied) AdmissionPolicy.memberUnknown()));
                    }
                    HoldPolicy.Decision decision =
                            HoldPolicy.decide(
                                    state.get().admissionInput(),
                                    held,
                                    new HoldPolicy.Ask(
                                            worst,
                                            estimate.maxTokens(),
                                            settings.maxTokensFloor()));
                    return Optional.of(
                            switch (decision) {
                                case HoldPolicy.Decision.Hold hold -> {
                                    SpendHold stored =
                                            new SpendHold(
                                                    requestId,
                                                    memberId,
                                                    hold.includedNanos(),
                                                    hold.extraNanos(),
                                                    hold.maxTokens(),
                                                    now.plus(settings.ttl()));
                                    holds.insert(orgId, stored, now);
                                    yield new Answer.Held(
                                            hold.admission(),
                                            stored,
                                            hold.maxTokens() < estimate.maxTokens(),
                                            false);
                                }
                                case HoldPolicy.Decision.Refused refused ->
                                        new Answer.Denied(refused.admission());
                            });
                });
        answer.ifPresent(a -> metrics.hold(a));
        return answer;
    }

    /** Ends a hold whose request is not billed (the upstream failed, or reported no usage). */
    public void release(String orgId, String requestId) {
        holds.release(orgId, java.util.List.of(requestId));
    }

    /** The extra spend the org's live holds reserve now. */
    public long orgHeld(Org org) {
        return holds.orgHeldExtra(org.id(), orgs.now(org));
    }

    public long memberHeld(Org org, String memberId) {
        return holds.memberHeldExtra(org.id(), memberId, orgs.now(org));
    }

    private Answer replay(String orgId, String memberId, SpendHold hold) {
        if (!hold.memberId().equals(memberId)) {
            throw ApiException.conflict(
                    "requestId '" + hold.requestId() + "' already holds spend for another member.");
        }
        Admission admission =
                hold.extraNanos() > 0
                        ? new Admission.AllowedExtra(RequestAction.UNAVAILABLE)
                        : new Admission.AllowedIncluded(RequestAction.UNAVAILABLE);
        return new Answer.Held(admission, hold, false, true);
    }

    private static void check(String requestId, Estimate estimate) {
        if (requestId == null
                || requestId.isBlank()
                || requestId.length() > UsageReportRules.REQUEST_ID_LENGTH_MAX
                || estimate == null
                || estimate.inputTokens() == null
                || estimate.maxTokens() == null) {
            throw ApiException.validation(
                    "This org has strict caps: an admission carries requestId (1 to "
                            + UsageReportRules.REQUEST_ID_LENGTH_MAX
                            + " characters, the id its usage report will have) and estimate"
                            + " {input_tokens, max_tokens}.");
        }
        if (estimate.inputTokens() < 0 || estimate.inputTokens() > MAX_TOKENS_MAX * 10) {
            throw ApiException.validation(
                    "estimate.input_tokens must be between 0 and " + MAX_TOKENS_MAX * 10 + ".");
        }
        if (estimate.maxTokens() < 1 || estimate.maxTokens() > MAX_TOKENS_MAX) {
            throw ApiException.validation(
                    "estimate.max_tokens must be between 1 and " + MAX_TOKENS_MAX + ".");
        }
    }
}
