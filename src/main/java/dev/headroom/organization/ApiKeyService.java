package dev.headroom.organization;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.StateChanges;
import dev.headroom.core.Text;
import dev.headroom.core.db.StateCaching;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys (EX-12). A key is shown once; only its SHA-256 is stored (keys are 256-bit random, so a
 * fast hash is enough) and looked up by that hash. A key acts with the lower of its own role and
 * its member's current role, and stops working at once when it is revoked, expires or its member
 * leaves. The operator key comes from {@code HEADROOM_OPERATOR_KEY}, or is generated and printed
 * when unset.
 */
@Service
public class ApiKeyService {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    // lastUsedAt is precise to this much, so a busy key costs one write a minute, not one a
    // request.
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    private static final int NAME_LENGTH_MAX = 100;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final MemberService members;
    private final AuditLog audit;
    private final OrgService orgs;
    private final StateChanges changes;
    private final KeyCache cache;
    private final byte[] operatorKeyHash;
    private final Map<String, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public ApiKeyService(
            JdbcClient jdbc,
            Clock clock,
            MemberService members,
            AuditLog audit,
            OrgService orgs,
            StateChanges changes,
            StateCaching.Policy caching,
            @Value("${headroom.operator-key:${HEADROOM_OPERATOR_KEY:}}") String operatorKey) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.members = members;
        this.audit = audit;
        this.orgs = orgs;
        this.changes = changes;
        this.cache = new KeyCache(caching.enabled(), caching.trustedFromStart(), changes::fresh);
        changes.register(cache);
        if (operatorKey == null || operatorKey.isBlank()) {
            operatorKey = "hr_op_" + Ids.random(40);
            log.warn(
                    "HEADROOM_OPERATOR_KEY is not set; this run's operator key is: {}",
                    operatorKey);
        }
        this.operatorKeyHash = sha256(operatorKey);
    }

    /** What a new key is for; {@code expiresAt} and {@code name} may be {@code null}. */
    public record KeySpec(KeyRole role, String memberId, Instant expiresAt, String name) {}

    public record NewKey(String id, String key, KeyRole role, String memberId, Instant expiresAt) {}

    /** A key as owners see it: never the secret. */
    public record KeyInfo(
            String id,
            String name,
            KeyRole role,
            String memberId,
            Instant createdAt,
            Instant lastUsedAt,
            Instant expiresAt,
            Instant revokedAt) {}

    /** The outcome of presenting a key: a caller, or the sentence of a 401. */
    public sealed interface Verdict {
        record Accepted(Caller caller) implements Verdict {}

        record Rejected(String message) implements Verdict {}
    }

    @Transactional
    public NewKey create(String orgId, KeySpec spec, Caller by) {
        Org org = orgs.require(orgId);
        if (spec.role() == null) {
            throw ApiException.validation("role is required: OWNER, ADMIN, SERVICE or MEMBER.");
        }
        String name =
                spec.name() == null ? null : Text.requireName("name", spec.name(), NAME_LENGTH_MAX);
        Instant now = clock.instant();
        if (spec.expiresAt() != null && !spec.expiresAt().isAfter(now)) {
            throw ApiException.validation(
                    "expiresAt must be in the future; it is " + spec.expiresAt() + ".");
        }
        checkHolder(orgId, spec, by);
        String key = "hr_" + Ids.random(43);
        String id = Ids.newId("key");
        jdbc.sql(
                        "insert into api_key (key_hash, org_id, id, role, member_id, created_at,"
                                + " expires_at, name) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        HexFormat.of().formatHex(sha256(key)),
                        orgId,
                        id,
                        spec.role().name(),
                        spec.memberId(),
                        Timestamp.from(now),
                        spec.expiresAt() == null ? null : Timestamp.from(spec.expiresAt()),
                        name)
                .update();
        audit.record(
                orgId,
                orgs.now(org),
                by.actor(),
                "api_key.create",
                id,
                null,
                spec.role()
                        + (spec.memberId() == null ? "" : " for " + spec.memberId())
                        + (spec.expiresAt() == null ? "" : " until " + spec.expiresAt()));
        return new NewKey(id, key, spec.role(), spec.memberId(), spec.expiresAt());
    }

    /**
     * EX-12, EX-14: a key for a member holds at most that member's role and is issued only by
     * someone not ranked below them; an owner or admin key of no member answers to nobody's current
     * role, so only the operator issues one.
     */
    private void checkHolder(String orgId, KeySpec spec, Caller by) {
        if (spec.memberId() == null) {
            if (spec.role() == KeyRole.MEMBER) {
                throw ApiException.validation("A MEMBER key needs the memberId it acts for.");
            }
            if ((spec.role() == KeyRole.OWNER || spec.role() == KeyRole.ADMIN)
                    && !by.rank().operator()) {
                throw ApiException.forbidden(
                        "An "
                                + spec.role()
                                + " key of no member follows nobody's role, so only the operator"
                                + " issues one; give the memberId it acts for.");
            }
            return;
        }
        if (spec.role() == KeyRole.SERVICE) {
            throw ApiException.validation(
                    "A SERVICE key acts for the org, not for a member: leave memberId out.");
        }
        Member member = members.require(orgId, spec.memberId());
        by.requireMayChange(member, RankRules.Change.KEYS);
        by.requireMayGrant(spec.role().asRole());
        if (!member.role().atLeast(spec.role().asRole())) {
            throw ApiException.validation(
                    "Member '"
                            + spec.memberId()
                            + "' is "
                            + member.role()
                            + " and cannot hold a "
                            + spec.role()
                            + " key.");
        }
    }

    /** The org's keys, newest first; revoked ones only when asked for. */
    public List<KeyInfo> list(String orgId, boolean includeRevoked) {
        orgs.require(orgId);
        return jdbc.sql(
                        "select id, name, role, member_id, created_at, last_used_at, expires_at,"
                                + " revoked_at from api_key where org_id = ?"
                                + (includeRevoked ? "" : " and revoked_at is null")
                                + " order by created_at desc, id")
                .param(orgId)
                .query((rs, n) ->
                        new KeyInfo(
                                rs.getString("id"),
                                rs.getString("name"),
                                KeyRole.valueOf(rs.getString("role")),
                                rs.getString("member_id"),
                                instant(rs, "created_at"),
                                instant(rs, "last_used_at"),
                                instant(rs, "expires_at"),
                                instant(rs, "revoked_at")))
                .list();
    }

    private record StoredKey(String memberId, Instant revokedAt) {}

    /**
     * Revokes a key: it answers 401 from the next request on, on this node before this returns and
     * on the others by notification. Revoking a revoked key changes nothing.
     */
    @Transactional
    public void revoke(String orgId, String keyId, Caller by) {
        Org org = orgs.require(orgId);
        StoredKey key =
                jdbc.sql(
                                "select member_id, revoked_at from api_key where org_id = ? and id = ?"
                                        + " for update")
                        .params(orgId, keyId)
                        .query((rs, n) -> new StoredKey(rs.getString(1), instant(rs, "revoked_at")))
                        .optional()
                        .orElseThrow(() ->
                                ApiException.notFound(
                                        "Key '"
                                                + keyId
                                                + "' does not exist in organisation '"
                                                + orgId
                                                + "'."));
        if (key.memberId() != null) {
            by.requireMayChange(members.require(orgId, key.memberId()), RankRules.Change.KEYS);
        }
        if (key.revokedAt() != null) {
            return;
        }
        jdbc.sql("update api_key set revoked_at = ? where org_id = ? and id = ?")
                .params(Timestamp.from(clock.instant()), orgId, keyId)
                .update();
        changes.keyChanged(orgId, keyId);
        audit.record(
                orgId, orgs.now(org), by.actor(), "api_key.revoke", keyId, "active", "revoked");
    }

    /** The key of an {@code Authorization: Bearer <key>} header, or {@code null} without one. */
    public static String bearerKey(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
    }

    public Verdict authenticate(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return new Verdict.Rejected("The API key is not valid.");
        }
        byte[] hash = sha256(key);
        if (MessageDigest.isEqual(hash, operatorKeyHash)) {
            return new Verdict.Accepted(Caller.Operator.KEY);
        }
        String hex = HexFormat.of().formatHex(hash);
        KeyGrant grant = cache.get(hex, () -> load(hex));
        if (grant == null) {
            return new Verdict.Rejected("The API key is not valid.");
        }
        Instant now = clock.instant();
        String refusal = grant.refusal(now);
        if (refusal != null) {
            return new Verdict.Rejected(refusal);
        }
        recordUse(grant, now);
        return new Verdict.Accepted(grant.caller());
    }

    private KeyGrant load(String hash) {
        return jdbc.sql(
                        """
                        select k.id, k.org_id, k.role, k.member_id, k.expires_at, k.revoked_at,
                               m.role as member_role, m.removed_at
                          from api_key k
                          left join member m on m.org_id = k.org_id and m.id = k.member_id
                         where k.key_hash = ?
                        """)
                .param(hash)
                .query((rs, n) -> {
                    String memberRole = rs.getString("member_role");
                    return new KeyGrant(
                            rs.getString("id"),
                            rs.getString("org_id"),
                            KeyRole.valueOf(rs.getString("role")),
                            rs.getString("member_id"),
                            memberRole == null ? null : Role.valueOf(memberRole),
                            rs.getTimestamp("removed_at") != null,
                            instant(rs, "expires_at"),
                            instant(rs, "revoked_at"));
                })
                .optional()
                .orElse(null);
    }

    /**
     * Writes lastUsedAt when the stored one is a minute old or more: one write a key a minute. The
     * common case only reads the map, so the many requests of one busy key never queue on it.
     */
    private void recordUse(KeyGrant grant, Instant now) {
        Instant written = lastUsedWritten.get(grant.keyId());
        if (written != null && now.isBefore(written.plus(LAST_USED_PRECISION))) {
            return;
        }
        if (lastUsedWritten.size() >= KeyCache.KEYS_MAX) {
            lastUsedWritten.clear();
        }
        boolean mine =
                written == null
                        ? lastUsedWritten.putIfAbsent(grant.keyId(), now) == null
                        : lastUsedWritten.replace(grant.keyId(), written, now);
        if (!mine) {
            return;
        }
        try {
            jdbc.sql(
                            "update api_key set last_used_at = ? where org_id = ? and id = ?"
                                    + " and (last_used_at is null or last_used_at < ?)")
                    .params(Timestamp.from(now), grant.orgId(), grant.keyId(), Timestamp.from(now))
                    .update();
        } catch (RuntimeException e) {
            // Advisory: a key that works must not fail because its last use was not written.
            log.warn("Could not record the last use of key {}: {}", grant.keyId(), e.toString());
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
