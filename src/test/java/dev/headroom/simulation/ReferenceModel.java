package dev.headroom.simulation;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small in-memory model of one org written straight from SPEC.md (XU-2, XU-7, XU-8, XU-11, XU-12,
 * XU-14, XU-16 – XU-19, and the requests of XU-21 – XU-25), independent of Headroom's own classes:
 * its own prices, windows, caps and ledger. The simulation runs the same operations against it and
 * against the service.
 */
final class ReferenceModel {
    static final long USD = 1_000_000_000L;

    /** nanos per token: input, output (claude-sonnet-4-5 and claude-haiku-4-5 list prices). */
    static final Map<String, long[]> PRICES =
            Map.of(
                    "claude-sonnet-4-5",
                    new long[] {3_000, 15_000},
                    "claude-haiku-4-5",
                    new long[] {1_000, 5_000});

    /** The windows of every seat in the simulated org: a 5-hour session and a 7-day week. */
    static final List<Window> WINDOWS =
            List.of(
                    new Window("session", Duration.ofHours(5)),
                    new Window("weekly", Duration.ofDays(7)));

    record Window(String name, Duration length) {}

    static final class Member {
        String seat;
        Long cap;
        Boolean extraSwitch;
        final Map<String, Instant> windowStart = new HashMap<>();
        final Map<String, Long> windowUsed = new HashMap<>();
        final Map<String, Long> extraByPeriod = new HashMap<>();
        // XU-22, XU-23: the pending request's id, and when the last one was dismissed.
        String pending;
        // XU-22: what the pending request asks for, fixed when it is filed.
        boolean pendingAsksUpgrade;
        Instant lastDismissal;

        Member(String seat) {
            this.seat = seat;
        }
    }

    record Result(long cost, long included, long extra) {}

    /** XU-27: an extra-usage event not on an invoice yet. */
    record Billable(String member, String model, String period, long extra) {}

    /** XU-27: an issued invoice's total, its lines' exact sum, and how many events it holds. */
    record Invoice(long total, long exact, long events) {}

    /** XU-22 – XU-24: a filed request, pending until it is decided. */
    static final class Filed {
        final Instant at;
        Instant decidedAt;

        Filed(Instant at) {
            this.at = at;
        }

        /**
         * Whether a digest taken at {@code t} lists it: a digest is taken as the clock reaches its
         * hour, before anything else happens at that instant, so a request filed at that very
         * instant waits for the next day's, and one decided then is still listed.
         */
        boolean pendingAt(Instant t) {
            return at.isBefore(t) && (decidedAt == null || !decidedAt.isBefore(t));
        }
    }

    final boolean team;
    final ZoneId zone;
    final Map<String, Long>
            allowance; // seat -> per window allowance (same for both windows' ratio below)
    final Map<String, Member> members = new HashMap<>();
    final Map<String, String> contentById = new HashMap<>();
    final Map<String, Result> resultById = new HashMap<>();
    final Map<String, Long> orgExtraByPeriod = new HashMap<>();
    final Map<String, Long> seatCaps = new HashMap<>();
    Instant now;
    boolean enabled;
    boolean scopeSelected;
    Long orgCap;
    long balance;
    boolean requestsEnabled = true;
    // XU-6: auto-reload of a Team balance, and the card it charges.
    static final int RELOADS_PER_PERIOD_MAX = 10;
    boolean reloadEnabled;
    boolean reloadFailed;
    long reloadThreshold;
    long reloadAmount;
    boolean cardDeclines;
    final Map<String, Integer> reloadsByPeriod = new HashMap<>();
    // A payment provider that gives no definite answer: the reload due meanwhile stays pending.
    boolean providerDown;
    boolean reloadPending;
    final List<Filed> filed = new ArrayList<>();
    final Map<String, Filed> filedById = new HashMap<>();
    static final int DIGEST_HOUR = 9;
    // XU-27 on an org billed in arrears: events waiting for a close, the invoices by period, and
    // the first period not closed yet — none before the org's first usage, the month of its
    // earliest usage until the first invoice.
    final List<Billable> unbilled = new ArrayList<>();
    final Map<String, Invoice> invoices = new TreeMap<>();
    YearMonth open;
    static final long CENT = 10_000_000L;
    static final Duration DISMISS_COOLDOWN = Duration.ofDays(30);

    ReferenceModel(boolean team, ZoneId zone, Instant now, Map<String, Long> allowance) {
        this.team = team;
        this.zone = zone;
        this.now = now;
        this.allowance = allowance;
    }

