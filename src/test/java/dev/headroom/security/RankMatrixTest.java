package dev.headroom.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.organization.RankRules.Change;
import dev.headroom.support.Api;
import dev.headroom.support.IntegrationTest;
import dev.headroom.support.Scenario.OrgFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EX-14 through the API, from one table: every caller role × every target role × every
 * member-changing action. Callers use keys of their own member (so their power is their role now);
 * targets are other members of the org, or the caller themselves. {@code Y} is a 2xx, {@code 4} a
 * 403 with a sentence, {@code 9} a 409, {@code -} a cell that cannot exist (the operator is
 * nobody's self; there is one primary owner). An allowed change is audited, a refused one writes
 * nothing. An action of {@link Change} missing from the table fails the build.
 */
class RankMatrixTest extends IntegrationTest {
    static final Instant T0 = Instant.parse("2027-05-03T09:00:00Z");

    enum Who {
        OPERATOR,
        PRIMARY_OWNER,
        OWNER,
        ADMIN,
        MEMBER
    }

    /** The columns: other members by role, then the caller themselves. */
    enum Target {
        PRIMARY_OWNER,
        OWNER,
        ADMIN,
        MEMBER,
        SELF
    }

    //                                  PRIMARY OWNER ADMIN MEMBER SELF
    static final List<String> OWNERS_CHANGE =
            List.of(
                    "OPERATOR        Y  Y  Y  Y  -",
                    "PRIMARY_OWNER   -  Y  Y  Y  Y",
                    "OWNER           4  Y  Y  Y  Y",
                    "ADMIN           4  4  4  4  4",
                    "MEMBER          4  4  4  4  4");

    // The primary owner's role and membership stay until they hand the role over: 409.
    static final List<String> OWNERS_CHANGE_BUT_NOT_THE_PRIMARY =
            List.of(
                    "OPERATOR        9  Y  Y  Y  -",
                    "PRIMARY_OWNER   -  Y  Y  Y  9",
                    "OWNER           4  Y  Y  Y  Y",
                    "ADMIN           4  4  4  4  4",
                    "MEMBER          4  4  4  4  4");

    static final Map<Change, List<String>> TABLE = new EnumMap<>(Change.class);

    static {
        // Role: one step down (a member one step up); the primary owner's only by hand-over.
        TABLE.put(Change.ROLE, OWNERS_CHANGE_BUT_NOT_THE_PRIMARY);
        TABLE.put(Change.SEAT, OWNERS_CHANGE);
        TABLE.put(Change.PASSWORD, OWNERS_CHANGE);
        TABLE.put(Change.CAPS, OWNERS_CHANGE);
        TABLE.put(Change.KEYS, OWNERS_CHANGE);
        TABLE.put(Change.REMOVAL, OWNERS_CHANGE_BUT_NOT_THE_PRIMARY);
        // Approving the target's pending request (which upgrades their seat).
        TABLE.put(
                Change.DECISION,
                List.of(
                        "OPERATOR        Y  Y  Y  Y  -",
                        "PRIMARY_OWNER   -  Y  Y  Y  4",
                        "OWNER           4  Y  Y  Y  4",
                        "ADMIN           4  4  Y  Y  4",
                        "MEMBER          4  4  4  4  4"));
    }

    @Test
    void everyMemberChangingActionIsInTheTable() {
        assertThat(TABLE.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Change.class));
    }

    @Test
    void EX14_everyCallerChangesExactlyWhomTheTableSays() {
        List<String> failures = new ArrayList<>();
        for (Change change : Change.values()) {
            for (Who who : Who.values()) {
                String expected = row(TABLE.get(change), who);
                String actual = run(change, who, failures);
                if (!expected.equals(actual)) {
                    failures.add(
                            change + " as " + who + ": expected " + expected + ", got " + actual);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String row(List<String> table, Who who) {
        for (String line : table) {
            String[] cells = line.trim().split("\\s+");
            if (cells[0].equals(who.name())) {
                return String.join(" ", List.of(cells).subList(1, cells.length));
            }
        }
        throw new IllegalStateException("No row for " + who);
    }

    /** One org for this row: a member of each role, the caller among them, each with a request. */
    private String run(Change change, Who who, List<String> failures) {
        OrgFixture org = scenario().org("ENTERPRISE_SEAT", "UTC", T0);
        Map<Target, String> members = new EnumMap<>(Target.class);
        members.put(Target.PRIMARY_OWNER, org.member("STANDARD", "PRIMARY_OWNER"));
        members.put(Target.OWNER, org.member("STANDARD", "OWNER"));
        members.put(Target.ADMIN, org.member("STANDARD", "ADMIN"));
        members.put(Target.MEMBER, org.member("STANDARD", "MEMBER"));
        Api caller;
        switch (who) {
            case OPERATOR -> caller = org.operator;
            case PRIMARY_OWNER -> {
                members.put(Target.SELF, members.get(Target.PRIMARY_OWNER));
                caller = org.as(org.keyFor(members.get(Target.SELF), "OWNER"));
            }
            default -> {
                members.put(Target.SELF, org.member("STANDARD", who.name()));
                caller = org.as(org.keyFor(members.get(Target.SELF), who.name()));
            }
        }
        if (change == Change.DECISION) {
            members.values().stream().distinct().forEach(m -> org.spendCents(m, 500));
        }
        List<String> cells = new ArrayList<>();
        for (Target target : Target.values()) {
            boolean exists =
                    members.containsKey(target)
                            && !(who == Who.PRIMARY_OWNER && target == Target.PRIMARY_OWNER);
            if (!exists) {
                cells.add("-");
                continue;
            }
            String memberId = members.get(target);
            String request = change == Change.DECISION ? file(org, memberId) : null;
            long auditBefore = auditCount(org);
            String role = target == Target.SELF ? who.name() : target.name();
            Api.Response response = perform(change, caller, org, memberId, role, request);
            String cell = cell(response);
            long audited = auditCount(org) - auditBefore;
            if (cell.equals("Y") && audited == 0) {
                failures.add(change + " by " + who + " of " + target + " was not audited");
            }
            if (!cell.equals("Y") && audited != 0) {
                failures.add(change + " by " + who + " of " + target + " was refused but wrote");
            }
            if (cell.equals("4") && response.body().at("/error/message").asString().isBlank()) {
                failures.add(change + " by " + who + " of " + target + ": 403 without a sentence");
            }
            cells.add(cell);
        }
        return String.join(" ", cells);
    }

    private static Api.Response perform(
            Change change, Api caller, OrgFixture org, String member, String role, String request) {
        String path = org.path("/members/" + member);
        return switch (change) {
            case ROLE -> caller.patch(path, Map.of("role", stepFrom(role)));
            case SEAT -> caller.patch(path, Map.of("seatType", "PREMIUM"));
            case PASSWORD ->
                    caller.put(path + "/console-password", Map.of("password", "a-long-password-1"));
            case CAPS -> caller.put(path + "/spend-limit", Map.of("amount", "12.00"));
            case KEYS ->
                    caller.post(org.path("/keys"), Map.of("role", "MEMBER", "memberId", member));
            case REMOVAL -> caller.send("DELETE", path, "");
            case DECISION ->
                    caller.post(
                            org.path("/extra-usage-requests/" + request + "/approve"), Map.of());
        };
    }

    /** One step down from {@code role} (a member one step up, to ADMIN). */
    private static String stepFrom(String role) {
        return switch (role) {
            case "PRIMARY_OWNER" -> "OWNER";
            case "OWNER" -> "ADMIN";
            case "ADMIN" -> "MEMBER";
            default -> "ADMIN";
        };
    }

    private static String cell(Api.Response response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return "Y";
        }
        return switch (status) {
            case 403 -> "4";
            case 409 -> "9";
            default -> "?" + status;
        };
    }

    private static String file(OrgFixture org, String member) {
        Api.Response filed =
                org.service.post(org.path("/members/" + member + "/extra-usage-requests"), null);
        assertThat(filed.status()).as(filed.toString()).isIn(200, 201);
        return filed.text("id");
    }

    private static long auditCount(OrgFixture org) {
        return org.operator.get(org.path("/audit-log?size=1")).body().get("total").asLong();
    }
}
