package dev.headroom.metering;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import dev.headroom.core.Money;
import dev.headroom.core.StateChanges;
import dev.headroom.core.db.RoundTrip;
import dev.headroom.credits.BalanceLedger;
import dev.headroom.credits.Payments;
import dev.headroom.metering.holds.HoldStore;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.metering.rules.ExtraUsageSettings;
import dev.headroom.organization.Caller;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgCreated;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.RankRules;
import dev.headroom.organization.SeatType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owners' extra-usage controls: on/off and scope, caps for the org, per seat type and per
 * member (XU-8, XU-9, XU-11, XU-12, XU-14). Every change is audited in its own transaction and read
 * by the very next admission, which loads settings fresh.
 */
@Service
public class ExtraUsageSettingsService {
    private final JdbcClient jdbc;
    private final OrgService orgs;
    private final MemberService members;
    private final Payments payments;
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final BalanceLedger ledger;
    private final AuditLog audit;
    private final StateChanges changes;
    private final HoldStore holds;

    public ExtraUsageSettingsService(
            JdbcClient jdbc,
            OrgService orgs,
            MemberService members,
            Payments payments,
            org.springframework.transaction.support.TransactionTemplate tx,
            BalanceLedger ledger,
            AuditLog audit,
            StateChanges changes,
            HoldStore holds) {
        this.holds = holds;
        this.jdbc = jdbc;
        this.orgs = orgs;
        this.members = members;
        this.payments = payments;
        this.tx = tx;
        this.ledger = ledger;
        this.audit = audit;
        this.changes = changes;
    }

    @EventListener
    void onOrgCreated(OrgCreated event) {
        jdbc.sql("insert into extra_usage_settings (org_id) values (?)")
                .param(event.org().id())
                .update();
    }

    public ExtraUsageSettings get(String orgId) {
        return jdbc.sql("select * from extra_usage_settings where org_id = ?")
                .param(orgId)
                .query((rs, n) -> settings(rs))
                .optional()
                .orElse(ExtraUsageSettings.DEFAULT);
    }

    /** The query of the settings of each of {@code orgIds} (a settlement group of many orgs). */
    public RoundTrip.Query<Map<String, ExtraUsageSettings>> ofOrgs(Collection<String> orgIds) {
        return new RoundTrip.Query<>(
                // A lookup by key per org, whatever the group's size (SettlementReads).
                "select s.* from unnest(?::text[]) as k(org_id) cross join lateral"
                        + " (select * from extra_usage_settings e where e.org_id = k.org_id offset 0) s",
                rs -> {
                    Map<String, ExtraUsageSettings> found = new HashMap<>();
                    orgIds.forEach(id -> found.put(id, ExtraUsageSettings.DEFAULT));
                    while (rs.next()) {
                        found.put(rs.getString("org_id"), settings(rs));
                    }
                    return found;
                },
                (Object) orgIds.toArray(String[]::new));
    }

    private static ExtraUsageSettings settings(ResultSet rs) throws SQLException {
        return new ExtraUsageSettings(
                rs.getBoolean("enabled"),
                ExtraUsageScope.valueOf(rs.getString("scope")),
                rs.getBoolean("requests_enabled"),
                rs.getBoolean("strict"),
                nullableLong(rs, "spend_limit_nanos"),
                nullableLong(rs, "standard_limit_nanos"),
                nullableLong(rs, "premium_limit_nanos"));
    }

    /**
     * XU-5, XU-9, XU-14. On a Team org the first enabling needs an initial purchase: it is charged
     * first (in its own transactions), and extra usage is switched on only once it succeeded; a
     * declined payment leaves it off and says why. Turning extra usage off keeps balance, caps and
     * history.
     */
    public ExtraUsageSettings configure(
            String orgId,
            boolean enabled,
            ExtraUsageScope scope,
            Money initialPurchase,
            String idempotencyKey,
            StrictChange strict,
            String actor) {
        Org org = orgs.require(orgId);
        requireSeats(org, "extra usage");
        strict.check();
        if (initialPurchase != null) {
            if (org.plan() != Plan.TEAM) {
                throw ApiException.planNotSupported(
                        "initialPurchase applies to TEAM orgs; "
                                + org.plan()
                                + " is billed in arrears.");
            }
            if (payments.purchase(org, initialPurchase, idempotencyKey, actor)
                    instanceof Payments.NotPaid notPaid) {
                throw Payments.refusalOf(notPaid);
            }
        }
        return tx.execute(status -> {
            switchOn(orgId, enabled, scope, actor);
            return applyStrict(orgId, strict, actor);
        });
    }

