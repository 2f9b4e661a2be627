package dev.headroom.organization;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.StateChanges;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Members, their roles and seat types (XU-3, XU-4). */
@Service
public class MemberService {
    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");

    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final AuditLog audit;
    private final Clock clock;

    private final StateChanges changes;

    public MemberService(
            JdbcClient jdbc, OrgService orgs, AuditLog audit, Clock clock, StateChanges changes) {
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
        this.changes = changes;
    }

    public record NewMember(String email, String name, Role role, SeatType seatType) {}

    @Transactional
    public Member create(String orgId, NewMember request, String actor) {
        Org org = orgs.require(orgId);
        if (request.email() == null || !EMAIL.matcher(request.email()).matches()) {
            throw ApiException.validation(
                    "email must be an email address, got '" + request.email() + "'.");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw ApiException.validation("name is required (1 to 200 characters).");
        }
        Role role = request.role() == null ? Role.MEMBER : request.role();
        checkSeat(org, request.seatType());
        if (role == Role.PRIMARY_OWNER && primaryOwner(orgId).isPresent()) {
            throw ApiException.conflict(
                    "The organisation already has a primary owner; transfer the role with PATCH instead.");
        }
        if (jdbc.sql("select count(*) from member where org_id = ? and lower(email) = lower(?)")
                        .params(orgId, request.email())
                        .query(Long.class)
                        .single()
                > 0) {
            throw ApiException.conflict(
                    "A member with the email '" + request.email() + "' already exists.");
        }
        Member member =
                new Member(
                        orgId,
                        Ids.newId("mem"),
                        request.email(),
                        request.name().trim(),
                        role,
                        request.seatType(),
                        null,
                        null);
        jdbc.sql(
                        "insert into member (org_id, id, email, name, role, seat_type, created_at)"
                                + " values (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        orgId,
                        member.id(),
                        member.email(),
                        member.name(),
                        role.name(),
                        member.seatType() == null ? null : member.seatType().name(),
                        Timestamp.from(clock.instant()))
                .update();
        audit.record(
                orgId,
                orgs.now(org),
                actor,
                "member.create",
                member.id(),
                null,
                role + " " + request.seatType());
        return member;
    }

    /**
     * Changes a member's role or seat type. Making someone {@code PRIMARY_OWNER} transfers the
     * role: the previous primary owner becomes an {@code OWNER}, so there is always exactly one.
     */
    @Transactional
    public Member update(
            String orgId, String memberId, Role role, SeatType seatType, String actor) {
        Org org = orgs.require(orgId);
        Member member = lock(orgId, memberId);
        changes.memberChanged(orgId, memberId);
        if (seatType != null && seatType != member.seatType()) {
            checkSeat(org, seatType);
            jdbc.sql("update member set seat_type = ? where org_id = ? and id = ?")
                    .params(seatType.name(), orgId, memberId)
                    .update();
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "member.seat_type",
                    memberId,
                    member.seatType(),
                    seatType);
        }
        if (role != null && role != member.role()) {
            if (member.role() == Role.PRIMARY_OWNER) {
                throw ApiException.conflict(
                        "The primary owner keeps the role until another member is made PRIMARY_OWNER.");
            }
            if (role == Role.PRIMARY_OWNER) {
                primaryOwner(orgId)
                        .ifPresent(previous -> {
                            jdbc.sql("update member set role = 'OWNER' where org_id = ? and id = ?")
                                    .params(orgId, previous.id())
                                    .update();
                            audit.record(
                                    orgId,
                                    orgs.now(org),
                                    actor,
                                    "member.role",
                                    previous.id(),
                                    Role.PRIMARY_OWNER,
                                    Role.OWNER);
                        });
            }
            jdbc.sql("update member set role = ? where org_id = ? and id = ?")
                    .params(role.name(), orgId, memberId)
                    .update();
            audit.record(orgId, orgs.now(org), actor, "member.role", memberId, member.role(), role);
        }
        return require(orgId, memberId);
    }

    public Optional<Member> find(String orgId, String memberId) {
        return jdbc.sql("select * from member where org_id = ? and id = ?")
                .params(orgId, memberId)
                .query((rs, n) -> OrgRows.member(rs))
                .optional();
    }

    public Member require(String orgId, String memberId) {
        return find(orgId, memberId).orElseThrow(() -> unknown(orgId, memberId));
    }

    /** Locks the member row: settlement and setting changes of one member are serialised. */
    public Member lock(String orgId, String memberId) {
        return jdbc.sql("select * from member where org_id = ? and id = ? for no key update")
                .params(orgId, memberId)
                .query((rs, n) -> OrgRows.member(rs))
                .optional()
                .orElseThrow(() -> unknown(orgId, memberId));
    }

    /** Locks several members in one statement, always in id order, so lockers never deadlock. */
    public List<Member> lockAll(String orgId, List<String> memberIds) {
        return jdbc.sql(
                        "select * from member where org_id = ? and id = any(?) order by id"
                                + " for no key update")
                .params(orgId, memberIds.toArray(String[]::new))
                .query((rs, n) -> OrgRows.member(rs))
                .list();
    }

    /** Members whose name or email contains {@code query}, ordered by name. */
    public List<Member> search(String orgId, String query, int limit, long offset) {
        return jdbc.sql(
                        "select * from member where org_id = ? and (lower(name) like ? escape '\\'"
                                + " or lower(email) like ? escape '\\') order by lower(name), id limit ? offset ?")
                .params(orgId, like(query), like(query), limit, offset)
                .query((rs, n) -> OrgRows.member(rs))
                .list();
    }

    public long count(String orgId, String query) {
        return jdbc.sql(
                        "select count(*) from member where org_id = ? and (lower(name) like ? escape '\\'"
                                + " or lower(email) like ? escape '\\')")
                .params(orgId, like(query), like(query))
                .query(Long.class)
                .single();
    }

    private static String like(String query) {
        if (query == null || query.isBlank()) {
            return "%";
        }
        String text = query.trim().toLowerCase();
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private Optional<Member> primaryOwner(String orgId) {
        return jdbc.sql("select * from member where org_id = ? and role = 'PRIMARY_OWNER'")
                .param(orgId)
                .query((rs, n) -> OrgRows.member(rs))
                .optional();
    }

    private static void checkSeat(Org org, SeatType seatType) {
        if (org.plan().hasSeats() && seatType == null) {
            throw ApiException.validation(
                    "seatType is required on a " + org.plan() + " org: STANDARD or PREMIUM.");
        }
        if (!org.plan().hasSeats() && seatType != null) {
            throw ApiException.planNotSupported(
                    "An ENTERPRISE_USAGE org has no seat types; leave seatType out.");
        }
    }

    private static ApiException unknown(String orgId, String memberId) {
        return ApiException.notFound(
                "Member '" + memberId + "' does not exist in organisation '" + orgId + "'.");
    }
}
