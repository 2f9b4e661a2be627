package dev.headroom.metering.holds;

import dev.headroom.metering.SpendHold;
import dev.headroom.metering.rules.HoldPolicy;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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

    public Optional<SpendHold> find(String orgId, String requestId, Instant now) {
        return jdbc.sql(
                        "select request_id, member_id, included_nanos, extra_nanos, max_tokens, expires_at"
                                + " from spend_hold where org_id = ? and request_id = ? and expires_at > ?")
                .params(orgId, requestId, Timestamp.from(now))
                .query((rs, n) ->
                        new SpendHold(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getTimestamp(6).toInstant()))
                .optional();
    }

    /**
     * What the org's live holds reserve, in one statement (one snapshot): read before settled
     * spend, a settlement committing in between is counted twice, never not at all.
     */
    public HoldPolicy.Held held(String orgId, String memberId, Instant now) {
        return jdbc.sql(
                        """
                        select coalesce(sum(included_nanos) filter (where member_id = ?), 0),
                               coalesce(sum(extra_nanos) filter (where member_id = ?), 0),
                               coalesce(sum(extra_nanos), 0)
                        from spend_hold where org_id = ? and expires_at > ?
                        """)
                .params(memberId, memberId, orgId, Timestamp.from(now))
                .query((rs, n) -> new HoldPolicy.Held(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
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

    public void insert(String orgId, SpendHold hold, Instant now) {
        jdbc.sql(
                        "insert into spend_hold (org_id, request_id, member_id, included_nanos, extra_nanos,"
                                + " max_tokens, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        orgId,
                        hold.requestId(),
                        hold.memberId(),
                        hold.includedNanos(),
                        hold.extraNanos(),
                        hold.maxTokens(),
                        Timestamp.from(now),
                        Timestamp.from(hold.expiresAt()))
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
