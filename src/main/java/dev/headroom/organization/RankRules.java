package dev.headroom.organization;

import java.util.Optional;

/**
 * EX-14, who may change what of whom: nobody changes the role, seat, password, caps, keys or
 * membership of someone ranked above them, nobody grants a role above their own, and nobody decides
 * their own extra-usage request. The operator stands above every role. Pure: the caller's current
 * role and the target's are given.
 */
public final class RankRules {
    private RankRules() {}

    /** What a caller does to a member; the words say what in a refusal's sentence. */
    public enum Change {
        ROLE("role"),
        SEAT("seat type"),
        PASSWORD("console password"),
        CAPS("spend limit or extra-usage switch"),
        KEYS("API keys"),
        REMOVAL("membership"),
        DECISION("extra-usage request");

        private final String words;

        Change(String words) {
            this.words = words;
        }
    }

    /**
     * Who acts: their role now ({@code null} for the operator, above every role) and the member
     * they are ({@code null} for the operator and for keys that belong to no member).
     */
    public record Rank(Role role, String memberId) {
        public static final Rank OPERATOR = new Rank(null, null);

        public boolean operator() {
            return role == null;
        }

        boolean isMember(String id) {
            return memberId != null && memberId.equals(id);
        }
    }

    /** Why {@code actor} may not make {@code change} to {@code target}, or empty when they may. */
    public static Optional<String> refusal(Rank actor, Member target, Change change) {
        if (change == Change.DECISION && actor.isMember(target.id())) {
            return Optional.of(
                    "Nobody approves or dismisses their own extra-usage request: another admin or"
                            + " owner decides it.");
        }
        if (!actor.operator() && !actor.role().atLeast(target.role())) {
            return Optional.of(
                    target.name()
                            + " is "
                            + target.role()
                            + ", ranked above you ("
                            + actor.role()
                            + "): nobody changes the "
                            + change.words
                            + " of someone ranked above them.");
        }
        return Optional.empty();
    }

    /** Why {@code actor} may not grant {@code granted}, or empty when they may. */
    public static Optional<String> grantRefusal(Rank actor, Role granted) {
        if (!actor.operator() && !actor.role().atLeast(granted)) {
            return Optional.of(
                    "You are "
                            + actor.role()
                            + ": nobody grants a role above their own ("
                            + granted
                            + ").");
        }
        return Optional.empty();
    }
}
