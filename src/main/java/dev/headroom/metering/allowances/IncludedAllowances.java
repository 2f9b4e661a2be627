package dev.headroom.metering.allowances;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.Amounts;
import dev.headroom.core.ApiException;
import dev.headroom.core.StateChanges;
import dev.headroom.core.db.RoundTrip;
import dev.headroom.metering.rules.WindowAllowance;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgCreated;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.SeatType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The included allowance of each seat type of an org: its windows (XU-2). */
@Service
public class IncludedAllowances {
    private final JdbcClient jdbc;
    private final IncludedAllowanceDefaults defaults;
    private final OrgService orgs;
    private final AuditLog audit;
    private final StateChanges changes;

    public IncludedAllowances(
            JdbcClient jdbc,
            IncludedAllowanceDefaults defaults,
            OrgService orgs,
            AuditLog audit,
            StateChanges changes) {
        this.jdbc = jdbc;
        this.defaults = defaults;
        this.orgs = orgs;
        this.audit = audit;
        this.changes = changes;
    }

    @EventListener
    public void onOrgCreated(OrgCreated event) {
        Org org = event.org();
        if (!org.plan().hasSeats()) {
            return;
        }
        for (SeatType seatType : SeatType.values()) {
            insert(org.id(), seatType, toWindows(defaults.windows(org.plan(), seatType)));
        }
    }

    public List<WindowAllowance> forSeat(String orgId, SeatType seatType) {
        if (seatType == null) {
            return List.of();
        }
        return jdbc.sql(
                        "select window_name, duration_seconds, allowance_nanos from included_allowance"
                                + " where org_id = ? and seat_type = ? order by position")
                .params(orgId, seatType.name())
                .query((rs, n) ->
                        new WindowAllowance(
                                rs.getString(1), Duration.ofSeconds(rs.getLong(2)), rs.getLong(3)))
                .list();
    }

    /**
     * The query of the windows of every seat type of each of {@code orgIds} (a settlement group); a
     * seat type without windows maps to none.
     */
    public RoundTrip.Query<Map<String, Map<SeatType, List<WindowAllowance>>>> ofOrgs(
            Collection<String> orgIds) {
        return new RoundTrip.Query<>(
                // A lookup by key per org, whatever the group's size (SettlementReads).
                "select a.org_id, a.seat_type, a.window_name, a.duration_seconds, a.allowance_nanos"
                        + " from unnest(?::text[]) as k(org_id) cross join lateral"
                        + " (select * from included_allowance i where i.org_id = k.org_id offset 0) a"
                        + " order by a.org_id, a.seat_type, a.position",
                rs -> {
                    Map<String, Map<SeatType, List<WindowAllowance>>> found = new HashMap<>();
                    orgIds.forEach(id -> found.put(id, new EnumMap<>(SeatType.class)));
                    while (rs.next()) {
                        found.get(rs.getString(1))
                                .computeIfAbsent(
                                        SeatType.valueOf(rs.getString(2)), s -> new ArrayList<>())
                                .add(
                                        new WindowAllowance(
                                                rs.getString(3),
                                                Duration.ofSeconds(rs.getLong(4)),
                                                rs.getLong(5)));
                    }
                    return found;
                },
                (Object) orgIds.toArray(String[]::new));
    }

    /** Replaces a seat type's windows; members' running windows keep their start and usage. */
    @Transactional
    public List<WindowAllowance> replace(
            String orgId,
            SeatType seatType,
            List<IncludedAllowanceDefaults.WindowSpec> specs,
            String actor) {
        Org org = orgs.require(orgId);
        if (!org.plan().hasSeats()) {
            throw ApiException.planNotSupported(
                    "An ENTERPRISE_USAGE org has no per-seat included usage: all usage is metered.");
        }
        if (seatType == null) {
            throw ApiException.validation("seatType must be STANDARD or PREMIUM.");
        }
        List<WindowAllowance> windows = toWindows(specs);
        List<WindowAllowance> before = forSeat(orgId, seatType);
        changes.orgChanged(orgId);
        jdbc.sql("delete from included_allowance where org_id = ? and seat_type = ?")
                .params(orgId, seatType.name())
                .update();
        insert(orgId, seatType, windows);
        audit.record(
                orgId,
                orgs.now(org),
                actor,
                "included_allowance",
                seatType.name(),
                describe(before),
                describe(windows));
        return windows;
    }

    private void insert(String orgId, SeatType seatType, List<WindowAllowance> windows) {
        int position = 0;
        for (WindowAllowance window : windows) {
            jdbc.sql(
                            "insert into included_allowance (org_id, seat_type, window_name, position,"
                                    + " duration_seconds, allowance_nanos) values (?, ?, ?, ?, ?, ?)")
                    .params(
                            orgId,
                            seatType.name(),
                            window.name(),
                            position++,
                            window.duration().toSeconds(),
                            window.allowanceNanos())
                    .update();
        }
    }

    public static List<WindowAllowance> toWindows(
            List<IncludedAllowanceDefaults.WindowSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            throw ApiException.validation("windows must list at least one window.");
        }
        if (specs.size() > 10) {
            throw ApiException.validation("At most 10 windows per seat type.");
        }
        List<WindowAllowance> windows = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (IncludedAllowanceDefaults.WindowSpec spec : specs) {
            if (spec == null || spec.name() == null || !spec.name().matches("[a-z0-9_-]{1,40}")) {
                throw ApiException.validation(
                        "Each window needs a name of 1 to 40 lowercase letters, digits, _ or -.");
            }
            if (!names.add(spec.name())) {
                throw ApiException.validation(
                        "Window names must be unique; '" + spec.name() + "' repeats.");
            }
            if (spec.duration() == null
                    || spec.duration().compareTo(Duration.ofMinutes(1)) < 0
                    || spec.duration().compareTo(Duration.ofDays(366)) > 0) {
                throw ApiException.validation(
                        "Window '" + spec.name() + "' needs a duration between PT1M and P366D.");
            }
            windows.add(
                    new WindowAllowance(
                            spec.name(),
                            spec.duration(),
                            Amounts.nonNegative(
                                            "allowance of window '" + spec.name() + "'",
                                            spec.allowance())
                                    .nanos()));
        }
        return windows;
    }

    private static String describe(List<WindowAllowance> windows) {
        return windows.stream()
                .map(w ->
                        w.name()
                                + " "
                                + w.duration()
                                + " "
                                + dev.headroom.core.Money.ofNanos(w.allowanceNanos()))
                .collect(Collectors.joining(", "));
    }
}