    /**
     * XU-27: once the clock is past a period's end, that period is closed: its invoice takes every
     * event of it and earlier that no invoice holds, one line per member, product, model and prior
     * period, each rounded half-up to the cent; the total is the sum of the lines.
     */
    void closeDuePeriods() {
        YearMonth current = YearMonth.from(now.atZone(zone));
        for (; !team && open != null && open.isBefore(current); open = open.plusMonths(1)) {
            String period = open.toString();
            Map<String, Long> lines = new TreeMap<>();
            long exact = 0;
            long events = 0;
            for (var it = unbilled.iterator(); it.hasNext(); ) {
                Billable b = it.next();
                if (b.period().compareTo(period) <= 0) {
                    String prior = b.period().equals(period) ? "" : b.period();
                    lines.merge(b.member() + "|" + b.model() + "|" + prior, b.extra(), Long::sum);
                    exact += b.extra();
                    events++;
                    it.remove();
                }
            }
            long total = 0;
            for (long line : lines.values()) {
                total += (line + CENT / 2) / CENT * CENT;
            }
            invoices.put(period, new Invoice(total, exact, events));
        }
    }

    long windowAllowance(Member m, Window w) {
        // the weekly window allows eight times the session's
        return w.name().equals("weekly") ? allowance.get(m.seat) * 8 : allowance.get(m.seat);
    }

    String period(Instant t) {
        return YearMonth.from(t.atZone(zone)).toString();
    }

    Instant periodEnd(Instant t) {
        return YearMonth.from(t.atZone(zone)).plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    }

    boolean running(Member m, Window w, Instant t) {
        Instant start = m.windowStart.get(w.name());
        return start != null && t.isBefore(start.plus(w.length()));
    }

    long used(Member m, Window w, Instant t) {
        return running(m, w, t) ? m.windowUsed.get(w.name()) : 0;
    }

    long remaining(Member m, Instant t) {
        long left = Long.MAX_VALUE;
        for (Window w : WINDOWS) {
            left = Math.min(left, Math.max(0, windowAllowance(m, w) - used(m, w, t)));
        }
        return left;
    }

    boolean eligible(Member m) {
        return enabled && (m.extraSwitch != null ? m.extraSwitch : !scopeSelected);
    }

    Long effectiveCap(Member m) {
        return m.cap != null ? m.cap : (team ? null : seatCaps.get(m.seat));
    }

    /**
     * XU-21, XU-25: the request link is offered on a seat-based org with requests on, to a member
     * with a pending request or not barred by a dismissal in the last 30 days.
     */
    boolean offered(Member m) {
        return !team
                && requestsEnabled
                && (m.pending != null
                        || m.lastDismissal == null
                        || !now.isBefore(m.lastDismissal.plus(DISMISS_COOLDOWN)));
    }

    /** XU-16: "decision[:reason[@resumesAt]]|requestAction". */
    String admit(String memberId) {
        Member m = members.get(memberId);
        if (m == null) {
            return "DENIED:MEMBER_UNKNOWN|UNAVAILABLE";
        }
        String allowedLink = offered(m) && m.pending != null ? "PENDING" : "UNAVAILABLE";
        if (remaining(m, now) > 0) {
            return "ALLOWED_INCLUDED|" + allowedLink;
        }
        Instant again = null;
        for (Window w : WINDOWS) {
            if (used(m, w, now) >= windowAllowance(m, w)) {
                if (!running(m, w, now)) {
                    again = null; // an exhausted window that never started never resets
                    break;
                }
                Instant reset = m.windowStart.get(w.name()).plus(w.length());
                if (again == null || reset.isAfter(again)) {
                    again = reset;
                }
            }
        }
        String link = !offered(m) ? "UNAVAILABLE" : m.pending != null ? "PENDING" : "AVAILABLE";

        if (!eligible(m)) {
            return "DENIED:INCLUDED_EXHAUSTED@" + again + "|" + link;
        }
        Instant capResumes =
                again == null || periodEnd(now).isBefore(again) ? periodEnd(now) : again;
        Long cap = effectiveCap(m);
        if (cap != null && m.extraByPeriod.getOrDefault(period(now), 0L) >= cap) {
            String reason = m.cap != null ? "MEMBER_CAP_REACHED" : "SEAT_TYPE_CAP_REACHED";
            return "DENIED:" + reason + "@" + capResumes + "|" + link;
        }
        if (orgCap != null && orgExtraByPeriod.getOrDefault(period(now), 0L) >= orgCap) {
            return "DENIED:ORG_CAP_REACHED@" + capResumes + "|" + link;
        }
        if (team && balance <= 0) {
            return "DENIED:BALANCE_EXHAUSTED@" + again + "|" + link;
        }
        return "ALLOWED_EXTRA|" + allowedLink;
    }

