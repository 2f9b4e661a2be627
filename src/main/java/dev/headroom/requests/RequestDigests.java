package dev.headroom.requests;

import dev.headroom.core.db.JobLeases;
import dev.headroom.notifications.Email;
import dev.headroom.notifications.EmailOutbox;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Role;
import dev.headroom.organization.TestClockAdvanced;
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * XU-24: one email a day to each admin and above of an org with pending requests, at the configured
 * local hour. "One" is a unique row per (org, admin, local date) written in the same transaction as
 * the email's outbox entry, so restarts, late runs and several nodes cannot send a second; a
 * per-org cursor remembers the last date handled. Test-clock orgs catch up every day their clock
 * skipped; real-clock orgs get only the latest due digest after an outage.
 */
@Service
public class RequestDigests {
    private static final Logger log = LoggerFactory.getLogger(RequestDigests.class);

    private final JdbcClient jdbc;
    private final RequestStore store;
    private final OrgService orgs;
    private final MemberService members;
    private final EmailOutbox outbox;
    private final JobLeases leases;
    private final TransactionTemplate tx;
    private final RequestsProperties properties;

    public RequestDigests(
            JdbcClient jdbc,
            RequestStore store,
            OrgService orgs,
            MemberService members,
            EmailOutbox outbox,
            JobLeases leases,
            org.springframework.transaction.PlatformTransactionManager transactions,
            RequestsProperties properties) {
        this.jdbc = jdbc;
        this.store = store;
        this.orgs = orgs;
        this.members = members;
        this.outbox = outbox;
        this.leases = leases;
        // A new transaction also when called after another one's commit (test-clock advance).
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${headroom.requests.digest-interval:PT1M}")
    public void runDue() {
        if (!leases.tryAcquire("request-digests", Duration.ofMinutes(5))) {
            return;
        }
        List<String> orgIds =
                jdbc.sql("select distinct org_id from extra_usage_request")
                        .query(String.class)
                        .list();
        for (String orgId : orgIds) {
            try {
                runFor(orgId);
            } catch (RuntimeException e) {
                log.warn(
                        "Digest of org {} failed; retried on the next run: {}",
                        orgId,
                        e.getMessage());
            }
        }
    }

    @TransactionalEventListener
    void onTestClockAdvanced(TestClockAdvanced event) {
        runFor(event.orgId());
    }

    /** Sends what is due for one org; returns how many digests were enqueued. */
    public int runFor(String orgId) {
        return tx.execute(status -> {
            Org org = orgs.require(orgId);
            Instant now = orgs.now(org);
            ZonedDateTime local = now.atZone(org.timeZone());
            LocalDate due =
                    local.getHour() >= properties.digestHour()
                            ? local.toLocalDate()
                            : local.toLocalDate().minusDays(1);
            LocalDate last = lockCursor(orgId, firstDay(org).minusDays(1));
            LocalDate from =
                    org.testClock()
                            ? last.plusDays(1)
                            : (last.isBefore(due) ? due : last.plusDays(1));
            int sent = 0;
            for (LocalDate date = from; !date.isAfter(due); date = date.plusDays(1)) {
                sent += digest(org, date);
            }
            if (due.isAfter(last)) {
                jdbc.sql("update request_digest_cursor set last_local_date = ? where org_id = ?")
                        .params(Date.valueOf(due), orgId)
                        .update();
            }
            return sent;
        });
    }

    private int digest(Org org, LocalDate date) {
        Instant at = date.atTime(properties.digestHour(), 0).atZone(org.timeZone()).toInstant();
        List<ExtraUsageRequest> pending = store.pendingAt(org.id(), at);
        if (pending.isEmpty()) {
            return 0;
        }
        Map<String, Member> requesters =
                pending.stream()
                        .map(r -> members.require(org.id(), r.memberId()))
                        .collect(Collectors.toMap(Member::id, m -> m, (a, b) -> a));
        List<Map<String, Object>> rows =
                pending.stream()
                        .map(r ->
                                Map.<String, Object>of(
                                        "name", requesters.get(r.memberId()).name(),
                                        "email", requesters.get(r.memberId()).email(),
                                        "seat",
                                                String.valueOf(
                                                        requesters.get(r.memberId()).seatType()),
                                        "kind",
                                                r.kind() == RequestKind.SEAT_UPGRADE
                                                        ? "Premium seat"
                                                        : "Extra usage",
                                        "requestedAt", r.requestedAt().toString()))
                        .toList();
        int sent = 0;
        for (Member admin : members.search(org.id(), null, false, 10_000, 0)) {
            if (!admin.role().atLeast(Role.ADMIN)) {
                continue;
            }
            boolean first =
                    jdbc.sql(
                                            "insert into request_digest (org_id, member_id, local_date) values (?, ?, ?)"
                                                    + " on conflict do nothing")
                                    .params(org.id(), admin.id(), Date.valueOf(date))
                                    .update()
                            == 1;
            if (first) {
                outbox.enqueue(
                        new Email(
                                org.id(),
                                admin.email(),
                                pending.size()
                                        + " pending request"
                                        + (pending.size() == 1 ? "" : "s")
                                        + " for extra usage in "
                                        + org.name(),
                                "request-digest",
                                Map.of(
                                        "name",
                                        admin.name(),
                                        "org",
                                        org.name(),
                                        "date",
                                        date.toString(),
                                        "requests",
                                        rows),
                                "request-digest:" + org.id() + ":" + admin.id() + ":" + date));
                sent++;
            }
        }
        return sent;
    }

    /** The local date of the org's first request: no digest can be due before it. */
    private LocalDate firstDay(Org org) {
        return jdbc.sql("select min(requested_at) from extra_usage_request where org_id = ?")
                .param(org.id())
                .query((rs, n) -> rs.getTimestamp(1))
                .optional()
                .map(t -> t.toInstant().atZone(org.timeZone()).toLocalDate())
                .orElse(orgs.now(org).atZone(org.timeZone()).toLocalDate());
    }

    /** Locks the org's cursor row (creating it at {@code initial}) and returns its date. */
    private LocalDate lockCursor(String orgId, LocalDate initial) {
        jdbc.sql(
                        "insert into request_digest_cursor (org_id, last_local_date) values (?, ?) on conflict do nothing")
                .params(orgId, Date.valueOf(initial))
                .update();
        return jdbc.sql(
                        "select last_local_date from request_digest_cursor where org_id = ? for update")
                .param(orgId)
                .query((rs, n) -> rs.getDate(1).toLocalDate())
                .single();
    }
}
