package dev.headroom.support;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the database says of a member's strict caps, for the invariant of issue 16. */
public final class HoldFigures {
    private HoldFigures() {}

    /**
     * The member's settled extra spend plus their holds live at {@code now}, in one statement (one
     * snapshot), so a settlement releasing a hold is never seen half done.
     */
    public static long settledAndHeld(JdbcClient jdbc, String orgId, String member, Instant now) {
        return jdbc.sql(
                        """
                        select coalesce((select sum(extra_nanos) from spend_hold
                                         where org_id = :org and member_id = :member
                                           and expires_at > :now), 0)
                             + coalesce((select sum(extra_nanos) from member_period_spend
                                         where org_id = :org and member_id = :member), 0)
                        """)
                .param("org", orgId)
                .param("member", member)
                .param("now", Timestamp.from(now))
                .query(Long.class)
                .single();
    }
}
