package dev.headroom.support;

import org.springframework.jdbc.core.simple.JdbcClient;

/** What the database says of an org's invoices, for the invariant of issue 17. */
public final class InvoiceFigures {
    private InvoiceFigures() {}

    /** Extra-usage events that no invoice holds. */
    public static long unassignedEvents(JdbcClient jdbc, String orgId) {
        return jdbc.sql(
                        "select count(*) from usage_event e where e.org_id = ? and e.extra_nanos > 0"
                                + " and not exists (select 1 from invoice_event i"
                                + " where i.org_id = e.org_id and i.request_id = e.request_id)")
                .param(orgId)
                .query(Long.class)
                .single();
    }

    /** The exact sum of every invoice line of the org. */
    public static long lineNanos(JdbcClient jdbc, String orgId) {
        return jdbc.sql("select coalesce(sum(exact_nanos), 0) from invoice_line where org_id = ?")
                .param(orgId)
                .query(Long.class)
                .single();
    }
}
