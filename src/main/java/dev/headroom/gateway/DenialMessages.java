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
        String currency = state.org().currency();
        ZoneId zone = state.org().timeZone();
        String limit =
                switch (denied.reason()) {
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
        return limit + resets + ask;
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
