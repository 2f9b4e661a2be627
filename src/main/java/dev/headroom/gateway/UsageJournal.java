package dev.headroom.gateway;

import dev.headroom.core.GroupCommit;
import dev.headroom.metering.AdmissionService;
import dev.headroom.metering.SettlementOutcome;
import dev.headroom.metering.SettlementService;
import dev.headroom.metering.rules.SettlementRefusal;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.pricing.TokenUsage;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The gateway's usage on its way to settlement (EX-4). A served answer's usage is written here in
 * one statement, committed before the answer's last bytes go out, so a crash cannot leave a served
 * request unbilled (the rows of concurrent answers go in one statement and one commit, {@link
 * GroupCommit}); it is then settled off the answer's path through metering's idempotent settlement.
 * What a crash or a database failure left behind is settled when Headroom starts (before it serves)
 * and by a sweep every {@code headroom.gateway.journal-sweep-interval}.
 *
 * <p>Answers are settled together: what was recorded within {@code headroom.gateway.settle-delay}
 * of the first one is handed to settlement in one call, which settles them in one transaction per
 * settlement lane — not one per answer, which on a busy node cost every request more than the rest
 * of the gateway did, nor on a thread per answer, whose wake-ups took the cores the answers needed
 * (issue 14, BENCHMARKS.md). The settlements bring this node's admission state up to date with
 * their own figures, so the members' next requests read nothing. Until its settlement commits the
 * request is still in flight in XU-18's sense: the member's next request may be admitted before its
 * cost counts.
 */
