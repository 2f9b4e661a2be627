package dev.headroom.billing;

import dev.headroom.core.ApiException;
import dev.headroom.core.Money;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reads invoices and their lines. */
@Service
public class Invoices {
    private final JdbcClient jdbc;
    private final OrgService orgs;

    public Invoices(JdbcClient jdbc, OrgService orgs) {
        this.jdbc = jdbc;
        this.orgs = orgs;
    }

    public List<Invoice> list(String orgId) {
        requireArrears(orgId);
        return jdbc.sql("select * from invoice where org_id = ? order by period desc")
                .param(orgId)
                .query((rs, n) ->
                        new Invoice(
                                rs.getString("org_id"),
                                rs.getString("id"),
                                rs.getString("period"),
                                rs.getString("status"),
                                rs.getString("currency"),
                                Money.ofNanos(rs.getLong("total_nanos")),
                                rs.getTimestamp("cutoff").toInstant(),
                                rs.getTimestamp("closed_at").toInstant(),
                                List.of()))
                .list();
    }

    public Invoice require(String orgId, String id) {
        requireArrears(orgId);
        Invoice head =
                list(orgId).stream()
                        .filter(i -> i.id().equals(id))
                        .findFirst()
                        .orElseThrow(() ->
                                ApiException.notFound("Invoice '" + id + "' does not exist."));
        List<Invoice.Line> lines =
                jdbc.sql(
                                """
                                select l.member_id, m.name, l.product, l.model, l.prior_period, l.exact_nanos, l.amount_nanos
                                from invoice_line l join member m on m.org_id = l.org_id and m.id = l.member_id
                                where l.org_id = ? and l.invoice_id = ? order by l.line_no
                                """)
                        .params(orgId, id)
                        .query((rs, n) ->
                                new Invoice.Line(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        Money.ofNanos(rs.getLong(6)),
                                        Money.ofNanos(rs.getLong(7))))
                        .list();
        return new Invoice(
                head.orgId(),
                head.id(),
                head.period(),
                head.status(),
                head.currency(),
                head.total(),
                head.cutoff(),
                head.closedAt(),
                lines);
    }

    private void requireArrears(String orgId) {
        Org org = orgs.require(orgId);
        if (!MonthClose.billsInArrears(org.plan())) {
            throw ApiException.planNotSupported(
                    "TEAM orgs prepay: see their receipts (GET /credits/purchases), not invoices.");
        }
    }
}
