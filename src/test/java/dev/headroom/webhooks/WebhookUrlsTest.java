package dev.headroom.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EX-16: deliveries go to https URLs of public addresses only, unless the operator allows more. */
class WebhookUrlsTest {
    static final Map<String, String> DNS =
            Map.of(
                    "hooks.example.com", "93.184.216.34",
                    "intranet.example.com", "10.0.0.5",
                    "router.example.com", "192.168.1.1",
                    "metadata.example.com", "169.254.169.254",
                    "cgnat.example.com", "100.64.0.1",
                    "v6-local.example.com", "fd00::1",
                    "v6-public.example.com", "2606:2800:220:1:248:1893:25c8:1946");

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.get(host);
        if (address == null) {
            try {
                // Literal addresses resolve to themselves, without a lookup.
                return new InetAddress[] {InetAddress.getByName(host)};
            } catch (UnknownHostException e) {
                throw e;
            }
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    final WebhookUrls strict = new WebhookUrls(false, WebhookUrlsTest::resolve);

    @Test
    void EX16_publicHttpsIsAllowed() {
        assertThat(strict.refusal("https://hooks.example.com/headroom")).isEmpty();
        assertThat(strict.refusal("https://v6-public.example.com/")).isEmpty();
    }

    @Test
    void EX16_privateLoopbackAndLinkLocalAddressesAreRefused() {
        for (String host :
                new String[] {
                    "intranet.example.com",
                    "router.example.com",
                    "metadata.example.com",
                    "cgnat.example.com",
                    "v6-local.example.com",
                    "127.0.0.1",
                    "[::1]",
                    "0.0.0.0"
                }) {
            assertThat(strict.refusal("https://" + host + "/hook"))
                    .as(host)
                    .hasValueSatisfying(reason -> assertThat(reason).contains("public addresses"));
        }
    }

    @Test
    void EX16_plainHttpCredentialsAndOtherSchemesAreRefused() {
        assertThat(strict.refusal("http://hooks.example.com/")).contains("url must use https.");
        assertThat(strict.refusal("https://user:pw@hooks.example.com/"))
                .contains("url must not carry a user name or password.");
        assertThat(strict.refusal("ftp://hooks.example.com/")).isPresent();
        assertThat(strict.refusal("not a url")).isPresent();
        assertThat(strict.refusal("https://nowhere.invalid/"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("does not resolve"));
    }

    @Test
    void EX16_theOperatorMayAllowLocalReceivers() {
        WebhookUrls local = new WebhookUrls(true, WebhookUrlsTest::resolve);
        assertThat(local.refusal("http://127.0.0.1:8081/hook")).isEmpty();
        assertThat(local.refusal("ftp://127.0.0.1/")).isPresent();
    }
}
