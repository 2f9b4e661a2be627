package dev.headroom.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.Api;
import dev.headroom.support.ConsoleSession;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who may open which console page and post which form (issue 8, XU-4): the console applies the
 * API's role checks and the API's amount rules, with the API's sentences. Plain HTTP with a cookie
 * jar, as a browser without JavaScript would send it.
 */
class ConsoleAccessTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-05-03T08:00:00Z");

    ConsoleSession session() {
        return new ConsoleSession("http://localhost:" + port);
    }

    record Org(
            OrgFixture fixture,
            ConsoleSession owner,
            ConsoleSession admin,
            ConsoleSession member,
            String adminId,
            String memberId) {}

    Org org() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        String owner = org.member("PREMIUM", "OWNER");
        String admin = org.member("STANDARD", "ADMIN");
        String member = org.member("STANDARD");
        for (String id : new String[] {owner, admin, member}) {
            ConsoleBrowserTest.password(org, id);
        }
        String pw = ConsoleBrowserTest.PASSWORD;
        return new Org(
                org,
                session().signIn(org.email(owner), pw),
                session().signIn(org.email(admin), pw),
                session().signIn(org.email(member), pw),
                admin,
                member);
    }

    @Test
    void XU4_eachRoleOpensOnlyItsPages() {
        Org org = org();
        Map<String, int[]> pages = new LinkedHashMap<>();
        // owner, admin, member
        pages.put("/console/usage", new int[] {200, 200, 200});
        pages.put("/console/settings/usage", new int[] {200, 200, 403});
        pages.put("/console/settings/usage/members?q=m", new int[] {200, 200, 403});
        pages.put("/console/reports", new int[] {200, 403, 403});
        pages.put("/console/audit", new int[] {200, 403, 403});
        pages.put("/console/invoices", new int[] {200, 403, 403});
        pages.put("/console/receipts", new int[] {400, 403, 403});
        ConsoleSession[] sessions = {org.owner(), org.admin(), org.member()};
        pages.forEach((path, expected) -> {
            for (int i = 0; i < 3; i++) {
                assertThat(sessions[i].get(path).statusCode())
                        .as(path + " as " + new String[] {"owner", "admin", "member"}[i])
                        .isEqualTo(expected[i]);
            }
        });
        ConsoleSession anonymous = session();
        HttpResponse<String> redirected = anonymous.get("/console/settings/usage");
        assertThat(redirected.statusCode()).isEqualTo(302);
        assertThat(redirected.headers().firstValue("Location").orElseThrow()).endsWith("/login");
    }

    @Test
    void XU4_onlyOwnersChangeLimitsAndADemotedAdminLosesTheSettingsPageAtOnce() {
        Org org = org();
        org.admin().get("/console/settings/usage");
        assertThat(
                        org.admin()
                                .post("/console/settings/usage/spend-limit", Map.of("amount", "5"))
                                .statusCode())
                .isEqualTo(403);
        org.member().get("/console/usage");
        assertThat(
                        org.member()
                                .post("/console/settings/usage/spend-limit", Map.of("amount", "5"))
                                .statusCode())
                .isEqualTo(403);
        assertThat(orgLimit(org)).isNull();

        Api.Response demoted =
                org.fixture()
                        .owner
                        .patch(
                                org.fixture().path("/members/" + org.adminId()),
                                Map.of("role", "MEMBER"));
        assertThat(demoted.status()).isEqualTo(200);
        assertThat(org.admin().get("/console/settings/usage").statusCode()).isEqualTo(403);
    }

    @Test
    void EX9_formsRefuseBadAmountsWithTheApisSentenceAndWriteNothing() {
        Org org = org();
        ConsoleSession owner = org.owner();
        for (String bad : new String[] {"-1", "abc", "1e3", "10.1234567891", "99999999999999"}) {
            owner.get("/console/settings/usage");
            HttpResponse<String> form =
                    owner.post("/console/settings/usage/spend-limit", Map.of("amount", bad));
            Api.Response api =
                    org.fixture()
                            .owner
                            .put(org.fixture().path("/spend-limit"), Map.of("amount", bad));
            assertThat(form.statusCode()).as(bad).isEqualTo(api.status()).isEqualTo(400);
            String sentence = api.body().path("error").path("message").asString();
            assertThat(form.body()).as(bad).contains(htmlEscaped(sentence));
            // The modal is open again, with what the owner typed, for them to correct.
            assertThat(form.body()).containsPattern("<dialog id=\"org-limit\"[^>]* open=\"open\"");
        }
        owner.get("/console/settings/usage");
        HttpResponse<String> empty =
                owner.post("/console/settings/usage/spend-limit", Map.of("amount", ""));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("Enter an amount, or choose");
        assertThat(orgLimit(org)).isNull();

        owner.get("/console/settings/usage");
        HttpResponse<String> set =
                owner.post("/console/settings/usage/spend-limit", Map.of("amount", "250.5"));
        assertThat(set.statusCode()).isEqualTo(302);
        assertThat(orgLimit(org)).isEqualTo("250.50");
    }

    /** The org spend limit as the API shows it; {@code null} for unlimited. */
    private static String orgLimit(Org org) {
        var limit =
                org.fixture()
                        .owner
                        .get(org.fixture().path("/extra-usage"))
                        .body()
                        .get("spendLimit");
        return limit.isNull() ? null : limit.asString();
    }

    private static String htmlEscaped(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
