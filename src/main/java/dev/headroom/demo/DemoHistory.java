package dev.headroom.demo;

import dev.headroom.billing.MonthClose;
import dev.headroom.core.BillingPeriod;
import dev.headroom.metering.SettlementOutcome;
import dev.headroom.metering.SettlementService;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.organization.Member;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.pricing.CostCalculator;
import dev.headroom.pricing.PriceBookService;
import dev.headroom.pricing.TokenUsage;
import dev.headroom.requests.ExtraUsageRequests;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A month of history for the demo orgs (issue 18), made through the real settlement path so the
 * console has something to show on first start: the previous month day by day — Claude Code, chat
 * and Cowork on today's models, sessions that run into the included windows — and today so far,
 * each member up to a chosen extra spend (well within a cap, near 80 % of it, or past it). Fixed
 * seed: every first start tells the same story.
 */
@Component
class DemoHistory {
    private static final Logger log = LoggerFactory.getLogger(DemoHistory.class);
    private static final int BATCH = SettlementService.REPORTS_PER_GROUP_MAX;
    // A guard against a habit whose target the generated requests could never reach.
    private static final int REQUESTS_TODAY_MAX = 5_000;

    private final SettlementService settlements;
    private final MonthClose months;
    private final ExtraUsageRequests requests;
    private final OrgService orgs;
    private final PriceBookService prices;

    DemoHistory(
            SettlementService settlements,
            MonthClose months,
            ExtraUsageRequests requests,
            OrgService orgs,
            PriceBookService prices) {
        this.prices = prices;
        this.settlements = settlements;
        this.months = months;
        this.requests = requests;
        this.orgs = orgs;
    }

    /**
     * How a member works: on what per cent of workdays, how much a session runs to (in cents), and
     * how far past their included usage they are today (extra spend in cents).
     */
    record Habit(Member member, int workdayPercent, long sessionCents, long extraTodayCents) {}

    /** The previous month of {@code org}, then today up to each member's extra spend. */
    void tell(Org org, List<Habit> habits, long seed) {
        Random random = new Random(seed);
        Instant now = orgs.now(org);
        BillingPeriod current = BillingPeriod.containing(now, org.timeZone());
        YearMonth previous = current.month().minusMonths(1);
        List<Planned> month = new ArrayList<>();
        for (Habit habit : habits) {
            month.addAll(previousMonth(org, habit, previous, random));
        }
        month.sort(Comparator.comparing(Planned::at));
        int n = 0;
        long cost = 0;
        long extra = 0;
        for (int from = 0; from < month.size(); from += BATCH) {
            List<UsageReport> batch = new ArrayList<>();
            for (Planned p : month.subList(from, Math.min(month.size(), from + BATCH))) {
                batch.add(p.report(org, "demo-" + previous + "-" + ++n));
            }
            for (Settlement s : settle(settlements.settleAll(batch))) {
                cost += s.costNanos();
                extra += s.extraNanos();
            }
        }
        today(org, habits, now, random);
        log.info(
                "Demo history of {}: {} requests in {} costing {} USD, {} of it extra usage;"
                        + " and today's.",
                org.name(),
                n,
                previous,
                dev.headroom.core.Money.ofNanos(cost).toDecimalString(),
                dev.headroom.core.Money.ofNanos(extra).toDecimalString());
    }

    /** Closes the previous month into an invoice (seat-based Enterprise). */
    void closePreviousMonth(Org org) {
        BillingPeriod current = BillingPeriod.containing(orgs.now(org), org.timeZone());
        months.closeThrough(org.id(), current.month().minusMonths(1));
    }

    /** A member at a limit asks for more, as they would from the console. */
    void fileRequest(Org org, Member member) {
        requests.file(org.id(), member.id(), member.id());
    }

    /** One model request to be: who, when, on what, how big. */
    private record Planned(
            Member member, Instant at, String product, String model, TokenUsage usage) {
        UsageReport report(Org org, String requestId) {
            return new UsageReport(requestId, org.id(), member.id(), product, model, at, usage);
        }
    }

    private List<Planned> previousMonth(Org org, Habit habit, YearMonth month, Random random) {
        List<Planned> planned = new ArrayList<>();
        for (LocalDate day = month.atDay(1);
                !day.isAfter(month.atEndOfMonth());
                day = day.plusDays(1)) {
            boolean weekend =
                    day.getDayOfWeek() == DayOfWeek.SATURDAY
                            || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            int percent = weekend ? habit.workdayPercent() / 8 : habit.workdayPercent();
            if (random.nextInt(100) >= percent) {
                continue;
            }
            ZonedDateTime start =
                    day.atTime(8, 30).atZone(org.timeZone()).plusMinutes(random.nextInt(150));
            planned.addAll(session(habit, start.toInstant(), habit.sessionCents(), random));
            if (random.nextDouble() < 0.35) {
                planned.addAll(
                        session(
                                habit,
                                start.plusHours(5).toInstant(),
                                habit.sessionCents() / 2,
                                random));
            }
        }
        return planned;
    }