    /**
     * XU-6: at or below the threshold, with auto-reload on and none failed, a reload is charged —
     * at most ten a period; a declined card turns auto-reload off and adds nothing.
     */
    void reloadIfDue() {
        if (!team
                || !reloadEnabled
                || reloadFailed
                || reloadAmount <= 0
                || balance > reloadThreshold) {
            return;
        }
        String p = period(now);
        if (reloadsByPeriod.getOrDefault(p, 0) >= RELOADS_PER_PERIOD_MAX) {
            return;
        }
        if (providerDown) {
            reloadPending = true;
            return;
        }
        chargeReload();
    }

    private void chargeReload() {
        if (cardDeclines) {
            reloadEnabled = false;
            reloadFailed = true;
            return;
        }
        reloadsByPeriod.merge(period(now), 1, Integer::sum);
        balance += reloadAmount;
    }

    /** The provider answers again: a pending reload is charged to the card now saved. */
    void providerBack() {
        providerDown = false;
        if (reloadPending) {
            reloadPending = false;
            chargeReload();
        }
    }

    /**
     * XU-24: the local dates whose digest hour found a request pending, up to the last digest due
     * now — one digest per admin for each.
     */
    TreeSet<LocalDate> digestDates() {
        TreeSet<LocalDate> dates = new TreeSet<>();
        if (filed.isEmpty()) {
            return dates;
        }
        var local = now.atZone(zone);
        LocalDate due =
                local.getHour() >= DIGEST_HOUR
                        ? local.toLocalDate()
                        : local.toLocalDate().minusDays(1);
        for (LocalDate d = filed.get(0).at.atZone(zone).toLocalDate();
                !d.isAfter(due);
                d = d.plusDays(1)) {
            Instant at = d.atTime(DIGEST_HOUR, 0).atZone(zone).toInstant();
            if (filed.stream().anyMatch(f -> f.pendingAt(at))) {
                dates.add(d);
            }
        }
        return dates;
    }

    /** Setting auto-reload clears a failure and reloads at once when the balance is low. */
    void configureReload(boolean enabled, long threshold, long amount) {
        reloadEnabled = enabled;
        reloadThreshold = threshold;
        reloadAmount = amount;
        reloadFailed = false;
        if (enabled) {
            reloadIfDue();
        }
    }

    /** XU-22: the status a filing answers (201 new, 200 the pending one, 409 refused). */
    int file(String memberId, String newId) {
        Member m = members.get(memberId);
        if (!requestsEnabled) {
            return 409;
        }
        if (m.pending != null) {
            return 200;
        }
        if (!admit(memberId).endsWith("|AVAILABLE")) {
            return 409;
        }
        m.pending = newId;
        m.pendingAsksUpgrade = m.seat.equals("STANDARD");
        Filed f = new Filed(now);
        filed.add(f);
        filedById.put(newId, f);
        return 201;
    }

    /**
     * XU-23 "Increase limit": {@code action} null takes the request kind's default (a Standard seat
     * asked for Premium, a Premium one for extra usage), as it was filed: a member moved to Premium
     * meanwhile makes the default upgrade a conflict. The status it answers.
     */
    int approve(String memberId, String action, Long raiseBy) {
        Member m = members.get(memberId);
        if (m.pending == null) {
            return 404;
        }
        String chosen =
                action != null
                        ? action
                        : m.pendingAsksUpgrade ? "UPGRADE_SEAT" : "ENABLE_EXTRA_USAGE";
        switch (chosen) {
            case "UPGRADE_SEAT" -> {
                if (m.seat.equals("PREMIUM")) {
                    return 409;
                }
                m.seat = "PREMIUM";
            }
            case "ENABLE_EXTRA_USAGE" -> {
                if (!enabled) {
                    return 409;
                }
                m.extraSwitch = true;
            }
            default -> {
                Long cap = effectiveCap(m);
                long base = cap != null ? cap : m.extraByPeriod.getOrDefault(period(now), 0L);
                m.cap = base + raiseBy;
            }
        }
        decide(m);
        return 200;
    }

    int dismiss(String memberId) {
        Member m = members.get(memberId);
        if (m.pending == null) {
            return 404;
        }
        decide(m);
        m.lastDismissal = now;
        return 200;
    }

    private void decide(Member m) {
        filedById.get(m.pending).decidedAt = now;
        m.pending = null;
    }

    /** EX-1: a live hold as the model keeps it. */
    record ModelHold(String member, long included, long extra, Instant expiresAt) {}

    final Map<String, ModelHold> holds = new HashMap<>();
    static final Duration HOLD_TTL = Duration.ofMinutes(10);
    static final long MAX_TOKENS_FLOOR = 1_024;

