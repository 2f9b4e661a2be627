package dev.headroom.gateway;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.OrgScopedCache;
import dev.headroom.core.SecretBox;
import dev.headroom.core.StateChanges;
import dev.headroom.core.db.StateCaching;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where an org's model requests go: its upstream's base URL and API key. The operator sets any
 * upstream; owners only one under {@code headroom.gateway.allowed-upstreams}. The key is sealed at
 * rest and never shown back, logged or audited.
 */
@Service
public class GatewaySettings {
    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final OrgService orgs;
    private final AuditLog audit;
    private final StateChanges changes;
    private final Clock clock;
    private final List<String> allowedUpstreams;
    private final OrgScopedCache<Optional<Upstream>> upstreams;

    public GatewaySettings(
            JdbcClient jdbc,
            SecretBox secrets,
            OrgService orgs,
            AuditLog audit,
            StateChanges changes,
            Clock clock,
            StateCaching.Policy caching,
            @Value("${headroom.gateway.allowed-upstreams:}") List<String> allowedUpstreams) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.orgs = orgs;
        this.audit = audit;
        this.changes = changes;
        this.clock = clock;
        this.allowedUpstreams = allowedUpstreams.stream().filter(u -> !u.isBlank()).toList();
        this.upstreams =
                new OrgScopedCache<>(
                        OrgScopedCache.Source.GATEWAY,
                        caching.enabled(),
                        caching.trustedFromStart(),
                        changes::fresh);
        changes.register(upstreams);
    }

    /** An org's upstream, its key opened: for forwarding only. */
    public record Upstream(URI baseUrl, String key) {}

    /** What the API shows of it. */
    public record View(String upstreamUrl, boolean upstreamKeySet) {}

    public Optional<Upstream> upstreamOf(String orgId) {
        return upstreams.get(orgId, () -> load(orgId));
    }

    private Optional<Upstream> load(String orgId) {
        return jdbc.sql(
                        "select upstream_url, upstream_key_sealed from org_gateway where org_id = ?")
                .param(orgId)
                .query((rs, n) ->
                        new Upstream(URI.create(rs.getString(1)), secrets.open(rs.getString(2))))
                .optional();
    }

    public View view(String orgId) {
        orgs.require(orgId);
        return jdbc.sql("select upstream_url from org_gateway where org_id = ?")
                .param(orgId)
                .query((rs, n) -> new View(rs.getString(1), true))
                .optional()
                .orElse(new View(null, false));
    }

    @Transactional
    public View set(String orgId, String upstreamUrl, String upstreamKey, Caller by) {
        Org org = orgs.require(orgId);
        URI url = checkedUrl(upstreamUrl);
        if (!by.rank().operator()
                && allowedUpstreams.stream()
                        .noneMatch(prefix -> url.toString().startsWith(prefix))) {
            throw ApiException.forbidden(
                    "Owners may choose an upstream the operator allows ("
                            + (allowedUpstreams.isEmpty()
                                    ? "none"
                                    : String.join(", ", allowedUpstreams))
                            + "); only the operator sets another.");
        }
        if (upstreamKey == null || upstreamKey.isBlank() || upstreamKey.length() > 500) {
            throw ApiException.validation("upstreamKey is required (1 to 500 characters).");
        }
        jdbc.sql(
                        """
                        insert into org_gateway (org_id, upstream_url, upstream_key_sealed, updated_at)
                        values (?, ?, ?, ?)
                        on conflict (org_id) do update set upstream_url = excluded.upstream_url,
                          upstream_key_sealed = excluded.upstream_key_sealed, updated_at = excluded.updated_at
                        """)
                .params(
                        orgId,
                        url.toString(),
                        secrets.seal(upstreamKey),
                        Timestamp.from(clock.instant()))
                .update();
        changes.gatewayChanged(orgId);
        // The URL is audited, the key never is.
        audit.record(orgId, orgs.now(org), by.actor(), "gateway.upstream", orgId, null, url);
        return view(orgId);
    }

    private static URI checkedUrl(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.validation(
                    "upstreamUrl is required, e.g. https://api.anthropic.com.");
        }
        try {
            URI url = URI.create(text.trim());
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
                    || url.getHost() == null) {
                throw new IllegalArgumentException();
            }
            String s = url.toString();
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(
                    "upstreamUrl must be an http or https URL, got '" + text + "'.");
        }
    }
}
