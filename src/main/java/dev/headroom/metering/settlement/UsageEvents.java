package dev.headroom.metering.settlement;

import dev.headroom.core.db.OrgKeys;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementRows.NewEvent;
import dev.headroom.metering.rules.SettlementRows.StoredEvent;
import dev.headroom.metering.rules.UsageReport;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only usage events; {@code (org_id, request_id)} is the idempotency key. */
@Repository
public class UsageEvents {
    private final JdbcClient jdbc;

    public UsageEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The stored events of these request ids, per org: one query for a whole group. */
    public Map<String, Map<String, StoredEvent>> find(Map<String, List<String>> requestIdsByOrg) {
        OrgKeys requests = OrgKeys.of(requestIdsByOrg);
        Map<String, Map<String, StoredEvent>> found = new HashMap<>();
        jdbc.sql(
                        "select e.org_id, e.request_id, e.content_hash, e.cost_nanos, e.included_nanos,"
                                + " e.extra_nanos from usage_event e"
                                + " join unnest(?::text[], ?::text[]) as k(org_id, request_id)"
                                + " on e.org_id = k.org_id and e.request_id = k.request_id")
                .params(requests.orgIds(), requests.keys())
                .query(rs -> {
                    String id = rs.getString(2);
                    found.computeIfAbsent(rs.getString(1), org -> new HashMap<>())
                            .put(
                                    id,
                                    new StoredEvent(
                                            rs.getString(3),
                                            new Settlement(
                                                    id,
                                                    rs.getLong(4),
                                                    rs.getLong(5),
                                                    rs.getLong(6),
                                                    false)));
                });
        return found;
    }

    /**
     * One statement for the events of every org of a group (the columns as arrays, unnested), so
     * PostgreSQL plans and runs one insert instead of one per event or org. Answers {@code false}
     * when a row was already there — stored before, or by a concurrent transaction first — and this
     * transaction must roll back.
     */
    public boolean insertAll(List<PlannedOrg> group) {
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
        if (events.isEmpty()) {
            return true;
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
        int inserted =
                jdbc.sql(
                                """
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
                                """)
                        .params(
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
                                hashes)
                        .update();
        return inserted == n;
    }
}
