package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.security.EndpointTable.Endpoint;
import dev.headroom.security.EndpointTable.Who;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EX-12: a key never has more power than its member has now. An owner and an admin are demoted to
 * member, and every request their old keys could make is replayed: each answers as a member's key
 * would — the member's own endpoints still work, everything else is 403 at the next request.
 */
class DemotionReplayTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-06-01T09:00:00Z");

    @Test
    void EX12_aDemotedOwnersAndAdminsKeysKeepOnlyAMembersPower() {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        org.member("STANDARD", "PRIMARY_OWNER");
        String owner = org.member("STANDARD", "OWNER");
        String admin = org.member("STANDARD", "ADMIN");
        Api ownerKey = org.as(org.keyFor(owner, "OWNER"));
        Api adminKey = org.as(org.keyFor(admin, "ADMIN"));
        // Before: the owner's key reads the audit log and mints keys; the admin's lists members.
        assertThat(ownerKey.get(org.path("/audit-log")).status()).isEqualTo(200);
        assertThat(adminKey.get(org.path("/members")).status()).isEqualTo(200);

        for (String demoted : List.of(owner, admin)) {
            Api.Response patched =
                    org.operator.patch(org.path("/members/" + demoted), Map.of("role", "MEMBER"));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        }

        List<String> failures = new ArrayList<>();
        replay(org, ownerKey, owner, failures);
        replay(org, adminKey, admin, failures);
        assertThat(failures).isEmpty();
        // The mint that used to outlive a demotion: an owner key of no member.
        assertThat(ownerKey.post(org.path("/keys"), Map.of("role", "OWNER")).status())
                .isEqualTo(403);

        // Promoted again, the same key has its power back at once.
        org.operator.patch(org.path("/members/" + owner), Map.of("role", "OWNER"));
        assertThat(ownerKey.get(org.path("/audit-log")).status()).isEqualTo(200);
    }

    private static void replay(OrgFixture org, Api key, String self, List<String> failures) {
        for (Endpoint endpoint : EndpointTable.TABLE) {
            Api.Response response = EndpointTable.call(endpoint, key, org, self);
            boolean memberMay = endpoint.allowed().contains(Who.MEMBER_SELF);
            boolean ok =
                    memberMay
                            ? response.status() != 401
                                    && response.status() != 403
                                    && response.status() < 500
                            : response.status() == 403;
            if (!ok) {
                failures.add(endpoint.method() + " " + endpoint.pattern() + ": " + response);
            }
        }
    }
}
