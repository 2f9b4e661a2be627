package dev.headroom.metering;

import dev.headroom.organization.SeatType;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only usage events; {@code (org_id, request_id)} is the idempotency key. */
@Repository
class UsageEvents {
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    UsageEvents(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    record Stored(String contentHash, Settlement settlement) {}

    record NewEvent(
            UsageReport report,
            String canonicalModel,
            SeatType seatType,
            String period,
            String contentHash,
            Settlement settlement) {}

    /** Thrown when a concurrent transaction stored one of the request ids first. */
    static final class ConcurrentInsert extends RuntimeException {
        ConcurrentInsert() {
            super(null, null, false, false);
        }
    }

    Map<String, Stored> find(String orgId, List<String> requestIds) {
        Map<String, Stored> found = new HashMap<>();
        jdbc.sql(
                        "select request_id, content_hash, cost_nanos, included_nanos, extra_nanos"
                                + " from usage_event where org_id = ? and request_id = any(?)")
                .params(orgId, requestIds.toArray(String[]::new))
                .query(rs -> {
                    String id = rs.getString(1);
                    found.put(
                            id,
                            new Stored(
                                    rs.getString(2),
                                    new Settlement(
                                            id,
                                            rs.getLong(3),
                                            rs.getLong(4),
                                            rs.getLong(5),
                                            false)));
                });
        return found;
    }

    /** One pipelined JDBC batch for all events; a row already there means a concurrent insert. */
    void insertAll(String orgId, List<NewEvent> events, Instant receivedAt) {
        if (events.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            UsageReport r = e.report();
            rows.add(
                    new Object[] {
                        orgId,
                        r.requestId(),
                        r.memberId(),
                        e.seatType() == null ? null : e.seatType().name(),
                        r.product(),
                        e.canonicalModel(),
                        Timestamp.from(r.timestamp()),
                        e.period(),
                        Timestamp.from(receivedAt),
                        r.usage().inputTokens(),
                        r.usage().outputTokens(),
                        r.usage().cacheWrite5mTokens(),
                        r.usage().cacheWrite1hTokens(),
                        r.usage().cacheReadTokens(),
                        r.usage().webSearchRequests(),
                        r.usage().batch(),
                        e.settlement().costNanos(),
                        e.settlement().includedNanos(),
                        e.settlement().extraNanos(),
                        e.contentHash()
                    });
        }
        int[] inserted =
                batch.batchUpdate(
                        """
                        insert into usage_event (org_id, request_id, member_id, seat_type, product, model,
                          occurred_at, period, received_at, input_tokens, output_tokens,
                          cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
                          web_search_requests, batch, cost_nanos, included_nanos, extra_nanos, content_hash)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (org_id, request_id) do nothing
                        """,
                        rows);
        for (int count : inserted) {
            if (count == 0) {
                throw new ConcurrentInsert();
            }
        }
    }
}
