package dev.headroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.HeadroomApplication;
import dev.headroom.support.Api;
import dev.headroom.support.ConsoleSession;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 8's size check: "Organisation settings > Usage" of an org with 10,000 members, each with
 * month-to-date spend, rendered by the packaged server on an embedded PostgreSQL. Times a signed-in
 * owner's whole page (first page of the member list), a search through the live-results fragment,
 * and a page deep in the list, over loopback HTTP (so server time plus one round trip).
 *
 * <p>Not part of {@code ./test.sh}; run with {@code bench/console.sh}. Results go to {@code
 * target/bench/console.txt} and are copied into BENCHMARKS.md by hand.
 */
class ConsoleMemberListBenchmark {
    static final int MEMBERS = 10_000;
    static final int ROUNDS = 50;
    static final String PASSWORD = "benchmark-password";

    @Test
    void memberListOfTenThousandMembers() throws IOException {
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
            String base = "http://localhost:" + port;
            Api operator = new Api(base, "bench-operator");
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
                                            "2027-02-10T00:00:00Z"))
                            .text("id");
            Api.Response owner =
                    operator.post(
                            "/api/v1/orgs/" + org + "/members",
                            Map.of(
                                    "email", "owner@bench.example",
                                    "name", "Bench Owner",
                                    "role", "OWNER",
                                    "seatType", "PREMIUM"));
            assertThat(owner.status()).isEqualTo(201);
            assertThat(
                            operator.put(
                                            "/api/v1/orgs/"
                                                    + org
                                                    + "/members/"
                                                    + owner.text("id")
                                                    + "/console-password",
                                            Map.of("password", PASSWORD))
                                    .status())
                    .isEqualTo(204);
            JdbcClient jdbc = JdbcClient.create(app.getBean(DataSource.class));
            jdbc.sql(
                            "insert into member (org_id, id, email, name, role, seat_type, spend_limit_nanos, created_at)"
                                    + " select ?, 'mem_' || g, 'm' || g || '@bench.example', 'Member ' || g, 'MEMBER',"
                                    + " case when g % 4 = 0 then 'PREMIUM' else 'STANDARD' end,"
                                    + " case when g % 3 = 0 then g * 1000000000::bigint end, now()"
                                    + " from generate_series(1, ?) g")
                    .params(org, MEMBERS - 1)
                    .update();
            jdbc.sql(
                            "insert into member_period_spend (org_id, member_id, period, included_nanos, extra_nanos)"
                                    + " select ?, 'mem_' || g, '2027-02', 5000000000, g * 12345678::bigint"
                                    + " from generate_series(1, ?) g")
                    .params(org, MEMBERS - 1)
                    .update();
            jdbc.sql("analyze").update();

            ConsoleSession session =
                    new ConsoleSession(base).signIn("owner@bench.example", PASSWORD);
            List<String> out = new ArrayList<>();
            out.add(
                    "date: "
                            + Instant.now().toString().substring(0, 10)
                            + ", cores: "
                            + Runtime.getRuntime().availableProcessors()
                            + ", java "
                            + Runtime.version()
                            + ", org of "
                            + MEMBERS
                            + " members with MTD spend, "
                            + ROUNDS
                            + " rounds after 10 warm-up requests");
            out.add(
                    time(
                            "whole page, first 20 members",
                            () -> session.get("/console/settings/usage"),
                            "Member 1"));
            out.add(
                    time(
                            "search 'member 99' (fragment)",
                            () -> session.get("/console/settings/usage/members?q=member+99"),
                            "Member 99"));
            out.add(
                    time(
                            "whole page, page 400 of 500",
                            () -> session.get("/console/settings/usage?page=399"),
                            "Page 400 of 500"));
            Path result = Path.of("target/bench/console.txt");
            Files.createDirectories(result.getParent());
            Files.write(result, out);
            out.forEach(System.out::println);
        }
    }

    private static String time(
            String what, Supplier<HttpResponse<String>> request, String expected) {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> warm = request.get();
            assertThat(warm.statusCode()).isEqualTo(200);
            assertThat(warm.body()).contains(expected);
        }
        long[] micros = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            assertThat(request.get().statusCode()).isEqualTo(200);
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(micros);
        return String.format(
                "%-32s p50=%6.1f ms  p95=%6.1f ms  max=%6.1f ms",
                what,
                micros[ROUNDS / 2] / 1000.0,
                micros[(int) (ROUNDS * 0.95) - 1] / 1000.0,
                micros[ROUNDS - 1] / 1000.0);
    }
}
