package dev.headroom.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.headroom.gateway.StandInUpstream;
import dev.headroom.requests.RequestDigests;
import dev.headroom.support.Api;
import dev.headroom.support.HeadroomNodes;
import dev.headroom.support.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Three Headroom nodes on one external PostgreSQL (given by {@code spring.datasource.url}, so no
 * embedded server is started by either): a request id sent to all three counts once, and a cap
 * reached through one node denies on the other (XU-17, XU-18).
 */
class SeveralNodesTest {
    static EmbeddedPostgres postgres;
    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;
    static ConfigurableApplicationContext nodeC;
    // Started with the cache switched on explicitly; since issue 15 every node keeps state in
    // memory by default and learns of the others' writes by acknowledged notification.
    static ConfigurableApplicationContext nodeD;
    static String url;
    static int smtpPort;

    @BeforeAll
    static void startNodes() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        url = postgres.getJdbcUrl("postgres", "postgres");
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            smtpPort = socket.getLocalPort();
        }
        nodeA = node(url);
        nodeB = node(url);
        nodeC = node(url);
        nodeD = node(url, "--headroom.admission.cache=true");
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodeA.close();
        nodeB.close();
        nodeC.close();
        nodeD.close();
        if (mail != null) {
            mail.stop();
        }
        postgres.close();
    }

    static GreenMail mail;

    static ConfigurableApplicationContext node(String url, String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "--spring.mail.host=localhost",
                                "--spring.mail.port=" + smtpPort,
                                "--headroom.mail.poll-interval=PT0.5S",
                                "--headroom.mail.retry-base=PT0.2S",
                                "--headroom.secret-key=" + IntegrationTest.SECRET_KEY));
        args.addAll(List.of(more));
        return HeadroomNodes.start(
                url,
                "postgres",
                "postgres",
                IntegrationTest.OPERATOR_KEY,
                args.toArray(String[]::new));
    }

    /**
     * A node that answers admissions from memory hears of another node's settlement, cap change and
     * test-clock move before that node answers the write (issue 15: acknowledged invalidation), so
     * the very next admission on it follows.
     */
    @Test
    void issue6_aCachingNodeLearnsOfOtherNodesWrites() throws Exception {
        Api a = operatorOf(nodeA);
        Api d = operatorOf(nodeD);
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        String orgId = seatOrg(a, "Cached", t0);
        String member = standardMember(a, orgId, "d@example.com", "D");
        a.put("/api/v1/orgs/" + orgId + "/extra-usage", Map.of("enabled", true));
        a.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "1.00"));
        Map<String, Object> admission = haikuAdmission(orgId, member);
        // D reads the state once and keeps it.
        assertThat(d.post("/api/v1/admissions", admission).text("decision"))
                .isEqualTo("ALLOWED_INCLUDED");
        assertThat(d.post("/api/v1/admissions", admission).text("decision"))
                .isEqualTo("ALLOWED_INCLUDED");

        Map<String, Object> report = haikuReport("d-1", orgId, member, t0, 6_000_000);
        assertThat(a.post("/api/v1/usage", report).status()).isEqualTo(200);
        atOnce(() ->
                "MEMBER_CAP_REACHED"
                        .equals(d.post("/api/v1/admissions", admission).text("reason")));

        a.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "5.00"));
        atOnce(() ->
                "ALLOWED_EXTRA".equals(d.post("/api/v1/admissions", admission).text("decision")));

        // A new month on the org's test clock, moved through A: D's figures start from zero again.
        a.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "1.00"));
        atOnce(() ->
                "MEMBER_CAP_REACHED"
                        .equals(d.post("/api/v1/admissions", admission).text("reason")));
        a.post(
                "/api/v1/orgs/" + orgId + "/test-clock/advance",
                Map.of("to", "2027-10-01T00:00:00Z"));
        atOnce(() ->
                "ALLOWED_INCLUDED"
                        .equals(d.post("/api/v1/admissions", admission).text("decision")));
        // And D's own writes are seen by D at once (0 ms on one node).
        Map<String, Object> again = new HashMap<>(report);
        again.put("requestId", "d-2");
        again.put("timestamp", "2027-10-01T00:00:00Z");
        assertThat(d.post("/api/v1/usage", again).status()).isEqualTo(200);
        assertThat(d.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
    }

    /** A usage report of claude-haiku-4-5 ($1 per million input tokens) with input tokens only. */
    static Map<String, Object> haikuReport(
            String requestId, String orgId, String member, Instant at, long inputTokens) {
        return Map.of(
                "requestId",
                requestId,
                "orgId",
                orgId,
                "memberId",
                member,
                "product",
                "CLAUDE",
                "model",
                "claude-haiku-4-5",
                "timestamp",
                at.toString(),
                "usage",
                Api.usage(inputTokens, 0));
    }

    static Map<String, Object> haikuAdmission(String orgId, String member) {
        return Map.of(
                "orgId",
                orgId,
                "memberId",
                member,
                "product",
                "CLAUDE",
                "model",
                "claude-haiku-4-5");
    }

    /** A seat-based Enterprise org on a test clock starting at {@code start}. */
    static String seatOrg(Api api, String name, Instant start) {
        return api.post(
                        "/api/v1/orgs",
                        Map.of(
                                "name",
                                name,
                                "plan",
                                "ENTERPRISE_SEAT",
                                "testClock",
                                true,
                                "testClockStart",
                                start.toString()))
                .text("id");
    }

    /** Standard seats get one 5-hour session window of {@code allowance}. */
    static void standardSession(Api api, String orgId, String allowance) {
        api.put(
                "/api/v1/orgs/" + orgId + "/seat-types/STANDARD/included-allowance",
                Map.of(
                        "windows",
                        List.of(
                                Map.of(
                                        "name",
                                        "session",
                                        "duration",
                                        "PT5H",
                                        "allowance",
                                        allowance))));
    }

    static String standardMember(Api api, String orgId, String email, String name) {
        return api.post(
                        "/api/v1/orgs/" + orgId + "/members",
                        Map.of("email", email, "name", name, "seatType", "STANDARD"))
                .text("id");
    }

    static Api operatorOf(ConfigurableApplicationContext node) {
        return new Api(HeadroomNodes.base(node), IntegrationTest.OPERATOR_KEY);
    }

    @Test
    void XU17_XU18_twoNodesShareIdempotencyAndCaps() throws Exception {
        assertThat(nodeA.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
        Api a = operatorOf(nodeA);
        Api b = operatorOf(nodeB);
        Instant t0 = Instant.parse("2027-08-02T09:00:00Z");
        Map<String, Object> org =
                new HashMap<>(
                        Map.of(
                                "name",
                                "Nodes",
                                "plan",
                                "ENTERPRISE_SEAT",
                                "testClock",
                                true,
                                "testClockStart",
                                t0.toString()));
        String orgId = a.post("/api/v1/orgs", org).text("id");
        String member = standardMember(b, orgId, "n@example.com", "N");
        a.put("/api/v1/orgs/" + orgId + "/extra-usage", Map.of("enabled", true));
        b.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "1.00"));

        Map<String, Object> report = haikuReport("same-id", orgId, member, t0, 6_000_000);
        CompletableFuture<Api.Response> viaA =
                CompletableFuture.supplyAsync(() -> a.post("/api/v1/usage", report));
        CompletableFuture<Api.Response> viaB =
                CompletableFuture.supplyAsync(() -> b.post("/api/v1/usage", report));
        Api c = operatorOf(nodeC);
        CompletableFuture<Api.Response> viaC =
                CompletableFuture.supplyAsync(() -> c.post("/api/v1/usage", report));
        List<Api.Response> answers = List.of(viaA.get(), viaB.get(), viaC.get());
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(answers.stream().filter(r -> r.body().get("duplicate").asBoolean()).count())
                .isEqualTo(2);
        // $6 of which $5 included and $1 extra: the member's $1 cap is reached.
        assertThat(answers.get(0).text("extraCost")).isEqualTo("1.00");

        Map<String, Object> admission = haikuAdmission(orgId, member);
        assertThat(a.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
        assertThat(b.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
        assertThat(c.post("/api/v1/admissions", admission).text("reason"))
                .isEqualTo("MEMBER_CAP_REACHED");
        // A cap raised through one node takes effect on the other at once.
        a.put(
                "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                Map.of("amount", "2.00"));
        assertThat(b.post("/api/v1/admissions", admission).text("decision"))
                .isEqualTo("ALLOWED_EXTRA");
        assertThat(
                        b.get("/api/v1/orgs/" + orgId + "/members/" + member + "/usage")
                                .text("mtdSpend"))
                .isEqualTo("1.00");
    }

    /**
     * XU-24 across nodes, restarts and a mail server that is down: the digest due at 09:00 is
     * enqueued once, retried until SMTP answers, and delivered once; the other node and a restarted
     * node running the job in the same hour send no second one.
     */
    @Test
    void XU24_oneDigestAcrossNodesRestartsAndAFailedSend() throws Exception {
        Api a = operatorOf(nodeA);
        Instant t0 = Instant.parse("2027-08-02T07:00:00Z");
        String orgId = seatOrg(a, "Digest nodes", t0);
        a.post(
                "/api/v1/orgs/" + orgId + "/members",
                Map.of(
                        "email",
                        "admin-nodes@example.com",
                        "name",
                        "Admin",
                        "role",
                        "ADMIN",
                        "seatType",
                        "STANDARD"));
        String member = standardMember(a, orgId, "member-nodes@example.com", "M");
        a.post("/api/v1/usage", haikuReport("d1", orgId, member, t0, 5_000_000));
        assertThat(
                        a.post(
                                        "/api/v1/orgs/"
                                                + orgId
                                                + "/members/"
                                                + member
                                                + "/extra-usage-requests",
                                        null)
                                .status())
                .isEqualTo(201);

        a.post(
                "/api/v1/orgs/" + orgId + "/test-clock/advance",
                Map.of("to", "2027-08-02T09:30:00Z"));
        JdbcClient jdbc = JdbcClient.create(nodeA.getBean(DataSource.class));
        awaitTrue(() ->
                jdbc.sql(
                                        "select coalesce(max(attempts), 0) from email_outbox where to_address = 'admin-nodes@example.com'")
                                .query(Integer.class)
                                .single()
                        >= 2);
        assertThat(nodeB.getBean(RequestDigests.class).runFor(orgId)).isZero();

        mail = new GreenMail(new ServerSetup(smtpPort, "localhost", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        awaitTrue(() -> mail.getReceivedMessages().length >= 1);

        nodeB.close();
        nodeB = node(url);
        nodeB.getBean(RequestDigests.class).runDue();
        assertThat(nodeB.getBean(RequestDigests.class).runFor(orgId)).isZero();
        Thread.sleep(2_000);
        assertThat(
                        java.util.Arrays.stream(mail.getReceivedMessages())
                                .filter(m ->
                                        GreenMailUtil.getAddressList(uncheckedRecipients(m))
                                                .contains("admin-nodes@example.com"))
                                .count())
                .isEqualTo(1);
    }

    /**
     * EX-12, EX-13: a key revoked, a member demoted or removed through one node is refused on the
     * others at the very next request (nodes that read the database), and on a node that keeps keys
     * in memory as soon as the notification arrives.
     */
    @Test
    void EX12_aKeyRevokedOnOneNodeIsRefusedOnTheOthers() throws Exception {
        Api a = operatorOf(nodeA);
        Api b = operatorOf(nodeB);
        Api d = operatorOf(nodeD);
        String orgId = seatOrg(a, "Keys nodes", Instant.parse("2027-09-01T09:00:00Z"));
        String owner =
                a.post(
                                "/api/v1/orgs/" + orgId + "/members",
                                Map.of(
                                        "email",
                                        "key-owner@example.com",
                                        "name",
                                        "K",
                                        "role",
                                        "OWNER",
                                        "seatType",
                                        "STANDARD"))
                        .text("id");
        Api.Response created =
                a.post(
                        "/api/v1/orgs/" + orgId + "/keys",
                        Map.of("role", "OWNER", "memberId", owner));
        String auditLog = "/api/v1/orgs/" + orgId + "/audit-log";
        Api onB = b.as(created.text("key"));
        Api onD = d.as(created.text("key"));
        assertThat(onB.get(auditLog).status()).isEqualTo(200);
        assertThat(onD.get(auditLog).status()).isEqualTo(200);

        a.patch("/api/v1/orgs/" + orgId + "/members/" + owner, Map.of("role", "MEMBER"));
        assertThat(onB.get(auditLog).status()).isEqualTo(403);
        atOnce(() -> onD.get(auditLog).status() == 403);
        a.patch("/api/v1/orgs/" + orgId + "/members/" + owner, Map.of("role", "OWNER"));
        assertThat(onB.get(auditLog).status()).isEqualTo(200);
        atOnce(() -> onD.get(auditLog).status() == 200);

        a.send("DELETE", "/api/v1/orgs/" + orgId + "/keys/" + created.text("id"), "");
        assertThat(onB.get(auditLog).status()).isEqualTo(401);
        atOnce(() -> onD.get(auditLog).status() == 401);

        Api.Response second =
                a.post(
                        "/api/v1/orgs/" + orgId + "/keys",
                        Map.of("role", "MEMBER", "memberId", owner));
        Api memberOnC = operatorOf(nodeC).as(second.text("key"));
        String usage = "/api/v1/orgs/" + orgId + "/members/" + owner + "/usage";
        assertThat(memberOnC.get(usage).status()).isEqualTo(200);
        assertThat(b.send("DELETE", "/api/v1/orgs/" + orgId + "/members/" + owner, "").status())
                .isEqualTo(204);
        assertThat(memberOnC.get(usage).status()).isEqualTo(401);
        atOnce(() ->
                "MEMBER_UNKNOWN"
                        .equals(
                                d.post("/api/v1/admissions", haikuAdmission(orgId, owner))
                                        .text("reason")));
    }

    /**
     * EX-4: nodes keep each org's upstream in memory; one set through another node is used at the
     * next request on a node without the cache, and once its notification arrived on one with it.
     */
    @Test
    void EX4_anUpstreamChangedOnOneNodeIsWhereTheOthersForwardTo() throws Exception {
        Api a = operatorOf(nodeA);
        String orgId = seatOrg(a, "Upstream nodes", Instant.parse("2027-09-01T09:00:00Z"));
        standardSession(a, orgId, "100");
        String member = standardMember(a, orgId, "upstream-nodes@example.com", "U");
        String key =
                a.post(
                                "/api/v1/orgs/" + orgId + "/keys",
                                Map.of("role", "MEMBER", "memberId", member))
                        .text("key");
        try (StandInUpstream first = new StandInUpstream();
                StandInUpstream second = new StandInUpstream()) {
            String gateway = "/api/v1/orgs/" + orgId + "/gateway";
            String upstreamKey = StandInUpstream.KEY;
            a.put(gateway, Map.of("upstreamUrl", first.url(), "upstreamKey", upstreamKey));
            assertThat(message(nodeB, key)).isEqualTo(200);
            assertThat(message(nodeD, key)).isEqualTo(200);
            assertThat(first.messages.get()).isEqualTo(2);

            a.put(gateway, Map.of("upstreamUrl", second.url(), "upstreamKey", upstreamKey));
            assertThat(message(nodeB, key)).isEqualTo(200);
            assertThat(second.messages.get()).isOne();
            atOnce(() -> message(nodeD, key) == 200 && second.messages.get() >= 2);
            int firstBefore = first.messages.get();
            assertThat(message(nodeD, key)).isEqualTo(200);
            assertThat(first.messages.get()).isEqualTo(firstBefore);
        }
    }

    /** One plain message through {@code node}'s gateway; its HTTP status. */
    static int message(ConfigurableApplicationContext node, String key) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(
                                                    HeadroomNodes.base(node) + "/v1/messages"))
                                    .header("x-api-key", key)
                                    .header("anthropic-version", "2023-06-01")
                                    .header("content-type", "application/json")
                                    .POST(
                                            java.net.http.HttpRequest.BodyPublishers.ofString(
                                                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,"
                                                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** XU-27: two nodes closing the same month at once issue one invoice. */
    @Test
    void XU27_twoNodesCloseAMonthOnce() throws Exception {
        Api a = operatorOf(nodeA);
        Instant t0 = Instant.parse("2027-03-30T10:00:00Z");
        String orgId = seatOrg(a, "Close nodes", t0);
        String member = standardMember(a, orgId, "close-nodes@example.com", "C");
        a.put("/api/v1/orgs/" + orgId + "/extra-usage", Map.of("enabled", true));
        a.post("/api/v1/usage", haikuReport("c1", orgId, member, t0, 9_000_000));
        JdbcClient jdbc = JdbcClient.create(nodeA.getBean(DataSource.class));
        // Moved behind the API's back, so that no node closes March before the race below.
        jdbc.sql("update org set test_clock_now = '2027-04-02T00:00:00Z' where id = ?")
                .param(orgId)
                .update();
        // Such a change is announced, not acknowledged: each node sees it once it has heard it.
        for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
            awaitTrue(() ->
                    node.getBean(dev.headroom.organization.OrgService.class)
                            .require(orgId)
                            .testClockNow()
                            .equals(Instant.parse("2027-04-02T00:00:00Z")));
        }
        java.time.YearMonth march = java.time.YearMonth.of(2027, 3);
        CompletableFuture<List<String>> viaA =
                CompletableFuture.supplyAsync(() ->
                        nodeA.getBean(dev.headroom.billing.MonthClose.class)
                                .closeThrough(orgId, march));
        CompletableFuture<List<String>> viaB =
                CompletableFuture.supplyAsync(() ->
                        nodeB.getBean(dev.headroom.billing.MonthClose.class)
                                .closeThrough(orgId, march));
        assertThat(List.of(viaA.get(), viaB.get()))
                .containsExactlyInAnyOrder(List.of("2027-03"), List.of());
        assertThat(
                        jdbc.sql("select count(*) from invoice where org_id = ?")
                                .param(orgId)
                                .query(Long.class)
                                .single())
                .isEqualTo(1);
        assertThat(
                        jdbc.sql("select total_nanos from invoice where org_id = ?")
                                .param(orgId)
                                .query(Long.class)
                                .single())
                .isEqualTo(4_000_000_000L);
    }

    static jakarta.mail.Address[] uncheckedRecipients(jakarta.mail.Message m) {
        try {
            return m.getAllRecipients();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * EX-1 on several nodes: 256 requests in flight at once through three nodes (one answering from
     * memory), each admitted with a hold, then reporting at most what it held: settled spend plus
     * live holds, read in one snapshot while they run, never passes the member's cap.
     */
    @Test
    void EX1_strictCapsHoldAcrossThreeNodesUnder256RequestsInFlight() throws Exception {
        List<Api> nodes = List.of(operatorOf(nodeA), operatorOf(nodeB), operatorOf(nodeD));
        Instant t0 = Instant.parse("2027-09-06T09:00:00Z");
        String orgId = seatOrg(nodes.get(0), "Strict nodes", t0);
        String member = standardMember(nodes.get(1), orgId, "strict@example.com", "S");
        standardSession(nodes.get(0), orgId, "0");
        // Through the node that caches: its own write tells it at once that the org is strict.
        nodes.get(2)
                .put(
                        "/api/v1/orgs/" + orgId + "/extra-usage",
                        Map.of("enabled", true, "strict", true));
        nodes.get(1)
                .put(
                        "/api/v1/orgs/" + orgId + "/members/" + member + "/spend-limit",
                        Map.of("amount", "2.00"));
        long cap = 2_000_000_000L;
        JdbcClient jdbc = JdbcClient.create(nodeA.getBean(DataSource.class));
        java.util.concurrent.atomic.AtomicBoolean running =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong highest =
                new java.util.concurrent.atomic.AtomicLong();
        Thread sampler =
                Thread.ofPlatform()
                        .start(() -> {
                            while (running.get()) {
                                highest.accumulateAndGet(
                                        dev.headroom.support.HoldFigures.settledAndHeld(
                                                jdbc, orgId, member, t0),
                                        Math::max);
                            }
                        });
        java.util.concurrent.atomic.AtomicInteger admitted =
                new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger denied =
                new java.util.concurrent.atomic.AtomicInteger();
        try (java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(256)) {
            List<java.util.concurrent.Future<?>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 768; i++) {
                int n = i;
                calls.add(
                        pool.submit(() -> {
                            java.util.concurrent.ThreadLocalRandom r =
                                    java.util.concurrent.ThreadLocalRandom.current();
                            long input = 1_000 + r.nextInt(20_000);
                            Map<String, Object> admission =
                                    new HashMap<>(haikuAdmission(orgId, member));
                            admission.put("requestId", "s" + n);
                            admission.put(
                                    "estimate",
                                    Map.of(
                                            "input_tokens",
                                            input,
                                            "max_tokens",
                                            1_024 + r.nextInt(16_000)));
                            Api.Response a = nodes.get(n % 3).post("/api/v1/admissions", admission);
                            if (!a.text("decision").startsWith("ALLOWED")) {
                                denied.incrementAndGet();
                                return null;
                            }
                            admitted.incrementAndGet();
                            long maxTokens = a.body().get("hold").get("maxTokens").asLong();
                            Map<String, Object> report =
                                    new HashMap<>(haikuReport("s" + n, orgId, member, t0, input));
                            report.put("usage", Api.usage(input, 1 + r.nextLong(maxTokens)));
                            Api.Response settled =
                                    nodes.get((n + 1) % 3).post("/api/v1/usage", report);
                            assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
                            return null;
                        }));
            }
            for (java.util.concurrent.Future<?> call : calls) {
                call.get();
            }
        } finally {
            running.set(false);
            sampler.join();
        }
        assertThat(highest.get()).as("settled + held at any instant").isLessThanOrEqualTo(cap);
        String mtd =
                nodes.get(2)
                        .get("/api/v1/orgs/" + orgId + "/members/" + member + "/usage")
                        .text("mtdSpend");
        assertThat(new java.math.BigDecimal(mtd))
                .isLessThanOrEqualTo(new java.math.BigDecimal("2.00"));
        assertThat(admitted.get()).isGreaterThan(20);
        assertThat(denied.get()).as("the cap was reached").isPositive();
    }

    /** Right after a write's answer on another node: no waiting (issue 15). */
    static void atOnce(java.util.function.BooleanSupplier condition) {
        assertThat(condition.getAsBoolean()).as("right after the write's answer").isTrue();
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
