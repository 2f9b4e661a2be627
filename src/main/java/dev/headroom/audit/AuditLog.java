package dev.headroom.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The audit log (EX-7). {@link #record} joins the caller's transaction, so a change and its audit
 * entry are written together or not at all.
 */
@Service
public class AuditLog {
    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(
            String orgId,
            Instant at,
            String actor,
            String action,
            String target,
            Object from,
            Object to) {
        jdbc.sql(
                        "insert into audit_log (org_id, at, actor, action, target, from_value, to_value)"
                                + " values (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        orgId,
                        Timestamp.from(at),
                        actor,
                        action,
                        target,
                        from == null ? null : from.toString(),
                        to == null ? null : to.toString())
                .update();
    }

    public List<AuditEntry> list(String orgId, int limit, int offset) {
        return jdbc.sql(
                        "select at, actor, action, target, from_value, to_value from audit_log"
                                + " where org_id = ? order by seq desc limit ? offset ?")
                .params(orgId, limit, offset)
                .query((rs, n) ->
                        new AuditEntry(
                                rs.getTimestamp(1).toInstant(),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6)))
                .list();
    }

    public long count(String orgId) {
        return jdbc.sql("select count(*) from audit_log where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .single();
    }
}
