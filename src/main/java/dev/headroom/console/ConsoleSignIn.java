package dev.headroom.console;

import dev.headroom.organization.ConsoleAccounts;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** Checks a console sign-in against the member's console account (the hash check is theirs). */
@Component
class ConsoleSignIn implements AuthenticationProvider {
    private final ConsoleAccounts accounts;

    ConsoleSignIn(ConsoleAccounts accounts) {
        this.accounts = accounts;
    }

    /** Who is signed in; their role is read afresh on every request (see {@link Console}). */
    record ConsoleUser(String orgId, String memberId, String email)
            implements java.io.Serializable {}

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = authentication.getName();
        Object password = authentication.getCredentials();
        return accounts.authenticate(email, password == null ? null : password.toString())
                .map(account ->
                        UsernamePasswordAuthenticationToken.authenticated(
                                new ConsoleUser(
                                        account.orgId(), account.memberId(), account.email()),
                                null,
                                List.of()))
                .orElseThrow(() -> new BadCredentialsException("Wrong email or password."));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
