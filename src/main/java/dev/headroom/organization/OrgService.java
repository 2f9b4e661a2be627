package dev.headroom.organization;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.OrgScopedCache;
import dev.headroom.core.StateChanges;
import dev.headroom.core.Text;
import dev.headroom.core.db.StateCaching;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates and reads organisations, and moves their test clocks (EX-11). */
@Service
public class OrgService {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final StateChanges changes;
    private final OrgScopedCache<Org> cache;

    public OrgService(
            JdbcClient jdbc,
            Clock clock,
            ApplicationEventPublisher events,
            AuditLog audit,
            StateChanges changes,
            StateCaching.Policy caching) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
        this.audit = audit;
        this.changes = changes;
        this.cache =
                new OrgScopedCache<>(
                        OrgScopedCache.Source.ORG_ROW,
                        caching.enabled(),
                        caching.trustedFromStart(),
                        changes::fresh);
        changes.register(cache);
    }

    public record NewOrg(
            String name,
            Plan plan,
            String currency,
            String timeZone,
            boolean testClock,
            Instant testClockStart) {}

    @Transactional
    public Org create(NewOrg request) {
        Text.requireName("name", request.name(), 200);
        if (request.plan() == null) {
            throw ApiException.validation(
                    "plan is required: TEAM, ENTERPRISE_SEAT or ENTERPRISE_USAGE.");
        }
        String currency = request.currency() == null ? "USD" : request.currency();
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(
                    "currency must be an ISO 4217 code such as USD, got '" + currency + "'.");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(request.timeZone() == null ? "UTC" : request.timeZone());
        } catch (DateTimeException e) {
            throw ApiException.validation(
                    "timeZone must be an IANA time zone such as Europe/Berlin, got '"
                            + request.timeZone()
                            + "'.");
        }
        if (request.testClockStart() != null && !request.testClock()) {
            throw ApiException.validation("testClockStart needs testClock: true.");
        }
        Instant testNow =
                request.testClock()
                        ? (request.testClockStart() != null
                                ? request.testClockStart()
                                : clock.instant().truncatedTo(ChronoUnit.SECONDS))
                        : null;
        Org org =
                new Org(
                        Ids.newId("org"),
                        request.name().trim(),
                        request.plan(),
                        currency,
                        zone,
                        request.testClock(),
                        testNow,
                        false);
        jdbc.sql(
                        "insert into org (id, name, plan, currency, time_zone, test_clock, test_clock_now,"
                                + " created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        org.id(),
                        org.name(),
                        org.plan().name(),
                        org.currency(),
                        zone.getId(),
                        org.testClock(),
                        testNow == null ? null : Timestamp.from(testNow),
                        Timestamp.from(clock.instant()))
                .update();
        // Drops, after commit or rollback, what a read in this transaction may have kept.
        changes.orgRowChanged(org.id());
        events.publishEvent(new OrgCreated(org));
        return org;
    }

    /** The org, from memory while that is exact (issue 15): the hot path reads it per request. */
    public Optional<Org> find(String orgId) {
        return Optional.ofNullable(cache.get(orgId, () -> load(orgId).orElse(null)));
    }

    private Optional<Org> load(String orgId) {
        return jdbc.sql("select * from org where id = ?")
                .param(orgId)
                .query((rs, n) -> OrgRows.org(rs))
                .optional();
    }

    public Org require(String orgId) {
        return find(orgId)
                .orElseThrow(() ->
                        ApiException.notFound("Organisation '" + orgId + "' does not exist."));
    }

    public Instant now(Org org) {
        return org.now(clock);
    }

    /**
     * Moves a test clock forward. Everything Headroom derives from time (windows, periods) is
     * computed from the org's clock when read, so it is due the moment this returns.
     */
    @Transactional
    public Org advanceTestClock(String orgId, Instant to, String actor) {
        Org org = lockOrg(orgId);
        if (!org.testClock()) {
            throw ApiException.validation(
                    "Organisation '" + orgId + "' was not created with a test clock.");
        }
        if (to == null) {
            throw ApiException.validation("to is required: the instant to move the clock to.");
        }
        if (to.isBefore(org.testClockNow())) {
            throw ApiException.validation(
                    "A test clock only moves forward: it is at "
                            + org.testClockNow()
                            + ", got "
                            + to
                            + ".");
        }
        jdbc.sql("update org set test_clock_now = ? where id = ?")
                .params(Timestamp.from(to), orgId)
                .update();
        changes.orgRowChanged(orgId);
        audit.record(orgId, to, actor, "test_clock.advance", orgId, org.testClockNow(), to);
        events.publishEvent(new TestClockAdvanced(orgId, org.testClockNow(), to));
        return lockOrg(orgId);
    }

    @Transactional
    public Org setSuspended(String orgId, boolean suspended, String actor) {
        Org org = lockOrg(orgId);
        jdbc.sql("update org set suspended = ? where id = ?").params(suspended, orgId).update();
        changes.orgRowChanged(orgId);
        audit.record(orgId, now(org), actor, "org.suspended", orgId, org.suspended(), suspended);
        return lockOrg(orgId);
    }

    private Org lockOrg(String orgId) {
        return jdbc.sql("select * from org where id = ? for update")
                .param(orgId)
                .query((rs, n) -> OrgRows.org(rs))
                .optional()
                .orElseThrow(() ->
                        ApiException.notFound("Organisation '" + orgId + "' does not exist."));
    }
}
