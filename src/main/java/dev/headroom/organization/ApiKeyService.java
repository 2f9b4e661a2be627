package dev.headroom.organization;

import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys. A key is shown once; only its SHA-256 is stored (keys are 256-bit random, so a fast
 * hash is enough) and looked up by that hash. The operator key comes from {@code
 * HEADROOM_OPERATOR_KEY}, or is generated and printed when unset.
 */
@Service
public class ApiKeyService {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final MemberService members;
    private final dev.headroom.audit.AuditLog audit;
    private final OrgService orgs;
    private final byte[] operatorKeyHash;
    // Keys cannot be changed once created, so a found key may be cached for good.
    private final Map<String, Caller.OrgKey> cache = new ConcurrentHashMap<>();

    public ApiKeyService(
            JdbcClient jdbc,
            Clock clock,
            MemberService members,
            dev.headroom.audit.AuditLog audit,
            OrgService orgs,
            @Value("${headroom.operator-key:${HEADROOM_OPERATOR_KEY:}}") String operatorKey) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.members = members;
        this.audit = audit;
        this.orgs = orgs;
        if (operatorKey == null || operatorKey.isBlank()) {
            operatorKey = "hr_op_" + Ids.random(40);
            log.warn(
                    "HEADROOM_OPERATOR_KEY is not set; this run's operator key is: {}",
                    operatorKey);
        }
        this.operatorKeyHash = sha256(operatorKey);
    }

    public record NewKey(String id, String key, KeyRole role, String memberId) {}

    @Transactional
    public NewKey create(String orgId, KeyRole role, String memberId, String actor) {
        if (role == null) {
            throw ApiException.validation("role is required: OWNER, ADMIN, SERVICE or MEMBER.");
        }
        if (memberId != null) {
            Member member = members.require(orgId, memberId);
            Role needed =
                    switch (role) {
                        case OWNER -> Role.OWNER;
                        case ADMIN -> Role.ADMIN;
                        case MEMBER, SERVICE -> Role.MEMBER;
                    };
            if (role == KeyRole.SERVICE) {
                throw ApiException.validation(
                        "A SERVICE key acts for the org, not for a member: leave memberId out.");
            }
            if (!member.role().atLeast(needed)) {
                throw ApiException.validation(
                        "Member '"
                                + memberId
                                + "' is "
                                + member.role()
                                + " and cannot hold a "
                                + role
                                + " key.");
            }
        } else if (role == KeyRole.MEMBER) {
            throw ApiException.validation("A MEMBER key needs the memberId it acts for.");
        }
        String key = "hr_" + Ids.random(43);
        String id = Ids.newId("key");
        jdbc.sql(
                        "insert into api_key (key_hash, org_id, id, role, member_id, created_at)"
                                + " values (?, ?, ?, ?, ?, ?)")
                .params(
                        HexFormat.of().formatHex(sha256(key)),
                        orgId,
                        id,
                        role.name(),
                        memberId,
                        Timestamp.from(clock.instant()))
                .update();
        Org org = orgs.require(orgId);
        audit.record(
                orgId,
                orgs.now(org),
                actor,
                "api_key.create",
                id,
                null,
                role + (memberId == null ? "" : " for " + memberId));
        return new NewKey(id, key, role, memberId);
    }

    public Optional<Caller> authenticate(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return Optional.empty();
        }
        byte[] hash = sha256(key);
        if (MessageDigest.isEqual(hash, operatorKeyHash)) {
            return Optional.of(new Caller.Operator());
        }
        String hex = HexFormat.of().formatHex(hash);
        Caller.OrgKey cached = cache.get(hex);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Caller.OrgKey> found =
                jdbc.sql("select id, org_id, role, member_id from api_key where key_hash = ?")
                        .param(hex)
                        .query((rs, n) ->
                                new Caller.OrgKey(
                                        rs.getString(1),
                                        rs.getString(2),
                                        KeyRole.valueOf(rs.getString(3)),
                                        rs.getString(4)))
                        .optional();
        found.ifPresent(k -> cache.put(hex, k));
        return found.map(Caller.class::cast);
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
