package dev.headroom.metering.settlement;

import dev.headroom.core.Invariant;
import dev.headroom.core.db.OrgKeys;
import dev.headroom.metering.rules.SettlementRows.DailyKey;
import dev.headroom.metering.rules.SettlementRows.DailySum;
import dev.headroom.metering.rules.SettlementRows.MemberPeriod;
import dev.headroom.metering.rules.SettlementRows.NewEvent;
import dev.headroom.metering.rules.SettlementRows.SpendDelta;
import dev.headroom.metering.rules.UsageReport;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The rows of a settlement group, every table in one statement and one round trip (issue 15): the
 * events, then — only if every event was new — the daily sums, the windows, the members' and the
 * orgs' spend. On a busy node a group's time was mostly its round trips to PostgreSQL, each a wait
 * for two processes to be scheduled (BENCHMARKS.md), and a group made ten of them.
 *
 * <p>The events go first: every other part waits for the count of new events, so a group whose
 * request id was stored concurrently writes nothing else and takes no row lock beyond the events' —
 * as when the parts were statements of their own, so two groups racing on a request id still cannot
 * deadlock on an org's spend row. The orgs' spend rows are written in org id order, the group's
 * lock order.
 *
 * <p>The statement announces the member and org rows it wrote on {@code headroom_state}, as their
 * triggers would (V16): the settlement's transaction turns those triggers off for itself ({@link
 * SettlementReads}): a PL/pgSQL call per row was about a fifth of PostgreSQL's time per report.
 */
@Repository
public class GroupWrite {
    private static final String SQL =
            """
            with new_event as (
              insert into usage_event (org_id, request_id, member_id, seat_type, product, model,
                occurred_at, period, received_at, input_tokens, output_tokens,
                cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
                web_search_requests, batch, cost_nanos, included_nanos, extra_nanos, content_hash)
              select e.org_id, e.request_id, e.member_id, e.seat_type, e.product, e.model,
                e.occurred_at, e.period, e.received_at, e.input_tokens, e.output_tokens,
                e.cache_write_5m_tokens, e.cache_write_1h_tokens, e.cache_read_tokens,
                e.web_search_requests, e.batch, e.cost_nanos, e.included_nanos, e.extra_nanos,
                e.content_hash
              from unnest(?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::timestamptz[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::text[])
                as e(org_id, received_at, request_id, member_id, seat_type, product, model, occurred_at, period,
                input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
                cache_read_tokens, web_search_requests, batch, cost_nanos, included_nanos,
                extra_nanos, content_hash)
              on conflict (org_id, request_id) do nothing
              returning 1),
            all_new as (select count(*) = ? as yes from new_event),
            daily as (
              insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests,
                included_nanos, extra_nanos, input_tokens, output_tokens, cache_write_5m_tokens,
                cache_write_1h_tokens, cache_read_tokens, web_search_requests)
              select * from unnest(?::text[], ?::date[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::bigint[])
              where (select yes from all_new)
              on conflict (org_id, day, member_id, seat_type, product, model) do update set
                requests = usage_daily.requests + excluded.requests,
                included_nanos = usage_daily.included_nanos + excluded.included_nanos,
                extra_nanos = usage_daily.extra_nanos + excluded.extra_nanos,
                input_tokens = usage_daily.input_tokens + excluded.input_tokens,
                output_tokens = usage_daily.output_tokens + excluded.output_tokens,
                cache_write_5m_tokens = usage_daily.cache_write_5m_tokens + excluded.cache_write_5m_tokens,
                cache_write_1h_tokens = usage_daily.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
                cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,
                web_search_requests = usage_daily.web_search_requests + excluded.web_search_requests
              returning 1),
            saved_window as (
              insert into usage_window (org_id, member_id, window_name, started_at, used_nanos)
              select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[])
              where (select yes from all_new)
              on conflict (org_id, member_id, window_name)
              do update set started_at = excluded.started_at, used_nanos = excluded.used_nanos
              returning org_id, member_id),
            member_spend as (
              insert into member_period_spend (org_id, member_id, period, included_nanos, extra_nanos)
              select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])
              where (select yes from all_new)
              on conflict (org_id, member_id, period) do update set
                included_nanos = member_period_spend.included_nanos + excluded.included_nanos,
                extra_nanos = member_period_spend.extra_nanos + excluded.extra_nanos
              returning org_id, member_id, period, extra_nanos),
            org_spend as (
              insert into org_period_spend (org_id, period, included_nanos, extra_nanos)
              select * from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])
              where (select yes from all_new)
              on conflict (org_id, period) do update set
                included_nanos = org_period_spend.included_nanos + excluded.included_nanos,
                extra_nanos = org_period_spend.extra_nanos + excluded.extra_nanos
              returning org_id, period, extra_nanos),
            announced as (
              select count(pg_notify('headroom_state', change)) as changes from (
                select 'M:' || pg_current_xact_id() || ':' || org_id || ':' || member_id as change
                  from (select org_id, member_id from saved_window
                    union select org_id, member_id from member_spend) m
                union select 'O:' || pg_current_xact_id() || ':' || org_id from org_spend) c)
            select 'group' as kind, null::text as org_id, null::text as member_id, null::text as period,
              (select count(*) from new_event) as amount, (select count(*) from daily) as daily,
              (select count(*) from saved_window) as windows, pg_current_xact_id()::text::bigint as xid,
              (select changes from announced) as announced
            union all
            select 'member', org_id, member_id, period, extra_nanos, null, null, null, null from member_spend
            union all
            select 'org', org_id, null, period, extra_nanos, null, null, null, null from org_spend
            """;

