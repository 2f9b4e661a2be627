package dev.headroom.core.db;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Database leases for scheduled jobs: when several Headroom nodes run, one at a time holds a job.
 * Correctness never depends on the lease (jobs are idempotent through unique keys); it keeps nodes
 * from doing the same work twice.
 */
@Component
public class JobLeases {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();

    public JobLeases(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Takes or renews the lease of {@code job}; false while another node holds it. */
    public boolean tryAcquire(String job, Duration length) {
        Timestamp now = Timestamp.from(clock.instant());
        Timestamp until = Timestamp.from(clock.instant().plus(length));
        return jdbc.sql(
                                """
                                insert into job_lease (name, holder, held_until) values (?, ?, ?)
                                on conflict (name) do update set holder = excluded.holder, held_until = excluded.held_until
                                where job_lease.held_until < ? or job_lease.holder = excluded.holder
                                """)
                        .params(job, holder, until, now)
                        .update()
                == 1;
    }
}
