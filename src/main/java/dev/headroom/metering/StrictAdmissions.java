package dev.headroom.metering;

import dev.headroom.core.ApiException;
import dev.headroom.core.GroupCommit;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * EX-1: admissions of a strict org. Holds are taken in transactions under the org's advisory lock,
 * from what is committed (live holds read first, then settled spend), so the holds of every node
 * are taken one after another and the sum of settled spend and live holds never exceeds a cap or
 * the balance. Concurrent admissions of one org on one node share a transaction (group commit). An
 * admission repeated with the same request id gets the same hold.
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
    // Concurrent admissions of one org share a transaction; at most this many per group.
    static final int HOLDS_PER_GROUP_MAX = 256;
    private final GroupCommit<Pending> groups = new GroupCommit<>(HOLDS_PER_GROUP_MAX);

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
        Pending pending =
                new Pending(
                        memberId,
                        requestId,
                        estimate.maxTokens(),
                        WorstCase.of(price, estimate.inputTokens()),
                        new CompletableFuture<>());
        groups.submit(orgId, pending, group -> commitGroup(org, group));
        Optional<Answer> answer;
        try {
            answer = pending.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        answer.ifPresent(metrics::hold);
        return answer;
    }

    /** An admission waiting for its group's transaction. */
    private record Pending(
            String memberId,
            String requestId,
            long maxTokens,
            WorstCase worstCase,
            CompletableFuture<Optional<Answer>> answer)
            implements GroupCommit.Item<Optional<Answer>> {}

    /**
     * The holds of concurrent admissions of one org in one transaction (one lock, one commit, as
     * settlements are grouped): decided one after another, each seeing the holds before it.
     * Answered only after the commit.
     */
    private void commitGroup(Org org, List<Pending> group) {
        List<Optional<Answer>> answers =
                tx.execute(status -> {
                    holds.lockOrg(org.id());
                    HoldStore.StrictSettings settings = holds.settings(org.id());
                    if (!settings.strict()) {
                        return group.stream().map(p -> Optional.<Answer>empty()).toList();
                    }
                    Instant now = orgs.now(org);
                    metrics.holdsExpired(holds.dropExpired(org.id(), now));
                    // Live holds before settled spend: a settlement committing in between is
                    // counted twice, never not at all.
                    HoldStore.LiveHolds live = holds.live(org.id(), now);
                    Round round =
                            new Round(
                                    settings,
                                    now,
                                    live,
                                    states.readFromDatabase(
                                            org.id(),
                                            group.stream()
                                                    .map(Pending::memberId)
                                                    .distinct()
                                                    .toList()),
                                    holds.findAll(
                                            org.id(),
                                            group.stream().map(Pending::requestId).toList(),
                                            now),
                                    new HashMap<>());
                    List<Optional<Answer>> decided =
                            group.stream().map(p -> Optional.of(round.decide(p))).toList();
                    holds.insertAll(org.id(), round.taken().values(), now);
                    return decided;
                });
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer().complete(answers.get(i));
        }
    }

    /**
     * One group's decisions: what was read for it, and the holds it took so far ({@code taken},
     * counted in {@code live} as they are taken).
     */
    private record Round(
            HoldStore.StrictSettings settings,
            Instant now,
            HoldStore.LiveHolds live,
            Map<String, MemberState> members,
            Map<String, SpendHold> earlier,
            Map<String, SpendHold> taken) {

        Answer decide(Pending p) {
            SpendHold again = taken.getOrDefault(p.requestId(), earlier.get(p.requestId()));
            if (again != null) {
                return replay(p.memberId(), again);
            }
            MemberState state = members.get(p.memberId());
            if (state == null) {
                return new Answer.Denied((Admission.Denied) AdmissionPolicy.memberUnknown());
            }
            HoldPolicy.Decision decision =
                    HoldPolicy.decide(
                            state.admissionInput(),
                            live.of(p.memberId()),
                            new HoldPolicy.Ask(
                                    p.worstCase(), p.maxTokens(), settings.maxTokensFloor()));
            return switch (decision) {
                case HoldPolicy.Decision.Hold hold -> {
                    SpendHold stored =
                            new SpendHold(
                                    p.requestId(),
                                    p.memberId(),
                                    hold.includedNanos(),
                                    hold.extraNanos(),
                                    hold.maxTokens(),
                                    now.plus(settings.ttl()));
                    taken.put(p.requestId(), stored);
                    live.add(stored);
                    yield new Answer.Held(
                            hold.admission(), stored, hold.maxTokens() < p.maxTokens(), false);
                }
                case HoldPolicy.Decision.Refused refused -> new Answer.Denied(refused.admission());
            };
        }
    }

    /** Ends a hold whose request is not billed (the upstream failed, or reported no usage). */
    public void release(String orgId, String requestId) {
        holds.release(orgId, List.of(requestId));
    }

    /** The extra spend the org's live holds reserve now. */
    public long orgHeld(Org org) {
        return holds.orgHeldExtra(org.id(), orgs.now(org));
    }

    public long memberHeld(Org org, String memberId) {
        return holds.memberHeldExtra(org.id(), memberId, orgs.now(org));
    }

    private static Answer replay(String memberId, SpendHold hold) {
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
