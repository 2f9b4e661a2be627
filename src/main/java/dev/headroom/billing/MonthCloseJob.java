package dev.headroom.billing;

import dev.headroom.core.BillingPeriod;
import dev.headroom.core.db.JobLeases;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.TestClockAdvanced;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Closes every period that is over, for every org billed in arrears: on a schedule (one node at a
 * time through a lease), and for a test-clock org right after its clock moved (EX-11).
 */
@Component
class MonthCloseJob {
    private static final Logger log = LoggerFactory.getLogger(MonthCloseJob.class);

    private final MonthClose close;
    private final OrgService orgs;
    private final JobLeases leases;
    private final JdbcClient jdbc;

    MonthCloseJob(MonthClose close, OrgService orgs, JobLeases leases, JdbcClient jdbc) {
        this.close = close;
        this.orgs = orgs;
        this.leases = leases;
        this.jdbc = jdbc;
    }

    @Scheduled(fixedDelayString = "${headroom.billing.close-interval:PT1M}")
    void closeDue() {
        if (!leases.tryAcquire("month-close", Duration.ofMinutes(10))) {
            return;
        }
        List<String> orgIds =
                jdbc.sql("select id from org where plan in ('ENTERPRISE_SEAT', 'ENTERPRISE_USAGE')")
                        .query(String.class)
                        .list();
        orgIds.forEach(this::closeFor);
    }

    @TransactionalEventListener
    void onTestClockAdvanced(TestClockAdvanced event) {
        closeFor(event.orgId());
    }

    private void closeFor(String orgId) {
        try {
            Org org = orgs.require(orgId);
            if (!MonthClose.billsInArrears(org.plan())) {
                return;
            }
            BillingPeriod current = BillingPeriod.containing(orgs.now(org), org.timeZone());
            close.closeThrough(orgId, current.month().minusMonths(1));
        } catch (RuntimeException e) {
            log.warn(
                    "Closing the periods of org {} failed; retried on the next run: {}",
                    orgId,
                    e.getMessage());
        }
    }
}
