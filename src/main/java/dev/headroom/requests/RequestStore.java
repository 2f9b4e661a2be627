package dev.headroom.requests;

import dev.headroom.core.StateChanges;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code extra_usage_request}. */
@Repository
class RequestStore {
    private final JdbcClient jdbc;
    private final StateChanges changes;

    RequestStore(JdbcClient jdbc, StateChanges changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /** Inserts a pending request unless the member has one already (unique partial index). */
    boolean insertPending(ExtraUsageRequest r) {
        changes.memberChanged(r.orgId(), r.memberId());
        return jdbc.sql(
                                """
                                insert into extra_usage_request (org_id, id, member_id, kind, status, requested_at)
                                values (?, ?, ?, ?, 'PENDING', ?) on conflict do nothing
                                """)
                        .params(
                                r.orgId(),
                                r.id(),
                                r.memberId(),
                                r.kind().name(),
                                Timestamp.from(r.requestedAt()))
                        .update()
                == 1;
    }

    Optional<ExtraUsageRequest> pendingOf(String orgId, String memberId) {
        return jdbc.sql(
                        "select * from extra_usage_request where org_id = ? and member_id = ? and status = 'PENDING'")
                .params(orgId, memberId)
                .query((rs, n) -> row(rs))
                .optional();
    }

    Optional<ExtraUsageRequest> lock(String orgId, String id) {
        return jdbc.sql("select * from extra_usage_request where org_id = ? and id = ? for update")
                .params(orgId, id)
                .query((rs, n) -> row(rs))
                .optional();
    }

    /** The end of the latest dismissal's cooling-down, if any. */
    Optional<Instant> lastDismissal(String orgId, String memberId) {
        return jdbc.sql(
                        "select max(decided_at) from extra_usage_request where org_id = ? and member_id = ?"
                                + " and status = 'DISMISSED'")
                .params(orgId, memberId)
                .query((rs, n) -> rs.getTimestamp(1))
                .optional()
                .map(Timestamp::toInstant);
    }

    /** Whether a request is pending, and the latest dismissal, in one round trip. */
    record LinkRow(boolean pending, Instant lastDismissal) {}

    LinkRow linkState(String orgId, String memberId) {
        return jdbc.sql(
                        "select bool_or(status = 'PENDING'), max(decided_at) filter (where status = 'DISMISSED')"
                                + " from extra_usage_request where org_id = ? and member_id = ?")
                .params(orgId, memberId)
                .query((rs, n) -> {
                    Timestamp dismissed = rs.getTimestamp(2);
                    return new LinkRow(
                            rs.getBoolean(1), dismissed == null ? null : dismissed.toInstant());
                })
                .single();
    }

    List<ExtraUsageRequest> list(String orgId, RequestStatus status) {
        if (status == null) {
            return jdbc.sql(
                            "select * from extra_usage_request where org_id = ? order by requested_at, id")
                    .param(orgId)
                    .query((rs, n) -> row(rs))
                    .list();
        }
        return jdbc.sql(
                        "select * from extra_usage_request where org_id = ? and status = ? order by requested_at, id")
                .params(orgId, status.name())
                .query((rs, n) -> row(rs))
                .list();
    }

    /**
     * Requests that were pending at {@code at}: filed before it, decided at or after it or not at
     * all. A digest is taken as the clock reaches its hour, before anything else happens at that
     * instant — so the answer is the same whether the job runs before or after a request filed or
     * decided at that very instant (the million-operation simulation found the difference).
     */
    List<ExtraUsageRequest> pendingAt(String orgId, Instant at) {
        Timestamp t = Timestamp.from(at);
        return jdbc.sql(
                        "select * from extra_usage_request where org_id = ? and requested_at < ?"
                                + " and (status = 'PENDING' or decided_at >= ?) order by requested_at, id")
                .params(orgId, t, t)
                .query((rs, n) -> row(rs))
                .list();
    }

    void decide(
            String orgId,
            String id,
            RequestStatus status,
            Instant at,
            String by,
            ApprovalAction action,
            Long amount) {
        jdbc.sql(
                        "update extra_usage_request set status = ?, decided_at = ?, decided_by = ?, decision = ?,"
                                + " amount_nanos = ? where org_id = ? and id = ? returning member_id")
                .params(
                        status.name(),
                        Timestamp.from(at),
                        by,
                        action == null ? null : action.name(),
                        amount,
                        orgId,
                        id)
                .query(String.class)
                .optional()
                .ifPresent(memberId -> changes.memberChanged(orgId, memberId));
    }

    private static ExtraUsageRequest row(ResultSet rs) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided_at");
        String decision = rs.getString("decision");
        long amount = rs.getLong("amount_nanos");
        Long amountNanos = rs.wasNull() ? null : amount;
        return new ExtraUsageRequest(
                rs.getString("org_id"),
                rs.getString("id"),
                rs.getString("member_id"),
                RequestKind.valueOf(rs.getString("kind")),
                RequestStatus.valueOf(rs.getString("status")),
                rs.getTimestamp("requested_at").toInstant(),
                decided == null ? null : decided.toInstant(),
                rs.getString("decided_by"),
                decision == null ? null : ApprovalAction.valueOf(decision),
                amountNanos);
    }
}
