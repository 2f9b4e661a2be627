package dev.headroom.core;

/** Parses money received from callers, with the error a caller can act on. */
public final class Amounts {
    private Amounts() {}

    /** A cap or threshold: zero or more; {@code null} stays {@code null} (unlimited). */
    public static Money nonNegativeOrNull(String field, String text) {
        return text == null ? null : nonNegative(field, text);
    }

    public static Money nonNegative(String field, String text) {
        Money money = parse(field, text);
        if (money.isNegative()) {
            throw ApiException.validation(field + " must not be negative, got " + text + ".");
        }
        return money;
    }

    public static Money positive(String field, String text) {
        Money money = parse(field, text);
        if (!money.isPositive()) {
            throw ApiException.validation(field + " must be greater than zero, got " + text + ".");
        }
        return money;
    }

    private static Money parse(String field, String text) {
        if (text == null) {
            throw ApiException.validation(field + " is required.");
        }
        Money money;
        try {
            money = Money.parse(text.trim());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.validation(
                    field + " must be a decimal amount such as \"12.50\", got \"" + text + "\".");
        }
        if (Math.abs(money.nanos()) > Money.MAX_INPUT_NANOS) {
            throw ApiException.validation(field + " must not exceed 1000000000.");
        }
        return money;
    }
}
