package dev.headroom.core.web;

import dev.headroom.core.Money;

/** How money leaves the API: a decimal string, {@code null} for "unlimited". */
public final class Json {
    private Json() {}

    public static String money(Long nanos) {
        return nanos == null ? null : Money.ofNanos(nanos).toDecimalString();
    }

    public static String money(Money money) {
        return money == null ? null : money.toDecimalString();
    }
}
