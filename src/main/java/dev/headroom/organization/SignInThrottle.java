package dev.headroom.organization;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * EX-15: console sign-in slows down guessing, per account and per client address. Failures are kept
 * in PostgreSQL, so every node counts the same ones. After {@link #FREE_FAILURES} failures within
 * {@link #WINDOW}, the next attempt waits a minute after the last failure, doubling with each
 * further failure up to {@link #DELAY_MAX}; during the wait even the right password does not sign
 * in. A success clears the account's failures (not the address's: one address may guess at many
 * accounts).
 */
@Service
public class SignInThrottle {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int FREE_FAILURES = 5;
    static final Duration DELAY_MIN = Duration.ofMinutes(1);
    static final Duration DELAY_MAX = Duration.ofMinutes(15);

    private final JdbcClient jdbc;
    private final Clock clock;

    public SignInThrottle(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Failures of one account or address within the window, and the latest of them. */
    record Failures(long count, Instant last) {
        /** How long the next attempt must still wait at {@code now}, if at all. */
        Optional<Duration> waitAt(Instant now) {
            if (count < FREE_FAILURES || last == null) {
                return Optional.empty();
            }
            Duration delay = DELAY_MIN.multipliedBy(1L << Math.min(count - FREE_FAILURES, 4));
            Instant until = last.plus(delay.compareTo(DELAY_MAX) > 0 ? DELAY_MAX : delay);
            return now.isBefore(until)
                    ? Optional.of(Duration.between(now, until))
                    : Optional.empty();
        }
    }

    /** How long a sign-in of {@code account} from {@code address} must wait, if at all. */
    public Optional<Duration> waitFor(String account, String address) {
        Instant now = clock.instant();
        Timestamp since = Timestamp.from(now.minus(WINDOW));
        Failures byAccount = failures("account", normal(account), since);
        Failures byAddress = failures("address", address, since);
        Optional<Duration> a = byAccount.waitAt(now);
        Optional<Duration> b = byAddress.waitAt(now);
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }

    public void failed(String account, String address) {
        Instant now = clock.instant();
        Timestamp old = Timestamp.from(now.minus(WINDOW));
        // Rows past the window count for nobody: pruned here, so the table holds 15 minutes.
        jdbc.sql("delete from sign_in_failure where at < ?").param(old).update();
        jdbc.sql("insert into sign_in_failure (account, address, at) values (?, ?, ?)")
                .params(normal(account), address, Timestamp.from(now))
                .update();
    }

    public void succeeded(String account) {
        jdbc.sql("delete from sign_in_failure where account = ?").param(normal(account)).update();
    }

    private Failures failures(String column, String value, Timestamp since) {
        // The column is one of two fixed names, never input.
        return jdbc.sql(
                        "select count(*), max(at) from sign_in_failure where "
                                + column
                                + " = ? and at > ?")
                .params(value, since)
                .query((rs, n) -> {
                    Timestamp last = rs.getTimestamp(2);
                    return new Failures(rs.getLong(1), last == null ? null : last.toInstant());
                })
                .single();
    }

    private static String normal(String account) {
        return account == null ? "" : account.trim().toLowerCase(Locale.ROOT);
    }
}
