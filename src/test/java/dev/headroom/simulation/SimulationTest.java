package dev.headroom.simulation;

import dev.headroom.core.Money;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.InvoiceFigures;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Model-based simulation (after TigerBeetle's VOPR): seeded random sequences of admissions,
 * settlements with replays, conflicts and late timestamps, cap and setting changes, purchases and
 * clock moves across windows and months, run against the service on PostgreSQL and against {@link
 * ReferenceModel}. Every answer and every balance, MTD and window figure must agree; a failure
 * prints the seed and a reduced sequence that still fails.
 *
 * <p>{@code ./test.sh} runs {@value #DEFAULT_OPERATIONS} operations; {@code reliability/simulate.sh
 * OPS SEED} runs more (e.g. a million).
 */
class SimulationTest extends IntegrationTest {
    static final int DEFAULT_OPERATIONS = 3_000;
    static final int PER_ORG = 250;
    static final List<String> ZONES =
            List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney");

    /** How often each admission answer was seen, to show what the run covered. */
    final Map<String, Integer> seen =
            java.util.Collections.synchronizedMap(new java.util.TreeMap<>());

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** One generated operation, replayable against a fresh org. */
    record Op(String kind, int member, long a, long b, int back) {
        @Override
        public String toString() {
            return kind + "(m" + member + ", " + a + ", " + b + ", " + back + ")";
        }
    }

    /** One org's run: its plan, zone, start and operations. */
    record OrgRun(int index, boolean team, String zone, Instant start, List<Op> ops) {
        String describe() {
            return "org "
                    + index
                    + " ("
                    + (team ? "TEAM" : "ENTERPRISE_SEAT")
                    + ", "
                    + zone
                    + ", start "
                    + start
                    + ")";
        }
    }

    /** How many operations a run without {@code headroom.sim.ops} makes. */
    protected int defaultOperations() {
        return DEFAULT_OPERATIONS;
    }

    @Test
    void theServiceAgreesWithTheReferenceModel() throws Exception {
        long seed = Long.getLong("headroom.sim.seed", 1129L);
        int operations = Integer.getInteger("headroom.sim.ops", defaultOperations());
        // Orgs are independent, so long runs may take several at once; the sequence of each org,
        // and so a failure and its reduction, depends on the seed only.
        int threads = Integer.getInteger("headroom.sim.threads", 2);
        Random random = new Random(seed);
        List<OrgRun> runs = new ArrayList<>();
        for (int done = 0; done < operations; ) {
            boolean team = random.nextBoolean();
            String zone = ZONES.get(random.nextInt(ZONES.size()));
            Instant start =
                    Instant.parse("2027-01-27T00:00:00Z")
                            .plus(Duration.ofHours(random.nextInt(24 * 40)));
            List<Op> ops = generate(random, team, Math.min(PER_ORG, operations - done));
            runs.add(new OrgRun(runs.size(), team, zone, start, ops));
            done += ops.size();
        }
        // To replay one org of a long run: its sequence depends on the seed only.
        Integer only = Integer.getInteger("headroom.sim.org");
        if (only != null) {
            runs = List.of(runs.get(only));
        }
        long began = System.nanoTime();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<String>> failures = new ArrayList<>();
            for (OrgRun run : runs) {
                failures.add(
                        pool.submit(() -> run(run.team(), run.zone(), run.start(), run.ops())));
            }
            for (int i = 0; i < runs.size(); i++) {
                String failure = failures.get(i).get();
                if (failure != null) {
                    pool.shutdownNow();
                    OrgRun run = runs.get(i);
                    List<Op> reduced = reduce(run.team(), run.zone(), run.start(), run.ops());
                    throw new AssertionError(
                            "Simulation seed "
                                    + seed
                                    + ", "
                                    + run.describe()
                                    + ": "
                                    + failure
                                    + "\nreduced sequence ("
                                    + reduced.size()
                                    + " ops): "
                                    + reduced
                                    + "\nreduced failure: "
                                    + run(run.team(), run.zone(), run.start(), reduced));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println(
                "SIMULATION: seed "
                        + seed
                        + ", "
                        + runs.stream().mapToInt(r -> r.ops().size()).sum()
                        + " operations on "
                        + runs.size()
                        + " orgs in "
                        + Duration.ofNanos(System.nanoTime() - began).toSeconds()
                        + " s with "
                        + threads
                        + " at once, all agreed; seen: "
                        + seen);
    }

    static List<Op> generate(Random r, boolean team, int count) {
        List<Op> ops = new ArrayList<>();
        // A third of the seat-based orgs are about requests: members start at a zero limit, so
        // they are soon refused and offered the link, and filings, decisions and days come often.
        boolean aboutRequests = !team && r.nextInt(3) == 0;
        int requestShare = aboutRequests ? 45 : 15;
        for (int m = 0; aboutRequests && m < 3 && ops.size() < count; m++) {
            ops.add(new Op("memberCap", m, 0, 0, 0));
        }
        for (int i = ops.size(); i < count; i++) {
            int m = r.nextInt(3);
            if (!team && r.nextInt(100) < requestShare) {
                ops.add(requestOp(r, m));
                continue;
            }
            if (team && r.nextInt(100) < 6) {
                // XU-6: auto-reload on ($0.00 to $1.00 threshold, $0.50 to $3.00) or off; the card.
                ops.add(
                        r.nextInt(10) < 7
                                ? new Op(
                                        "reload",
                                        m,
                                        r.nextInt(4) == 0 ? 0 : 1,
                                        r.nextInt(101),
                                        50 + r.nextInt(251))
                                : new Op("card", m, r.nextInt(3) == 0 ? 1 : 0, 0, 0));
                continue;
            }
            if (team && r.nextInt(100) < 3) {
                // The provider gives no definite answer for a while: a purchase (a=0), a
                // settlement that may start a reload (a=1) or auto-reload turned on with a
                // threshold of b cents (a=2) stays pending until it answers again.
                ops.add(new Op("outage", m, r.nextInt(3), 1 + r.nextInt(300), r.nextInt(150_001)));
                continue;
            }
            int pick = r.nextInt(100);
            Op op;
            if (pick < 25) {
                op = new Op("admit", m, 0, 0, 0);
            } else if (pick < 58) {
                op = new Op("settle", m, r.nextInt(150_001), r.nextInt(20_001), r.nextInt(2));
            } else if (pick < 64) {
                op = new Op("replay", m, 0, 0, 1 + r.nextInt(5));
            } else if (pick < 66) {
                op = new Op("conflict", m, 0, 0, 1 + r.nextInt(5));
            } else if (pick < 70) {
                op =
                        new Op(
                                "late",
                                m,
                                r.nextInt(100_001),
                                r.nextInt(10_001),
                                1 + r.nextInt(40 * 24));
            } else if (pick < 74) {
                op = new Op("orgCap", m, r.nextInt(4) == 0 ? -1 : r.nextInt(600), 0, 0);
            } else if (pick < 77) {
                op =
                        new Op(
                                team ? "memberCap" : "seatCap",
                                m,
                                r.nextInt(4) == 0 ? -1 : r.nextInt(200),
                                0,
                                0);
            } else if (pick < 81) {
                op = new Op("memberCap", m, r.nextInt(4) == 0 ? -1 : r.nextInt(200), 0, 0);
            } else if (pick < 83) {
                op = new Op("memberSwitch", m, r.nextInt(2), 0, 0);
            } else if (pick < 85) {
                op = new Op("enable", m, r.nextInt(4) == 0 ? 0 : 1, r.nextInt(2), 0);
            } else if (pick < 86) {
                op = new Op("seat", m, r.nextInt(2), 0, 0);
            } else if (pick < 87) {
                op = new Op(team ? "purchase" : "admit", m, 1 + r.nextInt(300), 0, 0);
            } else if (pick < 94) {
                op = new Op("settle", m, r.nextInt(150_001), r.nextInt(20_001), r.nextInt(2));
            } else if (pick < 95) {
                // Test-clock jumps of weeks to months, now and then of a year or more: periods
                // close, windows and blocks lapse.
                long days = r.nextInt(10) == 0 ? 90 + r.nextInt(400) : 20 + r.nextInt(50);
                op = new Op("advance", m, 60L * 24 * days, 0, 0);
            } else {
                int scale = r.nextInt(10);
                long minutes =
                        scale < 7
                                ? 1 + r.nextInt(120)
                                : scale < 9
                                        ? 60L * (1 + r.nextInt(48))
                                        : 60L * 24 * (1 + r.nextInt(10));
                op = new Op("advance", m, minutes, 0, 0);
            }
            ops.add(op);
        }
        return ops;
    }

    /** XU-21 – XU-25 on a seat-based org: file, approve with each action, dismiss, the toggle. */
    static Op requestOp(Random r, int m) {
        int pick = r.nextInt(100);
        if (pick < 20) {
            // Days pass, a few at a time, so a dismissal's 30-day block is seen from both sides.
            return new Op("advance", m, 60L * 24 * (1 + r.nextInt(4)) + r.nextInt(600), 0, 0);
        }
        if (pick < 50) {
            return new Op("file", m, 0, 0, 0);
        }
        if (pick < 67) {
            // a: 0 the request's default action, 1 upgrade, 2 enable, 3 raise by b cents.
            return new Op("approve", m, r.nextInt(4), 1 + r.nextInt(200), 0);
        }
        if (pick < 95) {
            return new Op("dismiss", m, 0, 0, 0);
        }
        return new Op("toggle", m, r.nextInt(4) == 0 ? 0 : 1, 0, 0);
    }

    /** Runs {@code ops} on a fresh org and its model; the first disagreement, or {@code null}. */
    String run(boolean team, String zone, Instant start, List<Op> ops) {
        OrgFixture org = scenario().org(team ? "TEAM" : "ENTERPRISE_SEAT", zone, start);
        Map<String, Long> allowance =
                Map.of("STANDARD", ReferenceModel.USD / 5, "PREMIUM", 3 * ReferenceModel.USD / 5);
        for (String seat : List.of("STANDARD", "PREMIUM")) {
            String session = Money.ofNanos(allowance.get(seat)).toDecimalString();
            String weekly = Money.ofNanos(allowance.get(seat) * 8).toDecimalString();
            org.windows(seat, "session", "PT5H", session, "weekly", "P7D", weekly);
        }
        ReferenceModel model = new ReferenceModel(team, ZoneId.of(zone), start, allowance);
        List<String> ids =
                List.of(org.member("STANDARD"), org.member("STANDARD"), org.member("PREMIUM"));
        model.members.put(ids.get(0), new ReferenceModel.Member("STANDARD"));
        model.members.put(ids.get(1), new ReferenceModel.Member("STANDARD"));
        model.members.put(ids.get(2), new ReferenceModel.Member("PREMIUM"));
        // XU-24: the admin who gets the daily digest of pending requests.
        String admin = team ? null : org.member("STANDARD", "ADMIN");
        if (team) {
            org.put("/extra-usage", Map.of("enabled", true, "initialPurchase", "1"));
            model.balance = ReferenceModel.USD;
        } else {
            org.put("/extra-usage", Map.of("enabled", true));
        }
        model.enabled = true;
        List<Map<String, Object>> sent = new ArrayList<>();
        Map<String, String> requestIds = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            String member = ids.get(op.member());
            if (op.kind().equals("approve") || op.kind().equals("dismiss")) {
                // A decision goes to a pending request, whoever's it is.
                member =
                        ids.stream()
                                .filter(id -> model.members.get(id).pending != null)
                                .findFirst()
                                .orElse(member);
            }
            ReferenceModel.Member modelMember = model.members.get(member);
            String where = "op " + i + " " + op + ": ";
            switch (op.kind()) {
                case "admit" -> {
                    String expected = model.admit(member);
                    Api.Response r = org.admit(member, "claude-haiku-4-5");
                    String actual =
                            r.text("decision")
                                    + (r.text("reason") == null
                                            ? ""
                                            : ":" + r.text("reason") + "@" + r.text("resumesAt"))
                                    + "|"
                                    + r.text("requestAction");
                    if (!actual.equals(expected)) {
                        return where + "admission " + actual + ", model " + expected;
                    }
                    seen.merge(actual.replaceAll("@[^|]*", ""), 1, Integer::sum);
                }
                case "settle", "late" -> {
                    Instant at =
                            op.kind().equals("late")
                                    ? model.now.minus(Duration.ofHours(op.back()))
                                    : model.now.plusSeconds(op.back() * 120L);
                    String model4 = op.a() % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5";
                    Map<String, Object> body =
                            new HashMap<>(org.usageBody(member, "s" + i, at, op.a(), op.b()));
                    body.put("model", model4);
                    sent.add(body);
                    String mismatch =
                            compareSettlement(
                                    where,
                                    org.service.post("/api/v1/usage", body),
                                    model.settle("s" + i, member, model4, at, op.a(), op.b()));
                    if (mismatch != null) {
                        return mismatch;
                    }
                    if (!team && op.kind().equals("late")) {
                        // A late event can open a past period; the scheduler closes it within a
                        // minute. Closing it now, the same idempotent close, keeps the run
                        // independent of when that job runs (found by the long run, org 163).
                        Api.Response closed =
                                org.operator.post(
                                        org.path("/invoices/close"),
                                        Map.of(
                                                "period",
                                                java.time.YearMonth.from(
                                                                model.now.atZone(model.zone))
                                                        .minusMonths(1)
                                                        .toString()));
                        if (closed.status() != 200) {
                            return where + "close answered " + closed;
                        }
                        model.closeDuePeriods();
                    }
                }
                case "replay", "conflict" -> {
                    if (sent.isEmpty()) {
                        continue;
                    }
                    Map<String, Object> body =
                            new HashMap<>(sent.get(Math.max(0, sent.size() - op.back())));
                    if (op.kind().equals("conflict")) {
                        body.put("usage", Api.usage(7, 7));
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> usage = (Map<String, Object>) body.get("usage");
                    ReferenceModel.Result expected =
                            model.settle(
                                    (String) body.get("requestId"),
                                    (String) body.get("memberId"),
                                    (String) body.get("model"),
                                    Instant.parse((String) body.get("timestamp")),
                                    ((Number) usage.get("input_tokens")).longValue(),
                                    ((Number) usage.get("output_tokens")).longValue());
                    String mismatch =
                            compareSettlement(
                                    where, org.service.post("/api/v1/usage", body), expected);
                    if (mismatch != null) {
                        return mismatch;
                    }
                }
                case "orgCap" -> {
                    model.orgCap = op.a() < 0 ? null : op.a() * 10_000_000L;
                    org.limit("/spend-limit", dollars(model.orgCap));
                }
                case "seatCap" -> {
                    String seat = op.member() == 2 ? "PREMIUM" : "STANDARD";
                    Long cap = op.a() < 0 ? null : op.a() * 10_000_000L;
                    model.seatCaps.put(seat, cap);
                    org.limit("/seat-types/" + seat + "/spend-limit", dollars(cap));
                }
                case "memberCap" -> {
                    modelMember.cap = op.a() < 0 ? null : op.a() * 10_000_000L;
                    org.limit("/members/" + member + "/spend-limit", dollars(modelMember.cap));
                }
                case "memberSwitch" -> {
                    modelMember.extraSwitch = op.a() == 1;
                    org.put("/members/" + member + "/extra-usage", Map.of("enabled", op.a() == 1));
                }
                case "enable" -> {
                    model.enabled = op.a() == 1;
                    model.scopeSelected = op.b() == 1;
                    org.put(
                            "/extra-usage",
                            Map.of(
                                    "enabled",
                                    model.enabled,
                                    "scope",
                                    model.scopeSelected ? "SELECTED" : "ORG"));
                }
                case "seat" -> {
                    modelMember.seat = op.a() == 1 ? "PREMIUM" : "STANDARD";
                    Api.Response r =
                            org.owner.patch(
                                    org.path("/members/" + member),
                                    Map.of("seatType", modelMember.seat));
                    if (r.status() != 200) {
                        return where + "seat change answered " + r;
                    }
                }
                case "purchase" -> {
                    // A declining card refuses the purchase (402) and adds nothing.
                    int expected = model.cardDeclines ? 402 : 201;
                    if (!model.cardDeclines) {
                        model.balance += op.a() * 10_000_000L;
                    }
                    Api.Response r =
                            org.owner.post(
                                    org.path("/credits/purchases"),
                                    Map.of("amount", dollars(op.a() * 10_000_000L)));
                    if (r.status() != expected) {
                        return where + "purchase answered " + r + ", model " + expected;
                    }
                }
                case "advance" -> {
                    model.now = model.now.plus(Duration.ofMinutes(op.a()));
                    org.advance(model.now);
                    model.closeDuePeriods();
                }
                case "file" -> {
                    int expected = model.file(member, "r" + i);
                    Api.Response r =
                            org.service.post(
                                    org.path("/members/" + member + "/extra-usage-requests"), null);
                    if (r.status() != expected) {
                        return where + "filing answered " + r + ", model " + expected;
                    }
                    seen.merge("file " + expected, 1, Integer::sum);
                    if (expected == 201) {
                        requestIds.put(member, r.text("id"));
                    }
                }
                case "approve" -> {
                    if (modelMember.pending == null) {
                        continue;
                    }
                    String action =
                            switch ((int) op.a()) {
                                case 1 -> "UPGRADE_SEAT";
                                case 2 -> "ENABLE_EXTRA_USAGE";
                                case 3 -> "RAISE_LIMIT";
                                default -> null;
                            };
                    Long raise = "RAISE_LIMIT".equals(action) ? op.b() * 10_000_000L : null;
                    Map<String, Object> body = new HashMap<>();
                    if (action != null) {
                        body.put("action", action);
                    }
                    if (raise != null) {
                        body.put("amount", dollars(raise));
                    }
                    int expected = model.approve(member, action, raise);
                    Api.Response r =
                            org.owner.post(
                                    org.path(
                                            "/extra-usage-requests/"
                                                    + requestIds.get(member)
                                                    + "/approve"),
                                    body);
                    if (r.status() != expected) {
                        return where + "approval answered " + r + ", model " + expected;
                    }
                    seen.merge("approve " + action + " " + expected, 1, Integer::sum);
                }
                case "dismiss" -> {
                    if (modelMember.pending == null) {
                        continue;
                    }
                    int expected = model.dismiss(member);
                    Api.Response r =
                            org.owner.post(
                                    org.path(
                                            "/extra-usage-requests/"
                                                    + requestIds.get(member)
                                                    + "/dismiss"),
                                    null);
                    if (r.status() != expected) {
                        return where + "dismissal answered " + r + ", model " + expected;
                    }
                    seen.merge("dismiss " + expected, 1, Integer::sum);
                }
                case "reload" -> {
                    long threshold = op.b() * 10_000_000L;
                    long amount = op.back() * 10_000_000L;
                    model.configureReload(op.a() == 1, threshold, amount);
                    org.put(
                            "/auto-reload",
                            Map.of(
                                    "enabled",
                                    op.a() == 1,
                                    "threshold",
                                    dollars(threshold),
                                    "amount",
                                    dollars(amount)));
                }
                case "card" -> {
                    model.cardDeclines = op.a() == 1;
                    saveCard(org, model.cardDeclines ? "pm_card_chargeDeclined" : "pm_card_visa");
                }
                case "outage" -> {
                    String mismatch = outage(org, model, op, member, "s" + i, sent);
                    if (mismatch != null) {
                        return where + mismatch;
                    }
                }
                case "toggle" -> {
                    model.requestsEnabled = op.a() == 1;
                    org.put("/extra-usage/requests", Map.of("enabled", model.requestsEnabled));
                }
                default -> throw new IllegalStateException(op.kind());
            }
            if (!team) {
                String invoices = compareInvoices(org, model);
                if (invoices != null) {
                    return where + invoices;
                }
            }
            JsonNode reload = team ? reloadAnswered(org) : null;
            String figures = compareFigures(where, org, model, member, team);
            if (figures != null) {
                return figures;
            }
            if (team) {
                String reloads = compareReloads(org, model, reload);
                if (reloads != null) {
                    return where + reloads;
                }
            }
        }
        if (team) {
            seen.merge(
                    "reloads charged",
                    model.reloadsByPeriod.values().stream().mapToInt(Integer::intValue).sum(),
                    Integer::sum);
            return null;
        }
        String invoices = invoiceMembership(org, model);
        if (invoices == null) {
            invoices = compareInvoices(org, model);
        }
        seen.merge("invoices", model.invoices.size(), Integer::sum);
        return invoices != null ? invoices : digests(org, model, admin);
    }

    private static void saveCard(OrgFixture org, String paymentMethod) {
        org.put(
                "/payment-method",
                Map.of("customerId", "cus_simulation", "paymentMethodId", paymentMethod));
    }

    /**
     * XU-5, XU-6 with a provider that gives no definite answer: a purchase is answered 502 {@code
     * PAYMENT_PENDING}, a reload due meanwhile stays in flight and adds nothing; once the provider
     * answers again, each pending payment is charged (or declined) by the card saved then, once.
     */
    private String outage(
            OrgFixture org,
            ReferenceModel model,
            Op op,
            String member,
            String requestId,
            List<Map<String, Object>> sent) {
        saveCard(org, "pm_card_unavailable");
        model.providerDown = true;
        long pendingPurchase = 0;
        if (op.a() == 0) {
            pendingPurchase = op.b() * 10_000_000L;
            Api.Response r =
                    org.owner.post(
                            org.path("/credits/purchases"),
                            Map.of("amount", dollars(pendingPurchase)));
            if (r.status() != 502 || !"PAYMENT_PENDING".equals(r.errorCode())) {
                return "purchase with no answer from the provider: " + r;
            }
        } else if (op.a() == 2) {
            long threshold = op.b() * 10_000_000L;
            long amount = (50 + op.back() % 251) * 10_000_000L;
            model.configureReload(true, threshold, amount);
            org.put(
                    "/auto-reload",
                    Map.of(
                            "enabled",
                            true,
                            "threshold",
                            dollars(threshold),
                            "amount",
                            dollars(amount)));
        } else {
            Map<String, Object> body =
                    new HashMap<>(org.usageBody(member, requestId, model.now, op.back(), 0));
            body.put("model", "claude-sonnet-4-5");
            sent.add(body);
            String mismatch =
                    compareSettlement(
                            "",
                            org.service.post("/api/v1/usage", body),
                            model.settle(
                                    requestId,
                                    member,
                                    "claude-sonnet-4-5",
                                    model.now,
                                    op.back(),
                                    0));
            if (mismatch != null) {
                return mismatch;
            }
        }
        JsonNode reload = org.owner.get(org.path("/auto-reload")).body();
        if (model.reloadPending != "IN_FLIGHT".equals(reload.get("state").asString())) {
            return "while the provider is down: auto-reload "
                    + reload
                    + ", model pending "
                    + model.reloadPending;
        }
        String balance = org.owner.get(org.path("/extra-usage")).text("balance");
        if (!balance.equals(dollars(model.balance))) {
            return "while the provider is down: balance "
                    + balance
                    + ", model "
                    + dollars(model.balance);
        }
        seen.merge(
                op.a() == 0
                        ? "purchases pending"
                        : model.reloadPending ? "reloads pending" : "outages without a payment",
                1,
                Integer::sum);
        saveCard(org, model.cardDeclines ? "pm_card_chargeDeclined" : "pm_card_visa");
        model.providerBack();
        if (!model.cardDeclines) {
            model.balance += pendingPurchase;
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (pendingPayments(org) > 0) {
            if (System.nanoTime() > deadline) {
                return "payments still pending 20 s after the provider answers again";
            }
            sleep(20);
        }
        return null;
    }

    private long pendingPayments(OrgFixture org) {
        return jdbc.sql("select count(*) from purchase where org_id = ? and status = 'PENDING'")
                .param(org.id)
                .query(Long.class)
                .single();
    }

    /**
     * XU-24: each admin got one digest for each local day whose digest hour found a request
     * pending, and none for other days; every one of them was sent.
     */
    private String digests(OrgFixture org, ReferenceModel model, String admin) {
        java.util.TreeSet<java.time.LocalDate> expected = model.digestDates();
        String to = org.email(admin);
        // Digests wait in the one email outbox behind every other org's mail: with several orgs at
        // once on 2 cores that queue can take longer than a minute to drain.
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (true) {
            List<Object[]> rows =
                    jdbc.sql(
                                    "select dedup_key, sent_at is not null from email_outbox where org_id = ?"
                                            + " and to_address = ? and dedup_key like 'request-digest:%'")
                            .params(org.id, to)
                            .query((rs, n) -> new Object[] {rs.getString(1), rs.getBoolean(2)})
                            .list();
            List<java.time.LocalDate> dates =
                    rows.stream()
                            .map(row -> (String) row[0])
                            .map(key ->
                                    java.time.LocalDate.parse(
                                            key.substring(key.lastIndexOf(':') + 1)))
                            .sorted()
                            .toList();
            if (!dates.equals(List.copyOf(expected))) {
                return "digests to the admin for " + dates + ", model " + expected;
            }
            if (rows.stream().allMatch(row -> (Boolean) row[1])) {
                seen.merge("digests sent", dates.size(), Integer::sum);
                return null;
            }
            if (System.nanoTime() > deadline) {
                return "digests not sent within 180 s: " + rows.size();
            }
            sleep(50);
        }
    }

    /**
     * Issue 17: on an org billed in arrears, every extra-usage event of a closed period is on
     * exactly one invoice, and the invoices' lines add up to their events' extra cost.
     */
    private String invoiceMembership(OrgFixture org, ReferenceModel model) {
        // Past the next month end, every period the run touched is closed (the close runs when the
        // test clock moves), so every one of its extra-usage events must be on an invoice.
        Instant nextMonth =
                java.time.YearMonth.from(model.now.atZone(model.zone))
                        .plusMonths(1)
                        .atDay(1)
                        .atStartOfDay(model.zone)
                        .toInstant();
        org.advance(nextMonth);
        model.now = nextMonth;
        model.closeDuePeriods();
        long unbilled = InvoiceFigures.unassignedEvents(jdbc, org.id);
        long assigned =
                jdbc.sql(
                                "select coalesce(sum(e.extra_nanos), 0) from invoice_event i join usage_event e"
                                        + " on e.org_id = i.org_id and e.request_id = i.request_id where i.org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long lines = InvoiceFigures.lineNanos(jdbc, org.id);
        if (unbilled != 0) {
            return "invoices: " + unbilled + " events of closed periods on no invoice";
        }
        return lines == assigned
                ? null
                : "invoices: lines " + lines + " against their events' extra " + assigned;
    }

    /**
     * Issue 17 after every step: each issued invoice holds the events the model put on it (their
     * number and exact extra cost), its total is the model's lines rounded half-up to the cent, and
     * it is the sum of its own lines.
     */
    private String compareInvoices(OrgFixture org, ReferenceModel model) {
        Map<String, ReferenceModel.Invoice> actual = new java.util.TreeMap<>();
        Map<String, Long> lineAmounts = new HashMap<>();
        jdbc.sql(
                        """
                        select i.period, i.total_nanos,
                          (select coalesce(sum(l.exact_nanos), 0) from invoice_line l
                            where l.org_id = i.org_id and l.invoice_id = i.id),
                          (select count(*) from invoice_event e
                            where e.org_id = i.org_id and e.invoice_id = i.id),
                          (select coalesce(sum(l.amount_nanos), 0) from invoice_line l
                            where l.org_id = i.org_id and l.invoice_id = i.id)
                        from invoice i where i.org_id = ?
                        """)
                .param(org.id)
                .query((rs, n) -> {
                    actual.put(
                            rs.getString(1),
                            new ReferenceModel.Invoice(
                                    rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    lineAmounts.put(rs.getString(1), rs.getLong(5));
                    return null;
                })
                .list();
        if (!actual.equals(model.invoices)) {
            return "invoices " + actual + ", model " + model.invoices;
        }
        for (var invoice : actual.entrySet()) {
            if (invoice.getValue().total() != lineAmounts.get(invoice.getKey())) {
                return "invoice "
                        + invoice.getKey()
                        + " total "
                        + invoice.getValue().total()
                        + " against its lines "
                        + lineAmounts.get(invoice.getKey());
            }
        }
        return null;
    }

    /**
     * XU-6 and issue 17 on a Team org, once the reload a step started has been answered: the
     * auto-reload setting and its failure agree with the model, one reload was charged per time the
     * model says, and the balance is its ledger's sum.
     */
    private String compareReloads(OrgFixture org, ReferenceModel model, JsonNode reload) {
        boolean failed = "FAILED".equals(reload.get("state").asString());
        if (reload.get("enabled").asBoolean() != model.reloadEnabled
                || failed != model.reloadFailed) {
            return "auto-reload "
                    + reload
                    + ", model enabled "
                    + model.reloadEnabled
                    + " failed "
                    + model.reloadFailed;
        }
        long charged =
                jdbc.sql(
                                "select count(*) from purchase where org_id = ? and kind = 'RELOAD'"
                                        + " and status = 'SUCCEEDED'")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long expected = model.reloadsByPeriod.values().stream().mapToLong(Integer::longValue).sum();
        if (charged != expected) {
            return "reloads charged " + charged + ", model " + expected;
        }
        return balanceAgainstLedger(org);
    }

    /** The auto-reload setting once a reload the step started has been charged or refused. */
    private static JsonNode reloadAnswered(OrgFixture org) {
        JsonNode reload = org.owner.get(org.path("/auto-reload")).body();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ("IN_FLIGHT".equals(reload.get("state").asString()) && System.nanoTime() < deadline) {
            sleep(20);
            reload = org.owner.get(org.path("/auto-reload")).body();
        }
        return reload;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Issue 17: the Team balance is its ledger's sum after every step. */
    private String balanceAgainstLedger(OrgFixture org) {
        long balance =
                jdbc.sql("select coalesce(sum(balance_nanos), 0) from balance where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        long ledger =
                jdbc.sql(
                                "select coalesce(sum(amount_nanos), 0) from balance_entry where org_id = ?")
                        .param(org.id)
                        .query(Long.class)
                        .single();
        return balance == ledger ? null : "balance " + balance + " against its ledger " + ledger;
    }

    private static String compareSettlement(
            String where, Api.Response response, ReferenceModel.Result expected) {
        if (expected == null) {
            return response.status() == 409 ? null : where + "expected 409, got " + response;
        }
        if (response.status() != 200) {
            return where + "settlement answered " + response;
        }
        String actual =
                response.text("cost")
                        + "/"
                        + response.text("includedCost")
                        + "/"
                        + response.text("extraCost");
        String wanted =
                dollars(expected.cost())
                        + "/"
                        + dollars(expected.included())
                        + "/"
                        + dollars(expected.extra());
        return actual.equals(wanted) ? null : where + "settlement " + actual + ", model " + wanted;
    }

    private static String compareFigures(
            String where, OrgFixture org, ReferenceModel model, String member, boolean team) {
        JsonNode usage = org.usageOf(member).body();
        ReferenceModel.Member m = model.members.get(member);
        JsonNode limitNode = usage.get("effectiveSpendLimit");
        String limit = limitNode.isNull() ? null : limitNode.asString();
        String cap = dollars(model.effectiveCap(m));
        if (!java.util.Objects.equals(limit, cap)) {
            return where + "member's effective limit " + limit + ", model " + cap;
        }
        if (usage.get("extraUsageEnabled").asBoolean() != model.eligible(m)) {
            return where
                    + "member's extra usage "
                    + usage.get("extraUsageEnabled")
                    + ", model "
                    + model.eligible(m);
        }
        String action = usage.get("requestAction").asString();
        String wantedAction = model.admit(member).replaceAll(".*\\|", "");
        if (!action.equals(wantedAction)) {
            return where + "member's request link " + action + ", model " + wantedAction;
        }
        String actual = usage.get("mtdSpend").asString();
        String wanted = dollars(m.extraByPeriod.getOrDefault(model.period(model.now), 0L));
        if (!actual.equals(wanted)) {
            return where + "member MTD " + actual + ", model " + wanted;
        }
        for (JsonNode window : usage.get("windows")) {
            ReferenceModel.Window w =
                    ReferenceModel.WINDOWS.stream()
                            .filter(x -> x.name().equals(window.get("name").asString()))
                            .findFirst()
                            .orElseThrow();
            String used = dollars(model.used(m, w, model.now));
            if (!window.get("used").asString().equals(used)) {
                return where
                        + "window "
                        + w.name()
                        + " used "
                        + window.get("used").asString()
                        + ", model "
                        + used;
            }
        }
        JsonNode settings = org.owner.get(org.path("/extra-usage")).body();
        String orgMtd = dollars(model.orgExtraByPeriod.getOrDefault(model.period(model.now), 0L));
        if (!settings.get("mtdSpend").asString().equals(orgMtd)) {
            return where + "org MTD " + settings.get("mtdSpend").asString() + ", model " + orgMtd;
        }
        if (team && !settings.get("balance").asString().equals(dollars(model.balance))) {
            return where
                    + "balance "
                    + settings.get("balance").asString()
                    + ", model "
                    + dollars(model.balance);
        }
        return null;
    }

    /** Greedy reduction: drops operations one at a time while the sequence still fails. */
    List<Op> reduce(boolean team, String zone, Instant start, List<Op> ops) {
        List<Op> current = new ArrayList<>(ops);
        Function<List<Op>, Boolean> fails = candidate -> run(team, zone, start, candidate) != null;
        for (int i = current.size() - 1; i >= 0 && current.size() > 1; i--) {
            List<Op> candidate = new ArrayList<>(current);
            candidate.remove(i);
            if (fails.apply(candidate)) {
                current = candidate;
            }
        }
        return current;
    }

    private static String dollars(Long nanos) {
        return nanos == null ? null : Money.ofNanos(nanos).toDecimalString();
    }
}
