package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.metering.rules.SettlementRefusal;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.pricing.TokenUsage;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 15, item 3: the single reports of the orgs that share a lane are committed in one
 * transaction. Each org's split stays exact, a reused request id or an unknown member is refused
 * alone, a race sends the group back org by org, and an org whose writes fail costs the others of
 * its group nothing (XU-17, XU-19, EX-10). Batches keep their own org's lane ({@code
 * GroupedSettlementTest}).
 *
 * <p>To make the group certain, not likely: a member row of one org of the lane is locked from
 * outside, so that org's settlement holds the lane while every other call queues behind it; once
 * all are queued the lock is let go and they commit as one group.
 */
class SettlementAcrossOrgsTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-07T10:00:00Z");

    @Autowired JdbcTemplate jdbc;
    @Autowired DataSource dataSource;
    @Autowired SettlementService settlements;

    /** Usage worth exactly {@code cents} (claude-haiku-4-5: $1 per million input tokens). */
    static Map<String, Object> cents(OrgFixture org, String member, String requestId, long cents) {
        Map<String, Object> body =
                new HashMap<>(org.usageBody(member, requestId, T0, cents * 10_000, 0));
        body.put("model", "claude-haiku-4-5");
        return body;
    }

    /** An org with two standard members, a 20-cent session window and extra usage on. */
    record Tenant(OrgFixture org, String a, String b) {}

    /** Orgs made until one lane holds {@code n} of them: those. */
    private List<Tenant> laneMates(int n) {
        Map<Integer, List<Tenant>> byLane = new HashMap<>();
        while (true) {
            OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
            org.windows("STANDARD", "session", "PT5H", "0.20");
            org.put("/extra-usage", Map.of("enabled", true));
            Tenant t = new Tenant(org, org.member("STANDARD"), org.member("STANDARD"));
            List<Tenant> lane =
                    byLane.computeIfAbsent(
                            SettlementService.lane(org.id, SettlementService.LANES_DEFAULT),
                            l -> new ArrayList<>());
            lane.add(t);
            if (lane.size() == n) {
                return lane;
            }
        }
    }

    /** A report worth exactly {@code cents}, as the gateway's journal hands it over. */
    static UsageReport report(OrgFixture org, String member, String requestId, long cents) {
        return report(org, member, requestId, cents, "claude-haiku-4-5");
    }

    static UsageReport report(
            OrgFixture org, String member, String requestId, long cents, String model) {
        return new UsageReport(
                requestId,
                org.id,
                member,
                "CLAUDE_CODE",
                model,
                T0,
                new TokenUsage(cents * 10_000, 0, 0, 0, 0, 0, false));
    }

    @Test
    void issue14_reportsHandedOverInOneCallCommitInOneGroupPerLaneEachRefusalItsOwn() {
        List<Tenant> tenants = laneMates(3);
        List<UsageReport> reports = new ArrayList<>();
        for (Tenant t : tenants) {
            for (int i = 0; i < 4; i++) {
                reports.add(report(t.org(), i % 2 == 0 ? t.a() : t.b(), "j" + i, 15));
            }
        }
        OrgFixture first = tenants.getFirst().org();
        reports.add(2, report(first, "mem_nobody", "ghost", 5));
        reports.add(report(first, tenants.getFirst().a(), "unpriced", 5, "gpt-9"));

        Map<String, Double> before = groupMetrics();
        List<SettlementOutcome> outcomes = settlements.settleEachReplayable(reports);
        Map<String, Double> after = groupMetrics();

        assertThat(outcomes).hasSameSizeAs(reports);
        for (int i = 0; i < reports.size(); i++) {
            String id = reports.get(i).requestId();
            SettlementOutcome outcome = outcomes.get(i);
            switch (id) {
                case "ghost" -> assertRefused(outcome, SettlementRefusal.Kind.UNKNOWN);
                case "unpriced" -> assertRefused(outcome, SettlementRefusal.Kind.INVALID);
                default ->
                        assertThat(outcome)
                                .isInstanceOfSatisfying(
                                        SettlementOutcome.Settled.class,
                                        ok ->
                                                assertThat(ok.settlements().getFirst().requestId())
                                                        .isEqualTo(id));
            }
        }
        // One transaction for the three orgs' twelve reports (the unknown member refused in it).
        assertThat(after.get("count") - before.get("count")).isEqualTo(1.0);
        assertThat(after.get("max")).isGreaterThanOrEqualTo(3.0);
        // Each member: 30 cents, 20 of them included.
        for (Tenant t : tenants) {
            assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo("0.10");
            assertThat(t.org().usageOf(t.b()).text("mtdSpend")).isEqualTo("0.10");
        }

        // Handed over again after a crash: each a replay, nothing counted twice.
        List<SettlementOutcome> replayed = settlements.settleEachReplayable(reports.subList(0, 5));
        assertThat(replayed)
                .filteredOn(o -> o instanceof SettlementOutcome.Settled)
                .hasSize(4)
                .allSatisfy(o ->
                        assertThat(
                                        ((SettlementOutcome.Settled) o)
                                                .settlements()
                                                .getFirst()
                                                .duplicate())
                                .isTrue());
        Tenant t = tenants.getFirst();
        assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo("0.10");
    }

    private static void assertRefused(SettlementOutcome outcome, SettlementRefusal.Kind kind) {
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        SettlementOutcome.Refused.class,
                        r -> assertThat(r.refusal().kind()).isEqualTo(kind));
    }

    /** A single report to send with an org's service key, and the status it must get (0: any). */
    record Call(OrgFixture org, String path, Object body, int status) {}

    @Test
    void XU17_orgsOfOneLaneCommitTogetherEachExactAndEachRefusalItsOwn() throws Exception {
        List<Tenant> tenants = laneMates(4);
        Tenant holder = tenants.getFirst();
        List<Tenant> mates = tenants.subList(1, tenants.size());
        for (Tenant t : mates) {
            assertThat(
                            t.org()
                                    .service
                                    .post("/api/v1/usage", cents(t.org(), t.a(), "pre", 5))
                                    .status())
                    .isEqualTo(200);
        }
        List<Call> calls = new ArrayList<>();
        for (Tenant t : mates) {
            OrgFixture o = t.org();
            for (int i = 0; i < 10; i++) {
                calls.add(single(o, cents(o, i % 2 == 0 ? t.a() : t.b(), "s" + i, 5), 200));
            }
            calls.add(single(o, cents(o, t.a(), "s0", 5), 200)); // a replay: counts once
            calls.add(single(o, cents(o, t.a(), "pre", 7), 409)); // reused id, other content
            calls.add(single(o, cents(o, "mem_nobody", "ghost", 5), 404));
        }
        Map<String, Double> before = groupMetrics();
        List<Api.Response> answers = behindHeldLane(holder, calls);
        Map<String, Double> after = groupMetrics();

        for (int i = 0; i < calls.size(); i++) {
            assertThat(answers.get(i).status())
                    .as("call %d: %s", i, answers.get(i))
                    .isEqualTo(calls.get(i).status());
        }
        // Each org: a spent 5 + 25 = 30 cents, b 25 cents; 20 cents each included.
        for (Tenant t : mates) {
            assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo("0.10");
            assertThat(t.org().usageOf(t.b()).text("mtdSpend")).isEqualTo("0.05");
            assertThat(t.org().owner.get(t.org().path("/extra-usage")).text("mtdSpend"))
                    .isEqualTo("0.15");
        }
        assertThat(after.get("max")).isGreaterThanOrEqualTo(mates.size());
        // The replay and the reused id were taken for new at first (issue 15: no lookup of stored
        // ids in the common case): that group went back and was planned again with the stored rows.
        assertThat(after.get("sum") - before.get("sum"))
                .as("the held org's group, then twice one group of the other three")
                .isEqualTo(1.0 + 2 * mates.size());
    }

    /**
     * Issue 15, item 3: a group writes each table in one statement for all of its orgs, not one (or
     * one per row) for each org. Statement triggers count the statements.
     */
    @Test
    void XU17_aGroupOfSeveralOrgsWritesEachTableInOneStatement() throws Exception {
        List<Tenant> tenants = laneMates(4);
        List<Call> calls = new ArrayList<>();
        for (Tenant t : tenants.subList(1, 4)) {
            for (int i = 0; i < 4; i++) {
                calls.add(
                        single(
                                t.org(),
                                cents(t.org(), i % 2 == 0 ? t.a() : t.b(), "w" + i, 5),
                                200));
            }
        }
        List<String> tables =
                List.of(
                        "usage_event",
                        "usage_daily",
                        "usage_window",
                        "member_period_spend",
                        "org_period_spend");
        jdbc.execute("create table test_statement (table_name text not null)");
        jdbc.execute(
                """
                create function test_count_statement() returns trigger language plpgsql as $$
                begin
                  insert into test_statement values (tg_table_name);
                  return null;
                end $$
                """);
        tables.forEach(t ->
                jdbc.execute(
                        "create trigger test_count_statement after insert on "
                                + t
                                + " for each statement execute function test_count_statement()"));
        Map<String, Integer> statements = new HashMap<>();
        try {
            List<Api.Response> answers = behindHeldLane(tenants.getFirst(), calls);
            answers.forEach(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));
            jdbc.query(
                    "select table_name, count(*) from test_statement group by table_name",
                    rs -> {
                        statements.put(rs.getString(1), rs.getInt(2));
                    });
        } finally {
            tables.forEach(t -> jdbc.execute("drop trigger test_count_statement on " + t));
            jdbc.execute("drop function test_count_statement()");
            jdbc.execute("drop table test_statement");
        }
        Map<String, Integer> expected = new HashMap<>();
        // The held org's group, then the group of the other three.
        tables.forEach(t -> expected.put(t, 2));
        assertThat(statements).isEqualTo(expected);
        for (Tenant t : tenants.subList(1, 4)) {
            assertThat(
                            jdbc.queryForObject(
                                    "select sum(requests) from usage_daily where org_id = ?",
                                    Long.class,
                                    t.org().id))
                    .isEqualTo(4L);
            assertThat(
                            jdbc.queryForObject(
                                    "select count(*) from usage_window where org_id = ?",
                                    Long.class,
                                    t.org().id))
                    .isEqualTo(2L);
        }
    }

    /**
     * A request id stored by another transaction between a group's reads and its insert (here: a
     * trigger that drops the row, as a concurrent insert makes {@code on conflict do nothing} skip
     * it) sends the whole group back to be planned again with the stored rows; when that races too,
     * it is committed org by org. Every report settles once.
     */
    @Test
    void XU17_aRaceInAGroupOfSeveralOrgsSettlesEveryReportOnce() throws Exception {
        List<Tenant> tenants = laneMates(3);
        Tenant holder = tenants.getFirst();
        Tenant raced = tenants.get(1);
        List<Call> calls = new ArrayList<>();
        for (Tenant t : tenants.subList(1, 3)) {
            for (int i = 0; i < 6; i++) {
                calls.add(single(t.org(), cents(t.org(), t.a(), "r" + i, 5), 200));
            }
        }
        Map<String, Double> before = groupMetrics();
        jdbc.execute("create sequence test_skip_twice");
        List<Api.Response> answers;
        try {
            answers =
                    withEventTrigger(
                            """
                            if new.org_id = '%s' and new.request_id = 'r3' then
                              if nextval('test_skip_twice') <= 2 then return null; end if;
                            end if;
                            """
                                    .formatted(raced.org().id),
                            () -> behindHeldLane(holder, calls));
        } finally {
            jdbc.execute("drop sequence test_skip_twice");
        }
        Map<String, Double> after = groupMetrics();
        for (int i = 0; i < calls.size(); i++) {
            assertThat(answers.get(i).status()).as("call %d: %s", i, answers.get(i)).isEqualTo(200);
            assertThat(answers.get(i).body().get("duplicate").asBoolean()).isFalse();
        }
        for (Tenant t : tenants.subList(1, 3)) {
            assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo("0.10");
        }
        // The holder's group; the group of both, rolled back twice (taking every id for new, then
        // with the stored rows); then each of the two on its own.
        assertThat(after.get("count") - before.get("count")).isEqualTo(5.0);
        assertThat(after.get("sum") - before.get("sum")).isEqualTo(7.0);
    }

    @Test
    void EX10_anOrgWhoseWritesFailCostsTheOthersOfItsGroupNothing() throws Exception {
        List<Tenant> tenants = laneMates(4);
        Tenant holder = tenants.getFirst();
        Tenant failing = tenants.get(2);
        List<Call> calls = new ArrayList<>();
        for (Tenant t : tenants.subList(1, tenants.size())) {
            for (int i = 0; i < 8; i++) {
                calls.add(single(t.org(), cents(t.org(), t.a(), "f" + i, 5), 0));
            }
        }
        List<Api.Response> answers =
                withEventTrigger(
                        "if new.org_id = '%s' then raise exception 'refused by the test'; end if;"
                                .formatted(failing.org().id),
                        () -> behindHeldLane(holder, calls));
        for (int i = 0; i < calls.size(); i++) {
            boolean ofFailing = calls.get(i).org() == failing.org();
            assertThat(answers.get(i).status())
                    .as("call %d: %s", i, answers.get(i))
                    .isEqualTo(ofFailing ? 500 : 200);
        }
        for (Tenant t : tenants.subList(1, tenants.size())) {
            String expected = t == failing ? "0.00" : "0.20";
            assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo(expected);
        }
        // Nothing of the failing org was half-written: sent again, each report is fresh.
        for (int i = 0; i < 8; i++) {
            Api.Response again =
                    failing.org()
                            .service
                            .post("/api/v1/usage", cents(failing.org(), failing.a(), "f" + i, 5));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body().get("duplicate").asBoolean()).isFalse();
        }
        assertThat(failing.org().usageOf(failing.a()).text("mtdSpend")).isEqualTo("0.20");
    }

    /** Runs {@code during} with a row trigger on {@code usage_event} whose body is {@code when}. */
    private <T> T withEventTrigger(String when, Callable<T> during) throws Exception {
        jdbc.execute(
                """
                create function test_event_trigger() returns trigger language plpgsql as $$
                begin
                %s
                  return new;
                end $$
                """
                        .formatted(when));
        jdbc.execute(
                "create trigger test_event_trigger before insert on usage_event"
                        + " for each row execute function test_event_trigger()");
        try {
            return during.call();
        } finally {
            jdbc.execute("drop trigger test_event_trigger on usage_event");
            jdbc.execute("drop function test_event_trigger()");
        }
    }

    /**
     * Issue 15: a group's reads go to PostgreSQL in one round trip, the member lock first. A
     * settlement that waited for that lock must read the windows as the lock's holder left them —
     * here another node, which used up the member's 20-cent session window meanwhile — not as they
     * were when the round trip began: else the report would be included a second time and the
     * window's usage overwritten (XU-17).
     */
    @Test
    void XU17_aSettlementThatWaitedForAMemberLockReadsWhatTheHolderCommitted() throws Exception {
        Tenant t = laneMates(1).getFirst();
        try (Connection other = dataSource.getConnection();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> waiting = reportBehindLockOfA(other, threads, t, "late");
            try (PreparedStatement s =
                    other.prepareStatement(
                            "insert into usage_window (org_id, member_id, window_name, started_at,"
                                    + " used_nanos) values (?, ?, 'session', ?, 200000000)")) {
                s.setString(1, t.org().id);
                s.setString(2, t.a());
                s.setTimestamp(3, java.sql.Timestamp.from(T0.minusSeconds(60)));
                s.executeUpdate();
            }
            assertThat(waiting.isDone()).as("the settlement waits for the lock").isFalse();
            other.commit();
            assertThat(waiting.get().status()).isEqualTo(200);
        }
        assertThat(t.org().usageOf(t.a()).text("mtdSpend")).isEqualTo("0.05");
        assertThat(
                        jdbc.queryForObject(
                                "select used_nanos from usage_window where org_id = ?"
                                        + " and member_id = ? and window_name = 'session'",
                                Long.class,
                                t.org().id,
                                t.a()))
                .isEqualTo(200_000_000L);
    }

    /**
     * Makes {@code calls} while {@code holder}'s settlement holds their lane: all of them queue,
     * then go as one group once the holder's member row is let go.
     */
    private List<Api.Response> behindHeldLane(Tenant holder, List<Call> calls) throws Exception {
        try (Connection lock = dataSource.getConnection();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // The holder's settlement holds the lane once its transaction waits for the row lock.
            Future<Api.Response> held = reportBehindLockOfA(lock, threads, holder, "h");
            String lane = holder.org().id;
            List<Future<Api.Response>> pending = new ArrayList<>();
            for (Call call : calls) {
                pending.add(
                        threads.submit(() -> call.org().service.post(call.path(), call.body())));
            }
            awaitTrue(() -> settlements.waitingInLaneOf(lane) == calls.size());
            assertThat(held.isDone()).as("the holder still holds the lane").isFalse();
            lock.commit();
            assertThat(held.get().status()).isEqualTo(200);
            List<Api.Response> answers = new ArrayList<>();
            for (Future<Api.Response> f : pending) {
                answers.add(f.get());
            }
            return answers;
        }
    }

    /**
     * Locks {@code t}'s member a's row in {@code lock}'s transaction, then sends a 5-cent report of
     * a's with {@code requestId}; returns once its settlement waits for that lock (or answered).
     */
    private Future<Api.Response> reportBehindLockOfA(
            Connection lock, ExecutorService threads, Tenant t, String requestId) throws Exception {
        lock.setAutoCommit(false);
        try (PreparedStatement s =
                lock.prepareStatement(
                        "select 1 from member where org_id = ? and id = ? for update")) {
            s.setString(1, t.org().id);
            s.setString(2, t.a());
            s.executeQuery();
        }
        Future<Api.Response> report =
                threads.submit(() ->
                        t.org().service.post("/api/v1/usage", cents(t.org(), t.a(), requestId, 5)));
        awaitTrue(() ->
                report.isDone()
                        || jdbc.queryForObject(
                                        "select count(*) from pg_locks where not granted",
                                        Integer.class)
                                > 0);
        return report;
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("Not reached within 20 s.");
            }
            Thread.sleep(5);
        }
    }

    private static Call single(OrgFixture org, Map<String, Object> body, int status) {
        return new Call(org, "/api/v1/usage", body, status);
    }

    private Map<String, Double> groupMetrics() {
        String text = operator().get("/actuator/prometheus").raw();
        Map<String, Double> values = new HashMap<>();
        Matcher m =
                Pattern.compile("(?m)^headroom_settlement_group_orgs_(count|sum|max) (\\S+)$")
                        .matcher(text);
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        assertThat(values).containsKeys("count", "sum", "max");
        return values;
    }
}
