package dev.headroom.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * EX-16 in the console: an owner adds an endpoint and sees its secret once, a delivery arrives and
 * is listed, a resend sends it again, a refused URL shows the API's sentence, the endpoint is
 * deleted; members do not see the page.
 */
class WebhooksConsoleBrowserTest extends BrowserTest {
    static final Instant T0 = Instant.parse("2027-03-10T09:00:00Z");

    @Test
    void EX16_anOwnerAddsAnEndpointSeesItsDeliveriesResendsAndDeletesIt() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext(
                "/",
                exchange -> {
                    received.add(exchange.getRequestHeaders().getFirst("Headroom-Event-Id"));
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        receiver.start();
        try {
            OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
            String owner = org.member("PREMIUM", "OWNER");
            String homer = org.member("STANDARD");
            password(org, owner);
            password(org, homer);
            org.put("/extra-usage", Map.of("enabled", true));
            org.limit("/members/" + homer + "/spend-limit", "10");

            Page page = browser.signIn(base(), org.email(owner), PASSWORD);
            page.navigate(base() + "/console/webhooks");
            page.locator("input[name=url]").fill("ftp://127.0.0.1/x");
            // The browser's own URL check would stop an ftp address; the server's sentence is
            // shown.
            page.locator("form[action$='/console/webhooks']").evaluate("f => f.noValidate = true");
            page.locator("form[action$='/console/webhooks'] button[type=submit]").click();
            assertThat(page.locator("p.error")).containsText("url must be an absolute https URL");

            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            page.locator("input[name=url]").fill(url);
            page.locator("form[action$='/console/webhooks'] button[type=submit]").click();
            assertThat(page.locator("#new-secret")).containsText("whsec_");
            String secret = page.locator("#new-secret").textContent();
            assertThat(page.locator("table.webhooks")).containsText(url);
            page.reload();
            assertThat(page.content()).doesNotContain(secret);

            org.spendCents(homer, 1_500);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(received).hasSize(1);
            page.locator("table.webhooks a", new Page.LocatorOptions().setHasText("Deliveries"))
                    .click();
            assertThat(page.locator("table.deliveries")).containsText("member.cap_reached");
            assertThat(page.locator("table.deliveries")).containsText("SUCCEEDED");
            assertThat(page.locator("table.deliveries")).containsText("HTTP 204");
            Browser.screenshot(page, "webhooks");
            page.locator("table.deliveries button", new Page.LocatorOptions().setHasText("Resend"))
                    .click();
            while (received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(received).hasSize(2);
            assertThat(received.get(1)).isEqualTo(received.get(0));

            page.locator("table.webhooks a", new Page.LocatorOptions().setHasText("Delete"))
                    .click();
            page.locator(
                            "dialog[open] button[type=submit]",
                            new Page.LocatorOptions().setHasText("Delete endpoint"))
                    .click();
            assertThat(page.locator("table.webhooks")).containsText("No endpoints yet.");

            Page member = browser.signIn(base(), org.email(homer), PASSWORD);
            member.navigate(base() + "/console/webhooks");
            assertThat(member.locator("body")).containsText("This needs the role OWNER or higher");
            assertThat(member.locator("body")).not().containsText("Add an endpoint");
            member.navigate(base() + "/console/usage");
            assertThat(member.locator("nav")).not().containsText("Webhooks");
        } finally {
            receiver.stop(0);
        }
    }
}