    /**
     * EX-1 as SPEC.md words it: the worst case ({@code prompt} nanos plus {@code maxTokens} at
     * {@code outPerToken}) is reserved against the member's included room, then their cap, the org
     * cap and the balance, on top of settled spend and live holds; lowered to the largest {@code
     * max_tokens} that fits down to the floor; else denied by the limit with the least room.
     * "HELD:amount:maxTokens" or "DENIED:reason".
     */
    String hold(String id, String memberId, long prompt, long outPerToken, long maxTokens) {
        holds.values().removeIf(h -> !now.isBefore(h.expiresAt()));
        Member m = members.get(memberId);
        long heldIncluded = 0;
        long heldExtra = 0;
        long orgHeld = 0;
        for (ModelHold h : holds.values()) {
            orgHeld += h.extra();
            if (h.member().equals(memberId)) {
                heldIncluded += h.included();
                heldExtra += h.extra();
            }
        }
        long mtd = m.extraByPeriod.getOrDefault(period(now), 0L);
        long orgMtd = orgExtraByPeriod.getOrDefault(period(now), 0L);
        Long cap = effectiveCap(m);
        String capReason = m.cap != null ? "MEMBER_CAP_REACHED" : "SEAT_TYPE_CAP_REACHED";
        if (remaining(m, now) == 0) {
            if (!eligible(m)) {
                return "DENIED:INCLUDED_EXHAUSTED";
            }
            if (cap != null && mtd + heldExtra >= cap) {
                return "DENIED:" + capReason;
            }
            if (orgCap != null && orgMtd + orgHeld >= orgCap) {
                return "DENIED:ORG_CAP_REACHED";
            }
            if (team && balance - orgHeld <= 0) {
                return "DENIED:BALANCE_EXHAUSTED";
            }
        }
        long included = Math.max(0, remaining(m, now) - heldIncluded);
        long room = Long.MAX_VALUE;
        String reason = "ORG_CAP_REACHED";
        if (!eligible(m)) {
            room = 0;
            reason = "INCLUDED_EXHAUSTED";
        } else {
            if (cap != null && Math.max(0, cap - mtd - heldExtra) < room) {
                room = Math.max(0, cap - mtd - heldExtra);
                reason = capReason;
            }
            if (orgCap != null && Math.max(0, orgCap - orgMtd - orgHeld) < room) {
                room = Math.max(0, orgCap - orgMtd - orgHeld);
                reason = "ORG_CAP_REACHED";
            }
            if (team && Math.max(0, balance - orgHeld) < room) {
                room = Math.max(0, balance - orgHeld);
                reason = "BALANCE_EXHAUSTED";
            }
        }
        long total = room == Long.MAX_VALUE ? Long.MAX_VALUE : room + included;
        long tokens = maxTokens;
        if (prompt + tokens * outPerToken > total) {
            tokens = total < prompt ? 0 : (total - prompt) / outPerToken;
            if (tokens < MAX_TOKENS_FLOOR) {
                return "DENIED:" + reason;
            }
        }
        long amount = prompt + tokens * outPerToken;
        long fromIncluded = Math.min(amount, included);
        holds.put(
                id,
                new ModelHold(memberId, fromIncluded, amount - fromIncluded, now.plus(HOLD_TTL)));
        return "HELD:" + amount + ":" + tokens;
    }

    /** XU-17 – XU-19; {@code null} for a conflict (same id, other content). */
    Result settle(String id, String memberId, String model, Instant at, long input, long output) {
        String content = memberId + "|" + model + "|" + at + "|" + input + "|" + output;
        if (contentById.containsKey(id)) {
            return contentById.get(id).equals(content) ? resultById.get(id) : null;
        }
        Member m = members.get(memberId);
        long[] price = PRICES.get(model);
        long cost = input * price[0] + output * price[1];
        long left = remaining(m, at);
        long included = Math.min(cost, left);
        long extra = cost - included;
        if (!eligible(m)) {
            included = cost;
            extra = 0;
        }
        for (Window w : WINDOWS) {
            if (running(m, w, at)) {
                m.windowUsed.merge(w.name(), included, Long::sum);
            } else {
                m.windowStart.put(w.name(), at);
                m.windowUsed.put(w.name(), included);
            }
        }
        m.extraByPeriod.merge(period(at), extra, Long::sum);
        if (!team && extra > 0) {
            unbilled.add(new Billable(memberId, model, period(at), extra));
        }
        YearMonth month = YearMonth.from(at.atZone(zone));
        if (invoices.isEmpty() && (open == null || month.isBefore(open))) {
            open = month;
        }
        orgExtraByPeriod.merge(period(at), extra, Long::sum);
        if (team && extra > 0) {
            balance -= extra;
            reloadIfDue();
        }
        holds.remove(id);
        Result result = new Result(cost, included, extra);
        contentById.put(id, content);
        resultById.put(id, result);
        return result;
    }
}
