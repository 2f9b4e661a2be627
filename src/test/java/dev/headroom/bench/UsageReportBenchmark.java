package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.HeadroomApplication;
import dev.headroom.support.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * EX-3 at size: an Enterprise org with 10,000 members and a month of 10,000,000 usage events, as
 * the daily aggregates hold them (the events themselves are not stored for this run: settlement
 * writes both, and reports read only the aggregates). Measures {@code GET /usage} over real HTTP
 * for every grouping, on an embedded PostgreSQL with fsync on.
 *
 * <p>Not part of {@code ./test.sh}; run with {@code bench/usage-report.sh}. Results go to {@code
 * target/bench/usage-report.txt} and are copied into BENCHMARKS.md by hand.
 */
class UsageReportBenchmark {
    static final int MEMBERS = 10_000;
    static final long EVENTS = 10_000_000;
    static final int ROUNDS = 20;

    @Test
    void usageReportOverAMonthOfTenMillionEvents() throws IOException {
        Path data = Files.createTempDirectory("headroom-bench");
        try (ConfigurableApplicationContext app =
                new SpringApplicationBuilder(HeadroomApplication.class)
                        .run(
                                "--server.port=0",
                                "--headroom.data-dir=" + data,
                                "--headroom.demo.enabled=false",
                                "--headroom.operator-key=bench-operator",
                                "--logging.level.root=WARN")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            Api operator = new Api("http://localhost:" + port, "bench-operator");
            String org =
                    operator.post(
                                    "/api/v1/orgs",
                                    Map.of(
                                            "name",
                                            "Bench",
                                            "plan",
                                            "ENTERPRISE_SEAT",
                                            "testClock",
                                            true,
                                            "testClockStart",
                                            "2027-02-01T00:00:00Z"))
                            .text("id");
            JdbcClient jdbc = JdbcClient.create(app.getBean(DataSource.class));
            long seedStart = System.nanoTime();
            seed(jdbc, org);
            long seedMillis = (System.nanoTime() - seedStart) / 1_000_000;
            long rows =
                    jdbc.sql("select count(*) from usage_daily where org_id = ?")
                            .param(org)
                            .query(Long.class)
                            .single();
            long events =
                    jdbc.sql("select sum(requests) from usage_daily where org_id = ?")
                            .param(org)
                            .query(Long.class)
                            .single();
            assertThat(events).isEqualTo(EVENTS);

            List<String> out = new ArrayList<>();
            out.add(
                    "date: "
                            + Instant.now().toString().substring(0, 10)
                            + ", cores: "
                            + Runtime.getRuntime().availableProcessors()
                            + ", java "
                            + Runtime.version());
            out.add(
                    "org: "
                            + MEMBERS
                            + " members, "
                            + events
                            + " events in 2027-01 as "
                            + rows
                            + " daily aggregate rows (seeded in "
                            + seedMillis
                            + " ms)");
            for (String groupBy : List.of("day", "member", "seatType", "product", "model")) {
                String path =
                        "/api/v1/orgs/"
                                + org
                                + "/usage?from=2027-01-01&to=2027-01-31&groupBy="
                                + groupBy;
                Api.Response warm = operator.get(path);
                assertThat(warm.status()).isEqualTo(200);
                long[] millis = new long[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    long start = System.nanoTime();
                    assertThat(operator.get(path).status()).isEqualTo(200);
                    millis[i] = (System.nanoTime() - start) / 1_000_000;
                }
                Arrays.sort(millis);
                out.add(
                        String.format(
                                "groupBy=%-8s items=%5d  p50=%4d ms  p95=%4d ms  max=%4d ms",
                                groupBy,
                                warm.body().get("items").size(),
                                millis[ROUNDS / 2],
                                millis[(int) (ROUNDS * 0.95) - 1],
                                millis[ROUNDS - 1]));
            }
            Path result = Path.of("target/bench/usage-report.txt");
            Files.createDirectories(result.getParent());
            Files.write(result, out);
            out.forEach(System.out::println);
        }
    }

    /**
     * Each member uses one to three (product, model) pairs a day; the 10M events are spread over
     * those rows so that the aggregates sum to exactly {@link #EVENTS}.
     */
    private static void seed(JdbcClient jdbc, String org) {
        jdbc.sql(
                        "insert into member (org_id, id, email, name, role, seat_type, created_at)"
                                + " select ?, 'mem_' || g, 'm' || g || '@bench.example', 'Member ' || g, 'MEMBER',"
                                + " case when g % 4 = 0 then 'PREMIUM' else 'STANDARD' end, now() from generate_series(1, ?) g")
                .params(org, MEMBERS)
                .update();
        jdbc.sql(
                        """
                        insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests, included_nanos,
                          extra_nanos, input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
                          cache_read_tokens, web_search_requests)
                        select ?, date '2027-01-01' + d, 'mem_' || m, case when m % 4 = 0 then 'PREMIUM' else 'STANDARD' end,
                               (array['CLAUDE', 'CLAUDE_CODE', 'COWORK'])[1 + (m + d + k) % 3],
                               (array['claude-sonnet-4-5', 'claude-opus-4-5', 'claude-haiku-4-5', 'claude-3-5-haiku'])[1 + (m * 7 + d + k) % 4],
                               0, 1000000, 2000000, 4000, 1000, 100, 0, 2000, 0
                        from generate_series(1, ?) m, generate_series(0, 30) d, generate_series(0, 2) k
                        where k <= (m + d) % 3
                        on conflict do nothing
                        """)
                .params(org, MEMBERS)
                .update();
        long rows =
                jdbc.sql("select count(*) from usage_daily where org_id = ?")
                        .param(org)
                        .query(Long.class)
                        .single();
        long each = EVENTS / rows;
        long rest = EVENTS - each * rows;
        jdbc.sql(
                        "update usage_daily set requests = ? + case when ctid in (select ctid from usage_daily where org_id = ?"
                                + " order by ctid limit ?) then 1 else 0 end where org_id = ?")
                .params(each, org, rest, org)
                .update();
        jdbc.sql("analyze usage_daily").update();
    }
}
