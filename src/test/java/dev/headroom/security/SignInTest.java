package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.ConsoleSession;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * EX-15: console sign-in is throttled per account and per client address (the addresses arrive as
 * {@code X-Forwarded-For}, as behind the operator's proxy), session cookies carry their flags, and
 * the actuator's endpoints other than health need the operator key.
 */
class SignInTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-02-01T09:00:00Z");
    static final String PASSWORD = "the-right-password";
    // Documentation addresses (TEST-NET-3): only ever a header value, never a destination.
    static final AtomicInteger ADDRESS = new AtomicInteger();

    static String address() {
        return "203.0.113." + ADDRESS.incrementAndGet();
    }

    ConsoleSession from(String address) {
        return new ConsoleSession("http://localhost:" + port).forwardedAs(address, "http");
    }

    String account() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        String member = org.member("STANDARD", "OWNER");
        Api.Response set =
                org.owner.put(
                        org.path("/members/" + member + "/console-password"),
                        Map.of("password", PASSWORD));
        assertThat(set.status()).as(set.toString()).isEqualTo(204);
        return org.email(member);
    }

    static String outcome(HttpResponse<String> attempt) {
        String location = attempt.headers().firstValue("Location").orElse("");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    @Test
    void EX15_afterFiveFailuresEvenTheRightPasswordWaits() {
        String email = account();
        ConsoleSession guesser = from(address());
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(guesser.attemptSignIn(email, "wrong-" + i)))
                    .isEqualTo("login?error");
        }
        assertThat(outcome(guesser.attemptSignIn(email, PASSWORD))).isEqualTo("login?wait=1");
        assertThat(guesser.get("/login?wait=1").body())
                .contains("Too many attempts — try again in 1 minute.");
        assertThat(guesser.get("/console").statusCode()).isEqualTo(302);
        // Per account: the owner at another address waits too.
        assertThat(outcome(from(address()).attemptSignIn(email, PASSWORD)))
                .isEqualTo("login?wait=1");
    }

    @Test
    void EX15_aSuccessfulSignInClearsTheAccountsFailures() {
        String email = account();
        for (int round = 0; round < 2; round++) {
            // A new address each round: only the account's count is cleared by a success.
            ConsoleSession session = from(address());
            for (int i = 0; i < 4; i++) {
                assertThat(outcome(session.attemptSignIn(email, "wrong"))).isEqualTo("login?error");
            }
            assertThat(outcome(session.attemptSignIn(email, PASSWORD))).isEqualTo("console");
        }
    }

    @Test
    void EX15_oneAddressGuessingAtManyAccountsWaits() {
        String email = account();
        String address = address();
        ConsoleSession guesser = from(address);
        for (int i = 0; i < 5; i++) {
            String someone = List.of("a", "b", "c", "d", "e").get(i) + "@nobody.example";
            assertThat(outcome(guesser.attemptSignIn(someone, "guess"))).isEqualTo("login?error");
        }
        assertThat(outcome(from(address).attemptSignIn(email, PASSWORD))).isEqualTo("login?wait=1");
        assertThat(outcome(from(address()).attemptSignIn(email, PASSWORD))).isEqualTo("console");
    }

    @Test
    void EX15_theSessionCookieIsHttpOnlyLaxAndSecureOverTls() {
        String plain = sessionCookie(from(address()));
        assertThat(plain).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
        assertThat(plain).doesNotContain("Secure");
        ConsoleSession tls =
                new ConsoleSession("http://localhost:" + port).forwardedAs(address(), "https");
        assertThat(sessionCookie(tls)).contains("Secure").contains("HttpOnly");
    }

    private static String sessionCookie(ConsoleSession session) {
        return session.get("/login").headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie on the sign-in page"));
    }

    @Test
    void EX15_metricsNeedTheOperatorKey() {
        OrgFixture org = scenario().org("TEAM", "UTC", T0);
        assertThat(anonymous().get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(anonymous().get("/actuator/info").status()).isEqualTo(401);
        assertThat(anonymous().get("/actuator").status()).isEqualTo(401);
        Api.Response owner = org.owner.get("/actuator/prometheus");
        assertThat(owner.status()).isEqualTo(403);
        assertThat(owner.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(operator().get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
    }
}
