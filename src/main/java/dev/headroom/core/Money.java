package dev.headroom.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * An exact amount in nano-units (10^-9) of an organisation's currency. Every per-token price is a
 * whole number of nanos, so costs never need rounding until an invoice or receipt (see {@link
 * #roundToMinorUnits}).
 */
public record Money(long nanos) implements Comparable<Money> {
    public static final Money ZERO = new Money(0);
    public static final long NANOS_PER_UNIT = 1_000_000_000L;

    /** Largest amount accepted from outside: one billion currency units. */
    public static final long MAX_INPUT_NANOS = 1_000_000_000L * NANOS_PER_UNIT;

    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,13}(\\.\\d{1,9})?");

    public static Money ofNanos(long nanos) {
        return new Money(nanos);
    }

    public static Money ofUnits(long units) {
        return new Money(Math.multiplyExact(units, NANOS_PER_UNIT));
    }

    /**
     * Parses a decimal string such as {@code "12.50"}; at most nine decimals, because a finer
     * amount could not be represented exactly.
     */
    public static Money parse(String text) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a decimal amount with at most 9 decimals");
        }
        BigDecimal value = new BigDecimal(text).movePointRight(9);
        return new Money(value.longValueExact());
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(nanos, other.nanos));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(nanos, other.nanos));
    }

    public boolean isNegative() {
        return nanos < 0;
    }

    public boolean isPositive() {
        return nanos > 0;
    }

    /** Full precision, never fewer than two decimals: {@code "12.50"}, {@code "0.000375"}. */
    public String toDecimalString() {
        BigDecimal value = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        return value.setScale(Math.max(2, value.scale())).toPlainString();
    }

    /**
     * The one rounding rule of Headroom: half-up (away from zero on a tie) to the currency's minor
     * unit, applied once per invoice line or receipt.
     */
    public Money roundToMinorUnits(int fractionDigits) {
        BigDecimal rounded =
                BigDecimal.valueOf(nanos, 9).setScale(fractionDigits, RoundingMode.HALF_UP);
        return new Money(rounded.movePointRight(9).longValueExact());
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(nanos, other.nanos);
    }

    @Override
    public String toString() {
        return toDecimalString();
    }
}
