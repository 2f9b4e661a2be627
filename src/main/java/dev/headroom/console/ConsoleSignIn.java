package dev.headroom.console;

import dev.headroom.organization.ConsoleAccounts;
import dev.headroom.organization.SignInThrottle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Checks a console sign-in against the member's console account (the hash check is theirs), after
 * asking the throttle whether this account and address may try now (EX-15).
 */
@Component
class ConsoleSignIn implements AuthenticationProvider {
    private final ConsoleAccounts accounts;
    private final SignInThrottle throttle;

    ConsoleSignIn(ConsoleAccounts accounts, SignInThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    /** Who is signed in; their role is read afresh on every request (see {@link Viewer}). */
    record ConsoleUser(String orgId, String memberId, String email)
            implements java.io.Serializable {}

    /** Too many failures: the sign-in page says how many minutes to wait. */
    static final class Throttled extends AuthenticationException {
        final long minutes;

        Throttled(Duration wait) {
            super("Too many attempts.");
            // Whole minutes, rounded up: "try again in 0 minutes" would not be true.
            this.minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = authentication.getName();
        String address =
                authentication.getDetails() instanceof WebAuthenticationDetails details
                        ? details.getRemoteAddress()
                        : "unknown";
        Optional<Duration> wait = throttle.waitFor(email, address);
        if (wait.isPresent()) {
            throw new Throttled(wait.get());
        }
        Object password = authentication.getCredentials();
        Optional<ConsoleAccounts.Account> account =
                accounts.authenticate(email, password == null ? null : password.toString());
        if (account.isEmpty()) {
            throttle.failed(email, address);
            throw new BadCredentialsException("Wrong email or password.");
        }
        throttle.succeeded(email);
        return UsernamePasswordAuthenticationToken.authenticated(
                new ConsoleUser(
                        account.get().orgId(), account.get().memberId(), account.get().email()),
                null,
                List.of());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
