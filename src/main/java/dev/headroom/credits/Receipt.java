package dev.headroom.credits;

import dev.headroom.core.Money;
import java.time.Instant;

/** The receipt of a prepaid purchase (XU-5, XU-26). */
public record Receipt(
        String id, Money amount, Money balanceAfter, Instant purchasedAt, String provider) {}
