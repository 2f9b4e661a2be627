package dev.headroom.gateway;

import dev.headroom.core.Money;
import dev.headroom.metering.MemberState;
import dev.headroom.metering.rules.Admission;
import dev.headroom.metering.rules.RequestAction;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The sentence a member reads when the gateway refuses a request (EX-4): which limit, its amount,
 * when it resets in the org's time zone, and how to ask for more when the org offers it.
 */
public final class DenialMessages {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    private DenialMessages() {}

    public static String of(Admission.Denied denied, MemberState state) {
        return limit(denied, state) + whenAndHow(denied, state);
    }

    private static String limit(Admission.Denied denied, MemberState state) {
        String currency = state.org().currency();
        return switch (denied.reason()) {
            case INCLUDED_EXHAUSTED ->
                    "You have used the usage included in your seat, and extra usage is off"
                            + " for you.";
            case MEMBER_CAP_REACHED ->
                    "You reached your monthly extra-usage limit of "
                            + amount(state.cap().capNanos(), currency)
                            + ".";
            case SEAT_TYPE_CAP_REACHED ->
                    "You reached the monthly extra-usage limit of "
                            + amount(state.cap().capNanos(), currency)
                            + " for "
                            + state.member().seatType()
                            + " seats.";
            case ORG_CAP_REACHED ->
                    "Your organisation reached its monthly extra-usage limit of "
                            + amount(state.settings().spendLimitNanos(), currency)
                            + ".";
            case BALANCE_EXHAUSTED ->
                    "Your organisation's prepaid extra-usage balance is used up; an owner"
                            + " can buy more credits.";
            case ORG_SUSPENDED -> "Your organisation is suspended.";
            case MEMBER_UNKNOWN -> "You are not a member of this organisation.";
        };
    }

    /** When the member can continue, and how to ask for more. */
    private static String whenAndHow(Admission.Denied denied, MemberState state) {
        ZoneId zone = state.org().timeZone();
        String resets =
                denied.resumesAt() == null
                        ? ""
                        : " You can continue at " + when(denied.resumesAt(), zone) + ".";
        String ask =
                denied.requestAction() == RequestAction.AVAILABLE
                        ? " To ask an admin for more, choose \"Request extra usage\" on My usage in"
                                + " the Headroom console."
                        : denied.requestAction() == RequestAction.PENDING
                                ? " Your request for more is waiting for an admin."
                                : "";
        return resets + ask;
    }

    /**
     * EX-1, in a strict org: a cap or the balance may deny while not reached, because live holds of
     * requests in flight take the rest; the sentence says so.
     */
    public static String withHolds(
            Admission.Denied denied, MemberState state, long memberHeld, long orgHeld) {
        String currency = state.org().currency();
        Long orgLimit = state.settings().spendLimitNanos();
        String room =
                switch (denied.reason()) {
                    case MEMBER_CAP_REACHED, SEAT_TYPE_CAP_REACHED ->
                            state.cap().reachedBy(state.memberMtdNanos())
                                    ? null
                                    : noRoom(
                                            "Your monthly extra-usage limit of "
                                                    + amount(state.cap().capNanos(), currency),
                                            amount(state.memberMtdNanos(), currency)
                                                    + " spent and ",
                                            amount(memberHeld, currency));
                    case ORG_CAP_REACHED ->
                            orgLimit == null || state.orgMtdNanos() >= orgLimit
                                    ? null
                                    : noRoom(
                                            "Your organisation's monthly extra-usage limit of "
                                                    + amount(orgLimit, currency),
                                            amount(state.orgMtdNanos(), currency) + " spent and ",
                                            amount(orgHeld, currency));
                    case BALANCE_EXHAUSTED ->
                            state.balanceNanos() == null || state.balanceNanos() <= 0
                                    ? null
                                    : noRoom(
                                            "Your organisation's prepaid balance of "
                                                    + amount(state.balanceNanos(), currency),
                                            "",
                                            amount(orgHeld, currency));
                    default -> null;
                };
        return (room == null ? limit(denied, state) : room) + whenAndHow(denied, state);
    }

    private static String noRoom(String limit, String spent, String held) {
        return limit
                + " has no room for this request: "
                + spent
                + held
                + " held for requests in flight.";
    }

    private static String amount(Long nanos, String currency) {
        return nanos == null
                ? "unlimited"
                : Money.ofNanos(nanos).toDecimalString() + " " + currency;
    }

    private static String when(Instant at, ZoneId zone) {
        return WHEN.format(at.atZone(zone));
    }
}