    /** Requests in quick turns until the session's cost, at list prices, is spent. */
    private List<Planned> session(Habit habit, Instant start, long cents, Random random) {
        List<Planned> planned = new ArrayList<>();
        Instant at = start;
        long spent = 0;
        long budget = cents * 10_000_000L;
        while (spent < budget) {
            Planned p = request(habit.member(), at, random);
            planned.add(p);
            spent += CostCalculator.costNanos(prices.priceAt(p.model(), at), p.usage());
            // Claude Code works in quick turns: a request every 20 s to a minute and a half.
            at = at.plusSeconds(20 + random.nextInt(70));
        }
        return planned;
    }

    /**
     * Today: the members' requests in turn, one every 90 s from six hours ago (at most from the
     * period's start), each member's until their extra spend is reached, so the events and the
     * balance history run in time order. A Team org's usage starts after its first purchase, which
     * was made just now: today's requests all fall at this minute there.
     */
    private void today(Org org, List<Habit> habits, Instant now, Random random) {
        Instant periodStart = BillingPeriod.containing(now, org.timeZone()).start();
        Instant from = now.minus(Duration.ofHours(6));
        if (from.isBefore(periodStart) || org.plan() == Plan.TEAM) {
            from = org.plan() == Plan.TEAM ? now : periodStart;
        }
        Instant last = now.minusSeconds(60).isAfter(from) ? now.minusSeconds(60) : from;
        long[] extraNanos = new long[habits.size()];
        long[] costNanos = new long[habits.size()];
        for (int i = 0; i < REQUESTS_TODAY_MAX; i++) {
            Instant at = from.plusSeconds(90L * i);
            if (at.isAfter(last)) {
                at = last;
            }
            boolean anyone = false;
            for (int h = 0; h < habits.size(); h++) {
                Habit habit = habits.get(h);
                if (extraNanos[h] >= habit.extraTodayCents() * 10_000_000L
                        && costNanos[h] >= habit.sessionCents() * 10_000_000L) {
                    continue;
                }
                anyone = true;
                Planned p = request(habit.member(), at, random);
                String id = "demo-today-" + habit.member().id() + "-" + i;
                for (Settlement s : settle(settlements.settle(p.report(org, id)))) {
                    extraNanos[h] += s.extraNanos();
                    costNanos[h] += s.costNanos();
                }
            }
            if (!anyone) {
                return;
            }
        }
    }

    private static Planned request(Member member, Instant at, Random random) {
        double kind = random.nextDouble();
        if (kind < 0.72) {
            // Claude Code: a long cached context, a little new input, some output.
            return new Planned(
                    member,
                    at,
                    "CLAUDE_CODE",
                    random.nextDouble() < 0.55 ? "claude-opus-5-5" : "claude-sonnet-5-5",
                    new TokenUsage(
                            1_000 + random.nextInt(8_000),
                            400 + random.nextInt(4_000),
                            random.nextInt(5) == 0 ? 4_000 + random.nextInt(30_000) : 0,
                            0,
                            30_000 + random.nextInt(170_000),
                            0,
                            false));
        }
        if (kind < 0.94) {
            return new Planned(
                    member,
                    at,
                    "CLAUDE",
                    random.nextDouble() < 0.7 ? "claude-sonnet-5-5" : "claude-haiku-5-5",
                    new TokenUsage(
                            300 + random.nextInt(4_000),
                            150 + random.nextInt(1_500),
                            0,
                            0,
                            random.nextInt(12_000),
                            random.nextInt(10) == 0 ? 1 + random.nextInt(3) : 0,
                            false));
        }
        return new Planned(
                member,
                at,
                "COWORK",
                "claude-sonnet-5-5",
                new TokenUsage(
                        2_000 + random.nextInt(10_000),
                        500 + random.nextInt(3_000),
                        0,
                        0,
                        10_000 + random.nextInt(60_000),
                        0,
                        false));
    }

    private static List<Settlement> settle(SettlementOutcome outcome) {
        return switch (outcome) {
            case SettlementOutcome.Settled settled -> settled.settlements();
            case SettlementOutcome.Refused refused ->
                    throw new IllegalStateException(
                            "The demo's usage was refused: " + refused.refusal().message());
        };
    }
}
