package dev.headroom.metering.settlement;

import dev.headroom.core.db.OrgKeys;
import dev.headroom.core.db.RoundTrip;
import dev.headroom.metering.rules.Settlement;
import dev.headroom.metering.rules.SettlementRows.StoredEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Repository;

/**
 * Reads of the append-only usage events; {@code (org_id, request_id)} is the idempotency key
 * ({@link GroupWrite} inserts them).
 */
@Repository
public class UsageEvents {
    /** The query of the stored events of these request ids, per org, for a whole group. */
    public RoundTrip.Query<Map<String, Map<String, StoredEvent>>> stored(
            Map<String, List<String>> requestIdsByOrg) {
        OrgKeys requests = OrgKeys.of(requestIdsByOrg);
        return new RoundTrip.Query<>(
                // A lookup by key per request id, whatever the group's size (SettlementReads).
                "select e.org_id, e.request_id, e.content_hash, e.cost_nanos, e.included_nanos,"
                        + " e.extra_nanos from unnest(?::text[], ?::text[]) as k(org_id, request_id)"
                        + " cross join lateral (select * from usage_event u where u.org_id = k.org_id"
                        + " and u.request_id = k.request_id offset 0) e",
                rs -> {
                    Map<String, Map<String, StoredEvent>> found = new HashMap<>();
                    while (rs.next()) {
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
                    }
                    return found;
                },
                requests.orgIds(),
                requests.keys());
    }
}
