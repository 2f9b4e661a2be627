package dev.headroom.organization;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Ids;
import dev.headroom.core.StateChanges;
import dev.headroom.core.Text;
import dev.headroom.core.db.OrgKeys;
import dev.headroom.core.db.RoundTrip;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Members, their roles and seat types (XU-3, XU-4), who leave with their history kept (EX-13), and
 * the rank rules of every change to them (EX-14). A removed member is still found by {@link #find}
 * and {@link #require} (their usage, invoices and requests name them); {@link #lock} and the lists
 * know present members only.
 */
@Service
public class MemberService {

    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final AuditLog audit;
    private final Clock clock;

    private final StateChanges changes;
    private final ApplicationEventPublisher events;

    public MemberService(
            JdbcClient jdbc,
            OrgService orgs,
            AuditLog audit,
            Clock clock,
            StateChanges changes,
            ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
        this.changes = changes;
    }

    public record NewMember(String email, String name, Role role, SeatType seatType) {}

    @Transactional
    public Member create(String orgId, NewMember request, Caller by) {
        Org org = orgs.require(orgId);
        if (!Text.isEmail(request.email())) {
            throw ApiException.validation(
                    "email must be an email address (one @ and a domain such as example.com).");
        }
        String name = Text.requireName("name", request.name(), 200);
        Role role = request.role() == null ? Role.MEMBER : request.role();
        by.requireMayGrant(role);
        checkSeat(org, request.seatType());
        if (role == Role.PRIMARY_OWNER && primaryOwner(orgId).isPresent()) {
            throw ApiException.conflict(
                    "The organisation already has a primary owner; the primary owner hands the"
                            + " role over with POST /orgs/{org}/primary-owner.");
        }
        if (jdbc.sql(
                                "select count(*) from member where org_id = ? and lower(email) = lower(?)"
                                        + " and removed_at is null")
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
                        name,
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
                by.actor(),
                "member.create",
                member.id(),
                null,
                role + " " + request.seatType());
        return member;
    }

    /**
     * Changes a member's role or seat type within the rank rules (EX-14). {@code PRIMARY_OWNER} is
     * never set here: the primary owner hands it over with {@link #handOverPrimaryOwner}.
     */
    @Transactional
    public Member update(String orgId, String memberId, Role role, SeatType seatType, Caller by) {
        Org org = orgs.require(orgId);
        Member member = lock(orgId, memberId);
        if (seatType != null && seatType != member.seatType()) {
            by.requireMayChange(member, RankRules.Change.SEAT);
            checkSeat(org, seatType);
            jdbc.sql("update member set seat_type = ? where org_id = ? and id = ?")
                    .params(seatType.name(), orgId, memberId)
                    .update();
            changes.accessChanged(orgId, memberId);
            audit.record(
                    orgId,
                    orgs.now(org),
                    by.actor(),
                    "member.seat_type",
                    memberId,
                    member.seatType(),
                    seatType);
        }
        if (role != null && role != member.role()) {
            if (role == Role.PRIMARY_OWNER) {
                throw ApiException.forbidden(
                        "PRIMARY_OWNER is never set by PATCH: the primary owner hands the role over"
                                + " with POST /orgs/{org}/primary-owner.");
            }
            by.requireMayChange(member, RankRules.Change.ROLE);
            by.requireMayGrant(role);
            if (member.role() == Role.PRIMARY_OWNER) {
                throw ApiException.conflict(
                        "The primary owner keeps the role until they hand it over with POST"
                                + " /orgs/{org}/primary-owner.");
            }
            setRole(org, memberId, member.role(), role, by);
        }
        return require(orgId, memberId);
    }

    /**
     * EX-14: the primary owner (or the operator) makes another owner the primary owner; the
     * previous one becomes an owner, so there is always exactly one.
     */
    @Transactional
    public Member handOverPrimaryOwner(String orgId, String memberId, Caller by) {
        Org org = orgs.require(orgId);
        Optional<Member> current = primaryOwner(orgId);
        RankRules.Rank rank = by.rank();
        boolean isPrimary =
                current.isPresent()
                        && current.get().id().equals(rank.memberId())
                        && rank.role() == Role.PRIMARY_OWNER;
        if (!rank.operator() && !isPrimary) {
            throw ApiException.forbidden(
                    "Only the primary owner or the operator hands over the primary-owner role.");
        }
        if (memberId == null) {
            throw ApiException.validation("memberId is required: the owner to hand the role to.");
        }
        Member next = lock(orgId, memberId);
        if (next.role() == Role.PRIMARY_OWNER) {
            return next;
        }
        if (next.role() != Role.OWNER) {
            throw ApiException.conflict(
                    next.name()
                            + " is "
                            + next.role()
                            + ": the primary-owner role goes to an owner only; make them an OWNER"
                            + " first.");
        }
        current.ifPresent(
                previous -> setRole(org, previous.id(), Role.PRIMARY_OWNER, Role.OWNER, by));
        setRole(org, memberId, Role.OWNER, Role.PRIMARY_OWNER, by);
        return require(orgId, memberId);
    }

    private void setRole(Org org, String memberId, Role from, Role to, Caller by) {
        jdbc.sql("update member set role = ? where org_id = ? and id = ?")
                .params(to.name(), org.id(), memberId)
                .update();
        changes.accessChanged(org.id(), memberId);
        audit.record(org.id(), orgs.now(org), by.actor(), "member.role", memberId, from, to);
    }

    /**
     * EX-13: the member leaves. Their keys are revoked and their console account removed (so their
     * sessions end at the next click), their pending request is withdrawn, and they leave the lists
     * and admission; their usage, spend, invoices and audit stay as they were.
     */
    @Transactional
    public void remove(String orgId, String memberId, Caller by) {
        Org org = orgs.require(orgId);
        Member member = lock(orgId, memberId);
        by.requireMayChange(member, RankRules.Change.REMOVAL);
        if (member.role() == Role.PRIMARY_OWNER) {
            throw ApiException.conflict(
                    "The primary owner cannot be removed; hand the role over to another owner"
                            + " first (POST /orgs/{org}/primary-owner).");
        }
        // On the org's clock, like the usage it bounds: later usage of theirs is refused.
        Instant at = orgs.now(org);
        jdbc.sql("update member set removed_at = ? where org_id = ? and id = ?")
                .params(Timestamp.from(at), orgId, memberId)
                .update();
        int keys =
                jdbc.sql(
                                "update api_key set revoked_at = ? where org_id = ? and member_id = ?"
                                        + " and revoked_at is null")
                        .params(Timestamp.from(clock.instant()), orgId, memberId)
                        .update();
        jdbc.sql("delete from console_account where org_id = ? and member_id = ?")
                .params(orgId, memberId)
                .update();
        changes.accessChanged(orgId, memberId);
        events.publishEvent(new MemberRemoved(orgId, memberId, at));
        audit.record(
                orgId,
                orgs.now(org),
                by.actor(),
                "member.remove",
                memberId,
                member.role() + " " + member.email(),
                "removed; " + keys + " key(s) revoked");
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

    /**
     * Locks a present member's row: settlement and setting changes of one member are serialised. A
     * member who has left is refused like an unknown one: nothing of theirs changes any more.
     */
    public Member lock(String orgId, String memberId) {
        Member member =
                jdbc.sql("select * from member where org_id = ? and id = ? for no key update")
                        .params(orgId, memberId)
                        .query((rs, n) -> OrgRows.member(rs))
                        .optional()
                        .orElseThrow(() -> unknown(orgId, memberId));
        if (member.removed()) {
            throw ApiException.notFound(
                    member.name()
                            + " ("
                            + memberId
                            + ") left the organisation on "
                            + member.removedAt()
                            + "; nothing of theirs can be changed.");
        }
        return member;
    }

    /**
     * The query that locks the members named, of any number of orgs, in one statement and in one
     * order — org, then member id — so that two settling transactions never wait for each other in
     * a cycle. Members who have left are included: their late usage is the settlement's to judge.
     */
    public RoundTrip.Query<List<Member>> locking(
            SortedMap<String, ? extends SortedSet<String>> memberIdsByOrg) {
        OrgKeys members = OrgKeys.of(memberIdsByOrg);
        return new RoundTrip.Query<>(
                // Locked one by one in the keys' order, (org, id): a lookup by key per member.
                "select m.* from unnest(?::text[], ?::text[]) as k(org_id, id) cross join lateral"
                        + " (select * from member x where x.org_id = k.org_id and x.id = k.id"
                        + " offset 0 for no key update) m",
                rs -> {
                    List<Member> locked = new ArrayList<>();
                    while (rs.next()) {
                        locked.add(OrgRows.member(rs));
                    }
                    return locked;
                },
                members.orgIds(),
                members.keys());
    }

    /**
     * Members whose name or email contains {@code query}, ordered by name; those who left only when
     * {@code includeRemoved}.
     */
    public List<Member> search(
            String orgId, String query, boolean includeRemoved, int limit, long offset) {
        return jdbc.sql(
                        "select * from member where org_id = ? and (lower(name) like ? escape '\\'"
                                + " or lower(email) like ? escape '\\')"
                                + present(includeRemoved)
                                + " order by lower(name), id limit ? offset ?")
                .params(orgId, like(query), like(query), limit, offset)
                .query((rs, n) -> OrgRows.member(rs))
                .list();
    }

    public long count(String orgId, String query, boolean includeRemoved) {
        return jdbc.sql(
                        "select count(*) from member where org_id = ? and (lower(name) like ? escape '\\'"
                                + " or lower(email) like ? escape '\\')"
                                + present(includeRemoved))
                .params(orgId, like(query), like(query))
                .query(Long.class)
                .single();
    }

    /** Present members per seat type (a member of no seat type counts under {@code null}). */
    public java.util.Map<SeatType, Long> seatCounts(String orgId) {
        java.util.Map<SeatType, Long> counts = new java.util.LinkedHashMap<>();
        jdbc.sql(
                        "select seat_type, count(*) from member where org_id = ? and removed_at is null"
                                + " group by seat_type order by seat_type")
                .param(orgId)
                .query(rs -> {
                    String seat = rs.getString(1);
                    counts.put(seat == null ? null : SeatType.valueOf(seat), rs.getLong(2));
                });
        return counts;
    }

    private static String present(boolean includeRemoved) {
        return includeRemoved ? "" : " and removed_at is null";
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
        return ApiException.notFound(Member.unknown(orgId, memberId));
    }
}
