package dev.headroom.metering;

import static dev.headroom.metering.SeveralNodesTest.haikuAdmission;
import static dev.headroom.metering.SeveralNodesTest.haikuReport;
import static dev.headroom.metering.SeveralNodesTest.seatOrg;
import static dev.headroom.metering.SeveralNodesTest.standardMember;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.db.StateNotifications;
import dev.headroom.metering.admission.AdmissionCache;
import dev.headroom.support.Api;
import dev.headroom.support.HeadroomProcess;
import dev.headroom.support.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 15: three nodes on one external PostgreSQL, each answering from memory (the default). A
 * write answered by one node is seen by the next request on every other node — no waiting, no
 * retry: the writer answered only once the others had acknowledged it (XU-18, EX-12, EX-2). A node
 * that cannot acknowledge (its notification connection cut, or killed) never answers from stale
 * state and holds the others' writes no longer than its lease.
 */
class AcknowledgedInvalidationTest {
    static EmbeddedPostgres postgres;
    static List<ConfigurableApplicationContext> nodes;
    static List<Api> apis;
    static JdbcClient jdbc;

    @BeforeAll
    static void startNodes() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        nodes = List.of(node(url), node(url), node(url));
        apis = nodes.stream().map(SeveralNodesTest::operatorOf).toList();
        jdbc = JdbcClient.create(nodes.getFirst().getBean(DataSource.class));
    }

    static ConfigurableApplicationContext node(String url) {
        return SeveralNodesTest.node(url);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (ConfigurableApplicationContext node : nodes) {
            node.close();
        }
        postgres.close();
    }

    @Test
    void issue15_everyNodeAnswersFromMemoryAndSeesEachAcknowledgedWriteAtOnce() {
        for (ConfigurableApplicationContext node : nodes) {
            assertThat(
                            jdbc.sql(
                                            "select count(*) from node_lease where node_id = ? and lease_until > now()")
                                    .param(node.getBean(StateNotifications.class).nodeId())
                                    .query(Long.class)
                                    .single())
                    .as("each node holds a live lease")
                    .isOne();
        }
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        ExtraOnly m = extraOnlyMember("Acknowledged", t0);
        String orgId = m.orgId();
        String member = m.member();
        String limit = m.limit();
        Map<String, Object> admission = haikuAdmission(orgId, member);
        Random random = new Random(15);
        java.util.ArrayDeque<Long> hitsBefore = new java.util.ArrayDeque<>();
        nodes.forEach(n -> hitsBefore.add(n.getBean(AdmissionCache.class).hits()));
        long spentMicros = 0;
        for (int round = 0; round < 150; round++) {
            // Every node reads the state first, so each has it in memory.
            for (Api api : apis) {
                api.post("/api/v1/admissions", admission);
            }
            Api writer = apis.get(random.nextInt(3));
            boolean settle = round % 3 == 0;
            String expected;
            if (settle) {
                // 0.10 of extra usage through one node: with a cap at the spend, the next request
                // on any node is denied.
                Map<String, Object> report =
                        haikuReport("ack-" + round, orgId, member, t0, 100_000);
                assertThat(writer.post("/api/v1/usage", report).status()).isEqualTo(200);
                spentMicros += 100_000;
                writer.put(limit, Map.of("amount", money(spentMicros)));
                expected = "MEMBER_CAP_REACHED";
            } else if (random.nextBoolean()) {
                writer.put(limit, Map.of("amount", money(spentMicros + 50_000)));
                expected = "ALLOWED_EXTRA";
            } else {
                writer.put(limit, Map.of("amount", money(spentMicros)));
                expected = "MEMBER_CAP_REACHED";
            }
            for (Api api : apis) {
                Api.Response answer = api.post("/api/v1/admissions", admission);
                String seen =
                        answer.text("decision").equals("DENIED")
                                ? answer.text("reason")
                                : answer.text("decision");
                assertThat(seen)
                        .as("round %d, right after the write's answer", round)
                        .isEqualTo(expected);
            }
        }
        for (ConfigurableApplicationContext node : nodes) {
            assertThat(node.getBean(AdmissionCache.class).hits() - hitsBefore.removeFirst())
                    .as("parts answered from memory")
                    .isGreaterThan(60);
        }
    }

    @Test
    void issue14_anAnnouncementNamesTheTransactionThatCommittedIt() {
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        String orgId = seatOrg(apis.get(0), "Announced", t0);
        String member = standardMember(apis.get(0), orgId, "announced@example.com", "Announced");
        java.util.Queue<Long> heard = new java.util.concurrent.ConcurrentLinkedQueue<>();
        nodes.get(2)
                .getBean(dev.headroom.core.StateChanges.class)
                .register(
                        new dev.headroom.core.StateChanges.Listener() {
                            @Override
                            public void orgChanged(String o) {}

                            @Override
                            public void memberChanged(String o, String m) {}

                            @Override
                            public void memberCommitted(String o, String m, long xid) {
                                if (o.equals(orgId) && m.equals(member)) {
                                    heard.add(xid);
                                }
                            }
                        });
        String before = jdbc.sql("select pg_current_snapshot()::text").query(String.class).single();
        Api.Response settled =
                apis.get(0)
                        .post(
                                "/api/v1/usage",
                                haikuReport("announced-1", orgId, member, t0, 1_000));
        assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
        String after = jdbc.sql("select pg_current_snapshot()::text").query(String.class).single();
        // Node 0 answered only once node 2 had acknowledged: its announcement has been heard.
        assertThat(heard).as("the settlement's announcement, heard on another node").hasSize(1);
        long xid = heard.peek();
        assertThat(dev.headroom.core.db.DbSnapshot.parse(before).sees(xid))
                .as("a load before the settlement did not see it")
                .isFalse();
        assertThat(dev.headroom.core.db.DbSnapshot.parse(after).sees(xid))
                .as("a load after it did")
                .isTrue();
    }

    @Test
    void EX2_aPricePutThroughOneNodePricesTheNextUsageOnTheOthers() {
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        String orgId = seatOrg(apis.get(0), "Prices", t0);
        String member = standardMember(apis.get(0), orgId, "price@example.com", "Price");
        for (int round = 0; round < 10; round++) {
            String model = "headroom-node-model-" + round;
            Map<String, Object> price = new HashMap<>();
            price.put("effectiveFrom", "2020-01-01T00:00:00Z");
            price.put("inputPerMTok", round + ".00");
            price.put("outputPerMTok", "10.00");
            price.put("cacheWrite5mPerMTok", "1.25");
            price.put("cacheWrite1hPerMTok", "2.00");
            price.put("cacheReadPerMTok", "0.10");
            Api.Response put = apis.get(round % 3).put("/api/v1/prices/" + model, price);
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            Map<String, Object> report =
                    new HashMap<>(haikuReport("price-" + round, orgId, member, t0, 1_000_000));
            report.put("model", model);
            Api.Response settled = apis.get((round + 1) % 3).post("/api/v1/usage", report);
            assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
            assertThat(settled.text("cost")).isEqualTo(round + ".00");
        }
    }

    @Test
    void issue15_aNodeWhoseNotificationConnectionIsCutDoesNotAdmitFromStaleState()
            throws Exception {
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        ExtraOnly m = extraOnlyMember("Cut", t0);
        String orgId = m.orgId();
        String member = m.member();
        String limit = m.limit();
        Map<String, Object> admission = haikuAdmission(orgId, member);
        String cutNode = nodes.get(2).getBean(StateNotifications.class).nodeId();
        for (int round = 0; round < 5; round++) {
            apis.get(0).put(limit, Map.of("amount", "1.00"));
            assertThat(apis.get(2).post("/api/v1/admissions", admission).text("decision"))
                    .isEqualTo("ALLOWED_EXTRA");
            assertThat(
                            jdbc.sql(
                                            "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                                                    + " where application_name = ?")
                                    .param("headroom-listener-" + cutNode)
                                    .query(Long.class)
                                    .single())
                    .isEqualTo(1);
            long started = System.nanoTime();
            apis.get(0).put(limit, Map.of("amount", "0"));
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(apis.get(2).post("/api/v1/admissions", admission).text("reason"))
                    .as("the cut node, right after the write's answer")
                    .isEqualTo("MEMBER_CAP_REACHED");
            System.out.printf("issue15 cut connection: the write waited %d ms%n", waitedMs);
            assertThat(waitedMs)
                    .as("no longer than the node's lease, with slack")
                    .isLessThan(8_000);
        }
    }

    @Test
    void issue15_aKilledNodeHoldsTheOthersWritesNoLongerThanItsLease() throws Exception {
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        String orgId = seatOrg(apis.get(0), "Killed", t0);
        String member = standardMember(apis.get(0), orgId, "killed@example.com", "Killed");
        String limit = "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit";
        try (HeadroomProcess fourth =
                new HeadroomProcess(
                        "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--headroom.secret-key=" + IntegrationTest.SECRET_KEY)) {
            fourth.start();
            assertThat(
                            jdbc.sql("select count(*) from node_lease where lease_until > now()")
                                    .query(Long.class)
                                    .single())
                    .isEqualTo(4);
            fourth.kill(false);
            long started = System.nanoTime();
            assertThat(apis.get(0).put(limit, Map.of("amount", "3.00")).status()).isEqualTo(200);
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("issue15 killed node: the write waited %d ms%n", waitedMs);
            assertThat(waitedMs).as("the lease is 2 s").isLessThan(8_000);
            // Once its lease has lapsed, nobody waits for it any more.
            long again = System.nanoTime();
            assertThat(apis.get(1).put(limit, Map.of("amount", "4.00")).status()).isEqualTo(200);
            assertThat((System.nanoTime() - again) / 1_000_000).isLessThan(1_000);
        }
    }

    /**
     * A settlement announces its counter rows from its own statement, with their triggers off for
     * its transaction (V16); any other write to them — here an operator's edit by hand — is still
     * announced by the triggers, so no node goes on admitting from the counters it kept.
     */
    @Test
    void issue15_aCounterEditedByHandIsStillAnnouncedToEveryNode() throws Exception {
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        ExtraOnly m = extraOnlyMember("Handedit", t0);
        Map<String, Object> admission = haikuAdmission(m.orgId(), m.member());
        assertThat(
                        apis.get(0)
                                .post(
                                        "/api/v1/usage",
                                        haikuReport("hand-1", m.orgId(), m.member(), t0, 100_000))
                                .status())
                .isEqualTo(200);
        apis.get(1).put(m.limit(), Map.of("amount", money(200_000)));
        for (Api api : apis) {
            assertThat(api.post("/api/v1/admissions", admission).text("decision"))
                    .as("0.10 spent of 0.20")
                    .isEqualTo("ALLOWED_EXTRA");
        }
        assertThat(
                        jdbc.sql(
                                        "update member_period_spend set extra_nanos = extra_nanos + 100000000"
                                                + " where org_id = ? and member_id = ?")
                                .params(m.orgId(), m.member())
                                .update())
                .isOne();
        for (Api api : apis) {
            SeveralNodesTest.awaitTrue(() ->
                    "MEMBER_CAP_REACHED"
                            .equals(api.post("/api/v1/admissions", admission).text("reason")));
        }
    }

    record ExtraOnly(String orgId, String member, String limit) {}

    /** A member with no included usage in an org with extra usage on: their limit alone decides. */
    private static ExtraOnly extraOnlyMember(String orgName, Instant t0) {
        String orgId = seatOrg(apis.get(0), orgName, t0);
        String member =
                standardMember(apis.get(0), orgId, orgName.toLowerCase() + "@example.com", orgName);
        SeveralNodesTest.standardSession(apis.get(0), orgId, "0");
        apis.get(0).put("/api/v1/orgs/" + orgId + "/extra-usage", Map.of("enabled", true));
        return new ExtraOnly(
                orgId, member, "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit");
    }

    private static String money(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).setScale(2).toPlainString();
    }
}
