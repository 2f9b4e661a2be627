package dev.headroom.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.metering.rules.UsageReport;
import dev.headroom.pricing.TokenUsage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One answer's journal row (issue 14, item 9): {@link UsageJournal#write} as the gateway calls it
 * for a lone answer, against the same row written as the journal wrote it before (twelve
 * one-element arrays through {@code unnest}) and against a bare prepared statement, on an embedded
 * PostgreSQL with fsync off so that the disk flush, which every way pays alike, does not hide the
 * difference. {@code bench/jmh.sh JournalWriteBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class JournalWriteBenchmarks {
    private EmbeddedPostgres pg;
    private HikariDataSource pool;
    private JdbcClient jdbc;
    private UsageJournal journal;
    private final AtomicLong ids = new AtomicLong();
    private final Instant at = Instant.parse("2027-05-20T09:00:00Z");

    @Setup(Level.Trial)
    public void start() throws IOException {
        pg =
                EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg.getPostgresDatabase());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        jdbc = JdbcClient.create(pool);
        String migration =
                new String(
                        getClass()
                                .getResourceAsStream("/db/migration/V10__gateway_usage_journal.sql")
                                .readAllBytes(),
                        StandardCharsets.UTF_8);
        // The table and its index; the triggers belong to tables this benchmark has not.
        jdbc.sql(migration.substring(0, migration.indexOf("-- An org's upstream"))).update();
        journal = new UsageJournal(jdbc, null, null, Clock.systemUTC(), Duration.ofMillis(100));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        pool.close();
        pg.close();
    }

    private UsageReport next() {
        return new UsageReport(
                "req_" + ids.incrementAndGet(),
                "org_bench",
                "mem_bench",
                "CLAUDE_CODE",
                "claude-sonnet-4-5",
                at,
                new TokenUsage(1_200, 80, 0, 0, 0, 0, false));
    }

    @Benchmark
    public void journalWrite() {
        journal.write(next());
    }

    /** The same row as a group's statement writes it, as every row was written before. */
    @Benchmark
    public void asArraysBefore() {
        journal.insertTogether(List.of(next()));
    }

    /** The floor: the same row through a bare prepared statement, no Spring, no conversions. */
    @Benchmark
    public int bareStatement() throws java.sql.SQLException {
        try (var c = pool.getConnection();
                var insert =
                        c.prepareStatement(
                                "insert into gateway_usage_journal values ('org_bench', ?,"
                                        + " 'mem_bench', 'CLAUDE_CODE', 'claude-sonnet-4-5', now(),"
                                        + " 1200, 80, 0, 0, 0, 0, now()) on conflict do nothing")) {
            insert.setString(1, "req_" + ids.incrementAndGet());
            return insert.executeUpdate();
        }
    }
}
