package dev.headroom.credits;

import dev.headroom.core.Money;
import java.time.Instant;

/** One line of the balance ledger: a purchase, a reload or a usage debit (XU-26). */
public record BalanceEntry(
        Instant at, String kind, Money amount, Money balanceAfter, String memberId) {}