    /**
     * EX-1: strict caps on or off, the holds' lifetime and the max_tokens floor; null: unchanged.
     */
    public record StrictChange(Boolean strict, Duration holdTtl, Integer maxTokensFloor) {
        public static final StrictChange NONE = new StrictChange(null, null, null);

        void check() {
            if (holdTtl != null
                    && (holdTtl.compareTo(Duration.ofSeconds(10)) < 0
                            || holdTtl.compareTo(Duration.ofDays(1)) > 0)) {
                throw ApiException.validation(
                        "holdTtl must be between PT10S and PT24H, for example PT10M.");
            }
            if (maxTokensFloor != null && (maxTokensFloor < 1 || maxTokensFloor > 1_000_000)) {
                throw ApiException.validation("maxTokensFloor must be between 1 and 1000000.");
            }
        }
    }

    /** EX-1: strict caps on or off, the rest unchanged. */
    public ExtraUsageSettings setStrict(String orgId, boolean strict, String actor) {
        Org org = orgs.require(orgId);
        requireSeats(org, "strict caps");
        return tx.execute(
                status -> applyStrict(orgId, new StrictChange(strict, null, null), actor));
    }

    private ExtraUsageSettings applyStrict(String orgId, StrictChange change, String actor) {
        Org org = orgs.require(orgId);
        HoldStore.StrictSettings before = holds.settings(orgId);
        if (change.strict() != null && change.strict() != before.strict()) {
            jdbc.sql("update extra_usage_settings set strict = ? where org_id = ?")
                    .params(change.strict(), orgId)
                    .update();
            if (!change.strict()) {
                holds.releaseAll(orgId);
            }
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "extra_usage.strict",
                    orgId,
                    before.strict(),
                    change.strict());
        }
        if (change.holdTtl() != null && !change.holdTtl().equals(before.ttl())) {
            jdbc.sql("update extra_usage_settings set hold_ttl_seconds = ? where org_id = ?")
                    .params((int) change.holdTtl().toSeconds(), orgId)
                    .update();
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "extra_usage.hold_ttl",
                    orgId,
                    before.ttl().toString(),
                    change.holdTtl().toString());
        }
        if (change.maxTokensFloor() != null && change.maxTokensFloor() != before.maxTokensFloor()) {
            jdbc.sql("update extra_usage_settings set max_tokens_floor = ? where org_id = ?")
                    .params(change.maxTokensFloor(), orgId)
                    .update();
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "extra_usage.max_tokens_floor",
                    orgId,
                    before.maxTokensFloor(),
                    change.maxTokensFloor());
        }
        changes.orgChanged(orgId);
        return get(orgId);
    }

    private ExtraUsageSettings switchOn(
            String orgId, boolean enabled, ExtraUsageScope scope, String actor) {
        Org org = lockSeatOrg(orgId, "extra usage");
        ExtraUsageSettings before = get(orgId);
        if (enabled && !before.enabled() && org.plan() == Plan.TEAM && !ledger.everFunded(orgId)) {
            throw ApiException.validation(
                    "Enabling extra usage on a Team org asks for an initial prepaid purchase: give initialPurchase.");
        }
        ExtraUsageScope newScope = scope == null ? before.scope() : scope;
        jdbc.sql("update extra_usage_settings set enabled = ?, scope = ? where org_id = ?")
                .params(enabled, newScope.name(), orgId)
                .update();
        changes.orgChanged(orgId);
        if (before.enabled() != enabled) {
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "extra_usage.enabled",
                    orgId,
                    before.enabled(),
                    enabled);
        }
        if (before.scope() != newScope) {
            audit.record(
                    orgId,
                    orgs.now(org),
                    actor,
                    "extra_usage.scope",
                    orgId,
                    before.scope(),
                    newScope);
        }
        return get(orgId);
    }

    /** XU-25: the requests toggle. */
    @Transactional
    public ExtraUsageSettings setRequestsEnabled(String orgId, boolean enabled, String actor) {
        Org org = lockSeatOrg(orgId, "extra-usage requests");
        if (org.plan() != Plan.ENTERPRISE_SEAT) {
            throw ApiException.planNotSupported(
                    "Extra-usage requests exist on ENTERPRISE_SEAT orgs only; this org is "
                            + org.plan()
                            + ".");
        }
        ExtraUsageSettings before = get(orgId);
        return changeOrgSetting(
                org,
                "requests_enabled",
                enabled,
                "extra_usage.requests_enabled",
                orgId,
                before.requestsEnabled(),
                enabled,
                actor);
    }

    /**
     * XU-8: the org-wide monthly cap, {@code null} for unlimited. On a usage-based org only the
     * operator may set it (the caller checks that), as the only bound on its metered usage.
     */
    @Transactional
    public ExtraUsageSettings setOrgLimit(String orgId, Money amount, String actor) {
        Org org = lockOrg(orgId);
        ExtraUsageSettings before = get(orgId);
        return changeOrgSetting(
                org,
                "spend_limit_nanos",
                nanos(amount),
                "spend_limit.org",
                orgId,
                show(before.spendLimitNanos()),
                show(amount),
                actor);
    }

    /** XU-11: a seat type's cap, the per-member default on seat-based Enterprise orgs. */
    @Transactional
    public ExtraUsageSettings setSeatTypeLimit(
            String orgId, SeatType seatType, Money amount, String actor) {
        Org org = lockSeatOrg(orgId, "seat-type caps");
        if (org.plan() != Plan.ENTERPRISE_SEAT) {
            throw ApiException.planNotSupported(
                    "Seat-type caps exist on ENTERPRISE_SEAT orgs only; on a TEAM org set the org cap or member caps.");
        }
        ExtraUsageSettings before = get(orgId);
        String column =
                seatType == SeatType.STANDARD ? "standard_limit_nanos" : "premium_limit_nanos";
        return changeOrgSetting(
                org,
                column,
                nanos(amount),
                "spend_limit.seat_type",
                seatType.name(),
                show(before.seatTypeLimitNanos(seatType)),
                show(amount),
                actor);
    }

    /** XU-12: a member's own cap; {@code null} removes it, so the seat type's cap applies again. */
    @Transactional
    public Member setMemberLimit(String orgId, String memberId, Money amount, Caller by) {
        Org org = lockSeatOrg(orgId, "member caps");
        Member member = members.lock(orgId, memberId);
        by.requireMayChange(member, RankRules.Change.CAPS);
        return changeMemberSetting(
                org,
                member,
                "spend_limit_nanos",
                nanos(amount),
                "spend_limit.member",
                show(member.spendLimit() == null ? null : member.spendLimit().nanos()),
                show(amount),
                by);
    }

    /** XU-9: switches extra usage on or off for one member, whatever the org's scope. */
    @Transactional
    public Member setMemberExtraUsage(String orgId, String memberId, boolean enabled, Caller by) {
        Org org = lockSeatOrg(orgId, "extra usage");
        Member member = members.lock(orgId, memberId);
        by.requireMayChange(member, RankRules.Change.CAPS);
        return changeMemberSetting(
                org,
                member,
                "extra_usage",
                enabled,
                "extra_usage.member",
                member.extraUsageOverride(),
                enabled,
                by);
    }

    /**
     * One audited change of one settings column: written, told to admission (XU-18) and recorded
     * with what it was and what it is now (EX-7), under {@code target} in the audit log.
     */
    private ExtraUsageSettings changeOrgSetting(
            Org org,
            String column,
            Object value,
            String action,
            String target,
            Object from,
            Object to,
            String actor) {
        // The column is one of this class's fixed names, never input.
        jdbc.sql("update extra_usage_settings set " + column + " = ? where org_id = ?")
                .params(value, org.id())
                .update();
        changes.orgChanged(org.id());
        audit.record(org.id(), orgs.now(org), actor, action, target, from, to);
        return get(org.id());
    }

    /** The same for one column of a member's row (XU-9, XU-12). */
    private Member changeMemberSetting(
            Org org,
            Member member,
            String column,
            Object value,
            String action,
            Object from,
            Object to,
            Caller by) {
        jdbc.sql("update member set " + column + " = ? where org_id = ? and id = ?")
                .params(value, org.id(), member.id())
                .update();
        changes.memberChanged(org.id(), member.id());
        audit.record(org.id(), orgs.now(org), by.actor(), action, member.id(), from, to);
        return members.require(org.id(), member.id());
    }

    // Serialises setting changes of one org; admissions never take this lock.
    private Org lockOrg(String orgId) {
        Org org = orgs.require(orgId);
        jdbc.sql("select org_id from extra_usage_settings where org_id = ? for update")
                .param(orgId)
                .query(String.class)
                .optional();
        return org;
    }

    private Org lockSeatOrg(String orgId, String what) {
        return requireSeats(lockOrg(orgId), what);
    }

    private static Org requireSeats(Org org, String what) {
        if (!org.plan().hasSeats()) {
            throw ApiException.planNotSupported(
                    "ENTERPRISE_USAGE orgs are billed by consumption from the first token: "
                            + what
                            + " does not apply to this plan.");
        }
        return org;
    }

    private static Long nanos(Money amount) {
        return amount == null ? null : amount.nanos();
    }

    private static String show(Long nanos) {
        return nanos == null ? "Unlimited" : Money.ofNanos(nanos).toDecimalString();
    }

    private static String show(Money amount) {
        return amount == null ? "Unlimited" : amount.toDecimalString();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
