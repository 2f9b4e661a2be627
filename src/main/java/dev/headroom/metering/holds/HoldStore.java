package dev.headroom.metering.holds;

import dev.headroom.metering.SpendHold;
import dev.headroom.metering.rules.HoldPolicy;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** EX-1: the live holds of strict orgs in PostgreSQL, shared by every node. */
@Component
public class HoldStore {
    private final JdbcClient jdbc;

    public HoldStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An org's strict-caps settings. */
    public record StrictSettings(boolean strict, Duration ttl, long maxTokensFloor) {}

    public StrictSettings settings(String orgId) {
        return jdbc.sql(
                        "select strict, hold_ttl_seconds, max_tokens_floor from extra_usage_settings where org_id = ?")
                .param(orgId)
                .query((rs, n) ->
                        new StrictSettings(
                                rs.getBoolean(1), Duration.ofSeconds(rs.getInt(2)), rs.getInt(3)))
                .optional()
                .orElse(new StrictSettings(false, Duration.ofMinutes(10), 1_024));
    }

    /**
     * Until the caller's transaction ends, no other transaction on any node takes a hold of this
     * org.
     */
    public void lockOrg(String orgId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('spend_hold:' || ?, 0))")
                .param(orgId)
                .query((rs, n) -> 1)
                .list();
    }

    /** Drops the org's holds that expired by {@code now}; how many. */
    public int dropExpired(String orgId, Instant now) {
        return jdbc.sql("delete from spend_hold where org_id = ? and expires_at <= ?")
                .params(orgId, Timestamp.from(now))
                .update();
    }

    /** The live holds of these request ids, by request id (one statement for a group). */
    public Map<String, SpendHold> findAll(
            String orgId, Collection<String> requestIds, Instant now) {
        Map<String, SpendHold> found = new HashMap<>();
        jdbc.sql(
                        "select request_id, member_id, included_nanos, extra_nanos, max_tokens, expires_at"
                                + " from spend_hold where org_id = ? and request_id = any(?) and expires_at > ?")
                .params(orgId, requestIds.toArray(String[]::new), Timestamp.from(now))
                .query((rs, n) ->
                        found.put(
                                rs.getString(1),
                                new SpendHold(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getLong(3),
                                        rs.getLong(4),
                                        rs.getLong(5),
                                        rs.getTimestamp(6).toInstant())))
                .list();
        return found;
    }

    /**
     * What the org's live holds reserve, per member and in all, in one statement (one snapshot);
     * {@link LiveHolds#add} counts the holds a group takes after it.
     */
    public LiveHolds live(String orgId, Instant now) {
        LiveHolds live = new LiveHolds();
        jdbc.sql(
                        "select member_id, sum(included_nanos), sum(extra_nanos) from spend_hold"
                                + " where org_id = ? and expires_at > ? group by member_id")
                .params(orgId, Timestamp.from(now))
                .query((rs, n) -> {
                    live.add(rs.getString(1), rs.getLong(2), rs.getLong(3));
                    return null;
                })
                .list();
        return live;
    }

    /** Live holds per member and in all, as a group of admissions goes. */
    public static final class LiveHolds {
        private final Map<String, long[]> byMember = new HashMap<>();
        private long orgExtra;

        public HoldPolicy.Held of(String memberId) {
            long[] m = byMember.getOrDefault(memberId, new long[2]);
            return new HoldPolicy.Held(m[0], m[1], orgExtra);
        }

        public void add(SpendHold hold) {
            add(hold.memberId(), hold.includedNanos(), hold.extraNanos());
        }

        private void add(String memberId, long included, long extra) {
            long[] m = byMember.computeIfAbsent(memberId, k -> new long[2]);
            m[0] += included;
            m[1] += extra;
            orgExtra += extra;
        }
    }

    /** The extra spend the org's live holds reserve (shown as "held"). */
    public long orgHeldExtra(String orgId, Instant now) {
        return jdbc.sql(
                        "select coalesce(sum(extra_nanos), 0) from spend_hold where org_id = ? and expires_at > ?")
                .params(orgId, Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    /** The extra spend one member's live holds reserve. */
    public long memberHeldExtra(String orgId, String memberId, Instant now) {
        return jdbc.sql(
                        "select coalesce(sum(extra_nanos), 0) from spend_hold where org_id = ? and member_id = ?"
                                + " and expires_at > ?")
                .params(orgId, memberId, Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    public void insertAll(String orgId, Collection<SpendHold> taken, Instant now) {
        if (taken.isEmpty()) {
            return;
        }
        jdbc.sql(
                        """
                        insert into spend_hold (org_id, request_id, member_id, included_nanos,
                          extra_nanos, max_tokens, created_at, expires_at)
                        select ?, r, m, i, e, x, ?, t
                        from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                                    ?::timestamptz[]) as h(r, m, i, e, x, t)
                        """)
                .params(
                        orgId,
                        Timestamp.from(now),
                        taken.stream().map(SpendHold::requestId).toArray(String[]::new),
                        taken.stream().map(SpendHold::memberId).toArray(String[]::new),
                        taken.stream().map(SpendHold::includedNanos).toArray(Long[]::new),
                        taken.stream().map(SpendHold::extraNanos).toArray(Long[]::new),
                        taken.stream().map(SpendHold::maxTokens).toArray(Long[]::new),
                        taken.stream()
                                .map(h -> Timestamp.from(h.expiresAt()))
                                .toArray(Timestamp[]::new))
                .update();
    }

    /** Releases the holds of these request ids; what each held (live or expired). */
    public Map<String, Long> release(String orgId, Collection<String> requestIds) {
        Map<String, Long> released = new HashMap<>();
        if (requestIds.isEmpty()) {
            return released;
        }
        jdbc.sql(
                        "delete from spend_hold where org_id = ? and request_id = any(?)"
                                + " returning request_id, included_nanos + extra_nanos")
                .params(orgId, requestIds.toArray(String[]::new))
                .query((rs, n) -> released.put(rs.getString(1), rs.getLong(2)))
                .list();
        return released;
    }

    /** Releases every hold of the org (strict caps turned off). */
    public void releaseAll(String orgId) {
        jdbc.sql("delete from spend_hold where org_id = ?").param(orgId).update();
    }
}