@Component
public class UsageJournal implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(UsageJournal.class);
    // Settlements running after their answers; past this, the answering thread settles itself, so
    // a slow database slows the gateway down instead of piling up work in memory.
    static final int IN_FLIGHT_MAX = 1_024;
    // Rows younger than this are left to the settlement that is running for them.
    static final Duration SWEEP_AGE = Duration.ofSeconds(30);
    static final int SWEEP_ROWS_MAX = 1_000;
    // A batch handed to settlement at once; past it the rest waits for the next one.
    static final int BATCH_MAX = 256;
    // The most rows one insert writes; past it the rest go in the next.
    static final int ROWS_PER_WRITE_MAX = 256;

    private final JdbcClient jdbc;
    private final SettlementService settlements;
    private final AdmissionService admissions;
    private final Clock clock;
    // A permit per report recorded and not yet settled; the queue holds at most as many.
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
    private final BlockingQueue<UsageReport> waiting = new ArrayBlockingQueue<>(IN_FLIGHT_MAX);
    // Concurrent answers' rows share one insert and one commit (and its fsync).
    private final GroupCommit<Row> rows = new GroupCommit<>(ROWS_PER_WRITE_MAX);
    private final Duration settleDelay;
    private volatile boolean started;
    private Thread batcher;

    public UsageJournal(
            JdbcClient jdbc,
            SettlementService settlements,
            AdmissionService admissions,
            Clock clock,
            @Value("${headroom.gateway.settle-delay:PT0.1S}") Duration settleDelay) {
        if (settleDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "headroom.gateway.settle-delay must not be negative");
        }
        this.jdbc = jdbc;
        this.settlements = settlements;
        this.admissions = admissions;
        this.clock = clock;
        this.settleDelay = settleDelay;
    }

    /** Durable when this returns; settled within about the settle delay. */
    public void record(UsageReport report) {
        write(report);
        if (!started || !inFlight.tryAcquire()) {
            // Full (a slow database slows the gateway down instead of piling up work in memory),
            // or not running: settled here (or, failing that, by the sweep or the next start).
            settleAll(List.of(report));
            return;
        }
        // Never full here: a report leaves the queue before its permit is given back.
        waiting.add(report);
    }

    /** Hands what was recorded to settlement a batch at a time, each after the settle delay. */
    private void batches() {
        List<UsageReport> batch = new ArrayList<>();
        while (started || !waiting.isEmpty()) {
            try {
                UsageReport first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // A full batch goes at once: the delay gathers answers, it never caps throughput.
                if (started && settleDelay.isPositive() && waiting.size() < BATCH_MAX - 1) {
                    Thread.sleep(settleDelay);
                }
            } catch (InterruptedException stopping) {
                // Stopping: what is queued is settled below before the thread ends.
            }
            waiting.drainTo(batch, BATCH_MAX - batch.size());
            try {
                settleAll(batch);
            } finally {
                inFlight.release(batch.size());
                batch.clear();
            }
        }
    }

    /**
     * Settles the reports at once, each on its own (one refusal refuses only its own) but in one
     * call, so that a lane's reports go in one group commit from this thread; then reads each
     * member's admission state once, off the answers' path: from memory where the settlements
     * brought it up to date, else loaded, so that their next admissions find it there.
     */
    private void settleAll(List<UsageReport> reports) {
        try {
            List<SettlementOutcome> outcomes = settlements.settleEachReplayable(reports);
            for (int i = 0; i < reports.size(); i++) {
                keepRefusal(reports.get(i), outcomes.get(i));
            }
        } catch (RuntimeException failed) {
            log.warn(
                    "Usage of {} gateway requests is kept for the next sweep: {}",
                    reports.size(),
                    failed.toString());
        }
        Set<List<String>> members = new LinkedHashSet<>();
        reports.forEach(r -> members.add(List.of(r.orgId(), r.memberId())));
        members.forEach(m -> {
            try {
                admissions.current(m.get(0), m.get(1));
            } catch (RuntimeException gone) {
                // The member or org is gone: nothing to keep in memory.
            }
        });
    }

    /** Waits until every settlement started here has ended; {@code false} if it took longer. */
    public boolean awaitSettled(Duration atMost) throws InterruptedException {
        if (!inFlight.tryAcquire(IN_FLIGHT_MAX, atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        inFlight.release(IN_FLIGHT_MAX);
        return true;
    }

    /**
     * Before serving (this phase starts before the web server's) and after every bean is ready, the
     * price book loaded: whatever the last run answered but did not settle.
     */
    @Override
    public void start() {
        int settled = sweep(clock.instant().plusSeconds(1));
        if (settled > 0) {
            log.info("Settled {} gateway usage reports left by the last run.", settled);
        }
        started = true;
        batcher = Thread.ofPlatform().name("gateway-settlement").daemon().start(this::batches);
    }

    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Lets running settlements finish; what does not is settled at the next start. */
    @Override
    public void stop() {
        started = false;
        if (batcher != null) {
            batcher.interrupt();
            try {
                batcher.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Scheduled(fixedDelayString = "${headroom.gateway.journal-sweep-interval:PT30S}")
    void sweepOld() {
        sweep(clock.instant().minus(SWEEP_AGE));
    }

    /** Drops settled rows recorded before {@code before} and settles the others; how many. */
    int sweep(Instant before) {
        jdbc.sql(
                        """
                        delete from gateway_usage_journal j where j.recorded_at < ? and exists
                          (select 1 from usage_event e
                           where e.org_id = j.org_id and e.request_id = j.request_id)
                        """)
                .param(Timestamp.from(before))
                .update();
        List<UsageReport> unsettled =
                jdbc.sql(
                                """
                                select * from gateway_usage_journal
                                where recorded_at < ? and refusal is null
                                order by recorded_at limit ?
                                """)
                        .params(Timestamp.from(before), SWEEP_ROWS_MAX)
                        .query((rs, n) ->
                                new UsageReport(
                                        rs.getString("request_id"),
                                        rs.getString("org_id"),
                                        rs.getString("member_id"),
                                        rs.getString("product"),
                                        rs.getString("model"),
                                        rs.getTimestamp("occurred_at").toInstant(),
                                        new TokenUsage(
                                                rs.getLong("input_tokens"),
                                                rs.getLong("output_tokens"),
                                                rs.getLong("cache_write_5m_tokens"),
                                                rs.getLong("cache_write_1h_tokens"),
                                                rs.getLong("cache_read_tokens"),
                                                rs.getLong("web_search_requests"),
                                                false)))
                        .list();
        if (!unsettled.isEmpty()) {
            settleAll(unsettled);
        }
        return unsettled.size();
    }

    /** The durable part of {@link #record} alone (and, in tests, a crash right after it). */
    void write(UsageReport report) {
        Row row = new Row(report, new CompletableFuture<>());
        rows.submit("journal", row, this::writeTogether);
        try {
            row.answer().join();
        } catch (CompletionException failed) {
            throw failed.getCause() instanceof RuntimeException e ? e : failed;
        }
    }

    /** A report on its way into the journal, and where its answering thread waits for it. */
    private record Row(UsageReport report, CompletableFuture<Void> answer)
            implements GroupCommit.Item<Void> {}

    /**
     * The rows of concurrent answers in one statement and one commit. Should that fail, each row is
     * tried alone, so a row the database refuses fails its own answer and no other.
     */
    private void writeTogether(List<Row> group) {
        try {
            insert(group.stream().map(Row::report).toList());
            group.forEach(r -> r.answer().complete(null));
        } catch (RuntimeException failed) {
            if (group.size() == 1) {
                group.getFirst().answer().completeExceptionally(failed);
                return;
            }
            for (Row r : group) {
                try {
                    insert(List.of(r.report()));
                    r.answer().complete(null);
                } catch (RuntimeException alone) {
                    r.answer().completeExceptionally(alone);
                }
            }
        }
    }

    private void insert(List<UsageReport> reports) {
        if (reports.size() == 1) {
            insertOne(reports.getFirst());
        } else {
            insertTogether(reports);
        }
    }

    /** The rows of a group in one statement, each column bound as an array. */
    void insertTogether(List<UsageReport> reports) {
        int n = reports.size();
        String[] orgIds = new String[n];
        String[] requestIds = new String[n];
        String[] memberIds = new String[n];
        String[] products = new String[n];
        String[] models = new String[n];
        Timestamp[] occurredAt = new Timestamp[n];
        long[][] tokens = new long[6][n];
        for (int i = 0; i < n; i++) {
            UsageReport r = reports.get(i);
            TokenUsage u = r.usage();
            orgIds[i] = r.orgId();
            requestIds[i] = r.requestId();
            memberIds[i] = r.memberId();
            products[i] = r.product();
            models[i] = r.model();
            occurredAt[i] = Timestamp.from(r.timestamp());
            tokens[0][i] = u.inputTokens();
            tokens[1][i] = u.outputTokens();
            tokens[2][i] = u.cacheWrite5mTokens();
            tokens[3][i] = u.cacheWrite1hTokens();
            tokens[4][i] = u.cacheReadTokens();
            tokens[5][i] = u.webSearchRequests();
        }
        jdbc.sql(
                        """
                        insert into gateway_usage_journal (org_id, request_id, member_id, product,
                          model, occurred_at, input_tokens, output_tokens, cache_write_5m_tokens,
                          cache_write_1h_tokens, cache_read_tokens, web_search_requests, recorded_at)
                        select r.*, ? from unnest(?::text[], ?::text[], ?::text[], ?::text[],
                          ?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[],
                          ?::bigint[], ?::bigint[], ?::bigint[]) as r
                        on conflict (org_id, request_id) do nothing
                        """)
                .params(
                        Timestamp.from(clock.instant()),
                        orgIds,
                        requestIds,
                        memberIds,
                        products,
                        models,
                        occurredAt,
                        tokens[0],
                        tokens[1],
                        tokens[2],
                        tokens[3],
                        tokens[4],
                        tokens[5])
                .update();
    }

    /**
     * A lone row (every answer of a quiet node) as plain values: binding twelve one-element arrays
     * was a third of the journal's own CPU in the answering thread (issue 14, BENCHMARKS.md).
     */
    private void insertOne(UsageReport r) {
        TokenUsage u = r.usage();
        jdbc.sql(
                        """
                        insert into gateway_usage_journal (org_id, request_id, member_id, product,
                          model, occurred_at, input_tokens, output_tokens, cache_write_5m_tokens,
                          cache_write_1h_tokens, cache_read_tokens, web_search_requests, recorded_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (org_id, request_id) do nothing
                        """)
                .params(
                        r.orgId(),
                        r.requestId(),
                        r.memberId(),
                        r.product(),
                        r.model(),
                        Timestamp.from(r.timestamp()),
                        u.inputTokens(),
                        u.outputTokens(),
                        u.cacheWrite5mTokens(),
                        u.cacheWrite1hTokens(),
                        u.cacheReadTokens(),
                        u.webSearchRequests(),
                        Timestamp.from(clock.instant()))
                .update();
    }

    /**
     * A refusal other than a concurrent settlement of the same id is final (the member left, the
     * model lost its price): logged, and kept on the row, which is not tried again.
     */
    private void keepRefusal(UsageReport report, SettlementOutcome outcome) {
        if (outcome instanceof SettlementOutcome.Refused refused
                && refused.refusal().kind() != SettlementRefusal.Kind.CONCURRENT) {
            log.warn(
                    "Usage of gateway request {} was not settled: {}",
                    report.requestId(),
                    refused.refusal().message());
            jdbc.sql(
                            "update gateway_usage_journal set refusal = ?"
                                    + " where org_id = ? and request_id = ?")
                    .params(refused.refusal().message(), report.orgId(), report.requestId())
                    .update();
        }
    }
}
