package dev.headroom.organization;

import dev.headroom.audit.AuditLog;
import dev.headroom.core.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Console sign-in accounts: a member signs in with their email and a password, stored only as a
 * bcrypt hash. An email signs in to exactly one org, so the sign-in form needs no org field.
 */
@Service
public class ConsoleAccounts {
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 128;

    private final JdbcClient jdbc;
    private final MemberService members;
    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
    // Checked against when the email is unknown, so a wrong email takes as long as a wrong
    // password.
    private final String decoyHash = encoder.encode("headroom-decoy-password");
    private final AuditLog audit;
    private final Clock clock;

    public ConsoleAccounts(JdbcClient jdbc, MemberService members, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.members = members;
        this.audit = audit;
        this.clock = clock;
    }

    /** Who an email signs in as. */
    public record Account(String email, String orgId, String memberId) {}

    private record Stored(Account account, String passwordHash) {}

    @Transactional
    public void setPassword(String orgId, String memberId, String password, Caller by) {
        if (password == null
                || password.length() < MIN_PASSWORD
                || password.length() > MAX_PASSWORD) {
            throw ApiException.validation(
                    "password must be "
                            + MIN_PASSWORD
                            + " to "
                            + MAX_PASSWORD
                            + " characters long.");
        }
        Member member = members.lock(orgId, memberId);
        by.requireMayChange(member, RankRules.Change.PASSWORD);
        String email = member.email().toLowerCase(Locale.ROOT);
        Optional<Account> existing = find(email).map(Stored::account);
        if (existing.isPresent()
                && !(existing.get().orgId().equals(orgId)
                        && existing.get().memberId().equals(memberId))) {
            throw ApiException.conflict(
                    "The email '" + email + "' already signs in to another organisation.");
        }
        jdbc.sql(
                        """
                        insert into console_account (email, org_id, member_id, password_hash, updated_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (org_id, member_id) do update
                           set password_hash = excluded.password_hash, updated_at = excluded.updated_at
                        """)
                .params(
                        email,
                        orgId,
                        memberId,
                        encoder.encode(password),
                        Timestamp.from(clock.instant()))
                .update();
        // The audit log says that the password changed, never what it is.
        audit.record(
                orgId,
                clock.instant(),
                by.actor(),
                "console-password.set",
                "member:" + memberId,
                existing.isPresent() ? "set" : "none",
                "set");
    }

    /** Whether this member still signs in: their account exists and they have not left (EX-13). */
    public boolean signsIn(String orgId, String memberId) {
        return jdbc.sql(
                        "select exists (select 1 from console_account a join member m"
                                + " on m.org_id = a.org_id and m.id = a.member_id"
                                + " where a.org_id = ? and a.member_id = ? and m.removed_at is null)")
                .params(orgId, memberId)
                .query(Boolean.class)
                .single();
    }

    /** The member this email and password sign in as, if they match an account. */
    public Optional<Account> authenticate(String email, String password) {
        Optional<Stored> stored = find(email);
        String hash = stored.map(Stored::passwordHash).orElse(decoyHash);
        boolean matches = password != null && encoder.matches(password, hash);
        return matches ? stored.map(Stored::account) : Optional.empty();
    }

    private Optional<Stored> find(String email) {
        if (email == null) {
            return Optional.empty();
        }
        return jdbc.sql(
                        "select email, org_id, member_id, password_hash from console_account"
                                + " where email = ?")
                .param(email.trim().toLowerCase(Locale.ROOT))
                .query((rs, n) ->
                        new Stored(
                                new Account(rs.getString(1), rs.getString(2), rs.getString(3)),
                                rs.getString(4)))
                .optional();
    }
}
