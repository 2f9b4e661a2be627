package dev.headroom.support;

import dev.headroom.gateway.UsageJournal;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole application on a real port, on an embedded PostgreSQL
 * (one per test JVM, shared by every test class through Spring's context cache). Tests isolate
 * themselves by creating their own orgs.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "headroom.embedded.ephemeral=true",
            "headroom.demo.enabled=false",
            // Without the notification channel, a write path that forgets to tell StateChanges
            // leaves admissions stale and fails its tests at once, instead of a few ms later.
            "headroom.admission.listen=false",
            // As behind the operator's TLS proxy: X-Forwarded-For and -Proto are honoured (EX-15).
            "server.forward-headers-strategy=native",
            // Owners may point their gateway at this machine's stand-in upstreams (issue 14).
            "headroom.gateway.allowed-upstreams=http://127.0.0.1",
            "headroom.secret-key=" + IntegrationTest.SECRET_KEY,
            "headroom.operator-key=" + IntegrationTest.OPERATOR_KEY
        })
public abstract class IntegrationTest {
    public static final String OPERATOR_KEY = "test-operator-key";

    /** 32 bytes in base64: the tests' key for secrets at rest. */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    /** One SMTP server for every integration test; tests tell their mail apart by recipient. */
    public static final Mailbox MAIL = Mailbox.shared();

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "localhost");
        registry.add("spring.mail.port", MAIL::port);
        registry.add("headroom.mail.poll-interval", () -> "PT1S");
        registry.add("headroom.credits.retry-base", () -> "PT0.3S");
        registry.add("headroom.credits.recovery-interval", () -> "PT0.5S");
        registry.add("headroom.webhooks.poll-interval", () -> "PT0.2S");
        registry.add("headroom.webhooks.retry-base", () -> "PT0.2S");
        registry.add("headroom.webhooks.timeout", () -> "PT2S");
    }

    @LocalServerPort protected int port;

    @Autowired private UsageJournal gatewayJournal;

    /**
     * Waits for the settlements the gateway runs after its answers (EX-4), so a test reads what was
     * billed, not what was still in flight; fails past ten seconds.
     */
    protected void awaitGatewaySettlements() {
        try {
            if (!gatewayJournal.awaitSettled(java.time.Duration.ofSeconds(10))) {
                throw new AssertionError("The gateway's settlements did not end within 10 s.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected Api operator() {
        return new Api("http://localhost:" + port, OPERATOR_KEY);
    }

    protected Api anonymous() {
        return new Api("http://localhost:" + port, null);
    }

    protected Scenario scenario() {
        return new Scenario(operator());
    }
}
