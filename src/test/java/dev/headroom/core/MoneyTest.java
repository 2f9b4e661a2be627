package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

    @ParameterizedTest(name = "{0} is {1} nanos and prints as {2}")
    @CsvSource({
        "12.50, 12500000000, 12.50",
        "0.000375, 375000, 0.000375",
        "0, 0, 0.00",
        "3, 3000000000, 3.00",
        "-1.25, -1250000000, -1.25",
        "0.000000001, 1, 0.000000001",
        "1000000000, 1000000000000000000, 1000000000.00"
    })
    void XU20_moneyIsExactNanoUnits(String text, long nanos, String printed) {
        Money money = Money.parse(text);
        assertThat(money.nanos()).isEqualTo(nanos);
        assertThat(money.toDecimalString()).isEqualTo(printed);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "abc",
                "1.0000000001",
                "1e3",
                "1,50",
                " 1",
                "--1",
                "NaN",
                "12345678901234"
            })
    void malformedAmountsAreRefused(String text) {
        assertThatThrownBy(() -> Money.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} rounds to {1} cents")
    @CsvSource({
        "0.004999999, 0.00",
        "0.005, 0.01",
        "1.234, 1.23",
        "1.235, 1.24",
        "-1.235, -1.24",
        "10.000375, 10.00"
    })
    void roundingIsHalfUpToTheMinorUnit(String text, String rounded) {
        assertThat(Money.parse(text).roundToMinorUnits(2)).isEqualTo(Money.parse(rounded));
    }

    @Test
    void overflowIsAnErrorNotAWrap() {
        Money big = Money.ofNanos(Long.MAX_VALUE);
        assertThatThrownBy(() -> big.plus(Money.ofNanos(1)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void EX9_callerAmountsAreCheckedWithAClearMessage() {
        assertThatThrownBy(() -> Amounts.nonNegative("amount", "-5"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> Amounts.positive("amount", "0"))
                .hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> Amounts.nonNegative("amount", "12.5x"))
                .hasMessageContaining("decimal amount");
        assertThatThrownBy(() -> Amounts.nonNegative("amount", "1000000001"))
                .hasMessageContaining("must not exceed");
        assertThat(Amounts.nonNegativeOrNull("amount", null)).isNull();
    }
}
