package dev.headroom.metering.rules;

import dev.headroom.organization.SeatType;
import java.time.Instant;
import java.time.LocalDate;

/** The rows a {@link SettlementPlan} writes, as named values instead of positional arrays. */
public final class SettlementRows {
    private SettlementRows() {}

    /** A usage event to insert, with the settlement it was acknowledged with. */
    public record NewEvent(
            UsageReport report,
            String canonicalModel,
            SeatType seatType,
            String period,
            String contentHash,
            Settlement settlement) {}

    /** A stored usage event: what a replay of its request id is answered with. */
    public record StoredEvent(String contentHash, Settlement settlement) {}

    /** One row of member spend: a member's billing period. */
    public record MemberPeriod(String memberId, String period) {}

    /** What to add to a spend row. */
    public record SpendDelta(long includedNanos, long extraNanos) {
        public static final SpendDelta NONE = new SpendDelta(0, 0);

        public SpendDelta plus(SettlementSplit split) {
            return new SpendDelta(
                    Math.addExact(includedNanos, split.includedNanos()),
                    Math.addExact(extraNanos, split.extraNanos()));
        }
    }

    /** One row of the daily aggregates: a member's usage of one product and model on one day. */
    public record DailyKey(
            LocalDate day, String memberId, String seatType, String product, String model) {}

    /** What a group adds to one daily row: requests, included, extra and six token counts. */
    public record DailySum(
            long requests,
            long includedNanos,
            long extraNanos,
            long inputTokens,
            long outputTokens,
            long cacheWrite5mTokens,
            long cacheWrite1hTokens,
            long cacheReadTokens,
            long webSearchRequests) {
        public static final DailySum NONE = new DailySum(0, 0, 0, 0, 0, 0, 0, 0, 0);

        public DailySum plus(NewEvent e) {
            var usage = e.report().usage();
            return new DailySum(
                    Math.addExact(requests, 1),
                    Math.addExact(includedNanos, e.settlement().includedNanos()),
                    Math.addExact(extraNanos, e.settlement().extraNanos()),
                    Math.addExact(inputTokens, usage.inputTokens()),
                    Math.addExact(outputTokens, usage.outputTokens()),
                    Math.addExact(cacheWrite5mTokens, usage.cacheWrite5mTokens()),
                    Math.addExact(cacheWrite1hTokens, usage.cacheWrite1hTokens()),
                    Math.addExact(cacheReadTokens, usage.cacheReadTokens()),
                    Math.addExact(webSearchRequests, usage.webSearchRequests()));
        }
    }

    /** XU-19: a Team org's prepaid balance pays a report's extra usage. */
    public record BalanceDebit(Instant at, long amountNanos, String requestId, String memberId) {}
}
