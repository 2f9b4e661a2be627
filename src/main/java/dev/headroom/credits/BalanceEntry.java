package dev.headroom.credits;

import dev.headroom.core.Money;
import java.time.Instant;

/**
 * One line of the balance history: a purchase, a reload, or the usage debits of one member in one
 * hour ({@code entries} of them) (XU-26).
 */
public record BalanceEntry(
        Instant at, String kind, Money amount, Money balanceAfter, String memberId, int entries) {}