    private final JdbcClient jdbc;

    public GroupWrite(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What a group's statement left: each member's and org's extra spend per period after it, per
     * org, and the transaction that wrote them, as the announcements of its writes name it.
     */
    public record Written(
            Map<String, Map<MemberPeriod, Long>> memberExtra,
            Map<String, Map<String, Long>> orgExtra,
            long xid) {}

    /**
     * Writes the group's rows; empty, having written no more than events, when one of its request
     * ids was already stored — before, or by a concurrent transaction first — and this transaction
     * must roll back. The group's plans all have events.
     */
    public Optional<Written> apply(List<PlannedOrg> group) {
        List<Object> params = new ArrayList<>();
        int events = addEvents(group, params);
        params.add(events);
        int sums = addDaily(group, params);
        int windows = addWindows(group, params);
        int memberDeltas = addMemberSpend(group, params);
        int orgDeltas = addOrgSpend(group, params);
        Map<String, Map<MemberPeriod, Long>> memberExtra = new HashMap<>();
        Map<String, Map<String, Long>> orgExtra = new HashMap<>();
        group.forEach(o -> {
            memberExtra.put(o.orgId(), new HashMap<>());
            orgExtra.put(o.orgId(), new HashMap<>());
        });
        long[] counts = new long[5];
        int[] rows = new int[2];
        jdbc.sql(SQL)
                .params(params)
                .query(rs -> {
                    switch (rs.getString(1)) {
                        case "group" -> {
                            counts[0] = rs.getLong(5);
                            counts[1] = rs.getLong(6);
                            counts[2] = rs.getLong(7);
                            counts[3] = rs.getLong(8);
                            counts[4] = rs.getLong(9);
                        }
                        case "member" -> {
                            rows[0]++;
                            memberExtra
                                    .get(rs.getString(2))
                                    .put(
                                            new MemberPeriod(rs.getString(3), rs.getString(4)),
                                            rs.getLong(5));
                        }
                        default -> {
                            rows[1]++;
                            orgExtra.get(rs.getString(2)).put(rs.getString(4), rs.getLong(5));
                        }
                    }
                });
        if (counts[0] != events) {
            return Optional.empty();
        }
        Invariant.holds(counts[1] == sums, "a daily row per sum given");
        Invariant.holds(counts[2] == windows, "a window row per window given");
        Invariant.holds(rows[0] == memberDeltas, "a member spend row per delta given");
        Invariant.holds(rows[1] == orgDeltas, "an org spend row per delta given");
        Invariant.holds(
                counts[4] > 0 || windows + memberDeltas + orgDeltas == 0,
                "the written rows announced to every node");
        return Optional.of(new Written(memberExtra, orgExtra, counts[3]));
    }

    /** The events' columns; returns how many events. */
    private static int addEvents(List<PlannedOrg> group, List<Object> params) {
        List<NewEvent> events = new ArrayList<>();
        List<String> orgIdOfEach = new ArrayList<>();
        List<Timestamp> receivedAtOfEach = new ArrayList<>();
        for (PlannedOrg o : group) {
            Timestamp receivedAt = Timestamp.from(o.now());
            for (NewEvent e : o.plan().events()) {
                events.add(e);
                orgIdOfEach.add(o.orgId());
                receivedAtOfEach.add(receivedAt);
            }
        }
        int n = events.size();
        String[] requestIds = new String[n];
        String[] memberIds = new String[n];
        String[] seatTypes = new String[n];
        String[] products = new String[n];
        String[] models = new String[n];
        String[] occurredAt = new String[n];
        String[] periods = new String[n];
        long[][] numbers = new long[9][n];
        boolean[] batches = new boolean[n];
        String[] hashes = new String[n];
        for (int i = 0; i < n; i++) {
            NewEvent e = events.get(i);
            UsageReport r = e.report();
            requestIds[i] = r.requestId();
            memberIds[i] = r.memberId();
            seatTypes[i] = e.seatType() == null ? null : e.seatType().name();
            products[i] = r.product();
            models[i] = e.canonicalModel();
            occurredAt[i] = r.timestamp().toString();
            periods[i] = e.period();
            numbers[0][i] = r.usage().inputTokens();
            numbers[1][i] = r.usage().outputTokens();
            numbers[2][i] = r.usage().cacheWrite5mTokens();
            numbers[3][i] = r.usage().cacheWrite1hTokens();
            numbers[4][i] = r.usage().cacheReadTokens();
            numbers[5][i] = r.usage().webSearchRequests();
            numbers[6][i] = e.settlement().costNanos();
            numbers[7][i] = e.settlement().includedNanos();
            numbers[8][i] = e.settlement().extraNanos();
            batches[i] = r.usage().batch();
            hashes[i] = e.contentHash();
        }
        params.addAll(
                List.of(
                        orgIdOfEach.toArray(String[]::new),
                        receivedAtOfEach.toArray(Timestamp[]::new),
                        requestIds,
                        memberIds,
                        seatTypes,
                        products,
                        models,
                        occurredAt,
                        periods,
                        numbers[0],
                        numbers[1],
                        numbers[2],
                        numbers[3],
                        numbers[4],
                        numbers[5],
                        batches,
                        numbers[6],
                        numbers[7],
                        numbers[8],
                        hashes));
        return n;
    }

    /** The daily sums' columns (requests, included, extra, six token counts); how many sums. */
    private static int addDaily(List<PlannedOrg> group, List<Object> params) {
        List<String> orgIds = new ArrayList<>();
        List<DailyKey> keys = new ArrayList<>();
        List<DailySum> sums = new ArrayList<>();
        group.forEach(o ->
                o.plan()
                        .daily()
                        .forEach((k, v) -> {
                            orgIds.add(o.orgId());
                            keys.add(k);
                            sums.add(v);
                        }));
        params.addAll(
                List.of(
                        orgIds.toArray(String[]::new),
                        keys.stream().map(k -> k.day().toString()).toArray(String[]::new),
                        keys.stream().map(DailyKey::memberId).toArray(String[]::new),
                        keys.stream().map(DailyKey::seatType).toArray(String[]::new),
                        keys.stream().map(DailyKey::product).toArray(String[]::new),
                        keys.stream().map(DailyKey::model).toArray(String[]::new),
                        sums.stream().mapToLong(DailySum::requests).toArray(),
                        sums.stream().mapToLong(DailySum::includedNanos).toArray(),
                        sums.stream().mapToLong(DailySum::extraNanos).toArray(),
                        sums.stream().mapToLong(DailySum::inputTokens).toArray(),
                        sums.stream().mapToLong(DailySum::outputTokens).toArray(),
                        sums.stream().mapToLong(DailySum::cacheWrite5mTokens).toArray(),
                        sums.stream().mapToLong(DailySum::cacheWrite1hTokens).toArray(),
                        sums.stream().mapToLong(DailySum::cacheReadTokens).toArray(),
                        sums.stream().mapToLong(DailySum::webSearchRequests).toArray()));
        return sums.size();
    }

    /** The columns of the windows every plan charged; how many windows. */
    private static int addWindows(List<PlannedOrg> group, List<Object> params) {
        OrgKeys members = new OrgKeys();
        List<String> names = new ArrayList<>();
        List<Timestamp> startedAt = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        group.forEach(o ->
                o.plan()
                        .windowWrites()
                        .forEach((memberId, windows) ->
                                windows.forEach(w -> {
                                    members.add(o.orgId(), memberId);
                                    names.add(w.name());
                                    startedAt.add(Timestamp.from(w.startedAt()));
                                    used.add(w.usedNanos());
                                })));
        params.addAll(
                List.of(
                        members.orgIds(),
                        members.keys(),
                        names.toArray(String[]::new),
                        startedAt.toArray(Timestamp[]::new),
                        used.stream().mapToLong(Long::longValue).toArray()));
        return names.size();
    }

    /** The columns of what to add to the members' spend; how many rows. */
    private static int addMemberSpend(List<PlannedOrg> group, List<Object> params) {
        OrgKeys members = new OrgKeys();
        List<String> periods = new ArrayList<>();
        List<SpendDelta> deltas = new ArrayList<>();
        group.forEach(o ->
                o.plan()
                        .memberSpend()
                        .forEach((key, delta) -> {
                            members.add(o.orgId(), key.memberId());
                            periods.add(key.period());
                            deltas.add(delta);
                        }));
        params.addAll(
                List.of(
                        members.orgIds(),
                        members.keys(),
                        periods.toArray(String[]::new),
                        deltas.stream().mapToLong(SpendDelta::includedNanos).toArray(),
                        deltas.stream().mapToLong(SpendDelta::extraNanos).toArray()));
        return deltas.size();
    }

    /**
     * The columns of what to add to the orgs' spend, in the group's order (org id, its lock order)
     * and then by period; how many rows.
     */
    private static int addOrgSpend(List<PlannedOrg> group, List<Object> params) {
        OrgKeys periods = new OrgKeys();
        List<SpendDelta> deltas = new ArrayList<>();
        group.forEach(o ->
                new TreeMap<>(o.plan().orgSpend())
                        .forEach((period, delta) -> {
                            periods.add(o.orgId(), period);
                            deltas.add(delta);
                        }));
        params.addAll(
                List.of(
                        periods.orgIds(),
                        periods.keys(),
                        deltas.stream().mapToLong(SpendDelta::includedNanos).toArray(),
                        deltas.stream().mapToLong(SpendDelta::extraNanos).toArray()));
        return deltas.size();
    }
}
