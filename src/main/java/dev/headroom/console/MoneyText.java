package dev.headroom.console;

import dev.headroom.core.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * Money as the console shows it: in the org's currency, rounded half-up to its minor unit (the
 * rounding rule of {@link Money#roundToMinorUnits}). Exact figures stay in the API and the exports;
 * a tiny non-zero amount reads "< $0.01", never "$0.00".
 */
public record MoneyText(Currency currency) {
    static final String UNLIMITED = "Unlimited";

    public static MoneyText of(String currencyCode) {
        return new MoneyText(Currency.getInstance(currencyCode));
    }

    public String format(long nanos) {
        BigDecimal rounded = rounded(nanos);
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(currency);
        format.setMinimumFractionDigits(digits());
        format.setMaximumFractionDigits(digits());
        if (rounded.signum() == 0 && nanos > 0) {
            return "< " + format.format(BigDecimal.ONE.movePointLeft(digits()));
        }
        return format.format(rounded);
    }

    public String format(Money money) {
        return format(money.nanos());
    }

    /** A cap: its amount, or "Unlimited" when there is none. */
    public String limit(Long nanos) {
        return nanos == null ? UNLIMITED : format(nanos);
    }

    public String limit(Money money) {
        return money == null ? UNLIMITED : format(money.nanos());
    }

    /** The amount as the API writes it ("50.00"), to refill a form field; empty for none. */
    public String plain(Money money) {
        return money == null ? "" : rounded(money.nanos()).toPlainString();
    }

    private BigDecimal rounded(long nanos) {
        return BigDecimal.valueOf(nanos, 9).setScale(digits(), RoundingMode.HALF_UP);
    }

    private int digits() {
        return Math.max(currency.getDefaultFractionDigits(), 0);
    }
}
