package dev.headroom.organization;

import dev.headroom.core.ApiException;

/**
 * Who sent an API request: the operator, the holder of an org-scoped key, or a member signed in to
 * the console. The {@code require…} methods are the role checks of every endpoint (XU-4) and the
 * rank rules of every member-changing action (EX-14); they throw 403 when the caller may not act.
 */
public sealed interface Caller {

    /** The request attribute under which the API key filter leaves the authenticated caller. */
    String REQUEST_ATTRIBUTE = "dev.headroom.organization.Caller";

    /**
     * The order of the servlet filter that authenticates API requests: a filter ordered after it
     * finds the caller under {@link #REQUEST_ATTRIBUTE}.
     */
    int AUTHENTICATION_ORDER = Integer.MAX_VALUE - 100;

    /** How the audit log names this caller. */
    String actor();

    /** The role this caller acts with now and the member they are (EX-12, EX-14). */
    RankRules.Rank rank();

    void requireOperator();

    /** An owner, admin or member (by role rank) of {@code orgId}, or the operator. */
    void requireRole(String orgId, Role minimum);

    /** A product backend of {@code orgId} (service key) or the operator: the hot path (EX-5). */
    void requireService(String orgId);

    /** The member themselves, a service key or an admin and above of the org, or the operator. */
    void requireMemberOrAdmin(String orgId, String memberId);

    /** EX-14: 403 unless this caller may make {@code change} to {@code target}. */
    default void requireMayChange(Member target, RankRules.Change change) {
        RankRules.refusal(rank(), target, change)
                .ifPresent(sentence -> {
                    throw ApiException.forbidden(sentence);
                });
    }

    /** EX-14: 403 unless this caller may grant {@code role}. */
    default void requireMayGrant(Role role) {
        RankRules.grantRefusal(rank(), role)
                .ifPresent(sentence -> {
                    throw ApiException.forbidden(sentence);
                });
    }

    /**
     * The operator; {@code actor} names them in the audit log ("operator", or a job such as the
     * demo that acts with the operator's power).
     */
    record Operator(String actor) implements Caller {
        public static final Operator KEY = new Operator("operator");

        @Override
        public RankRules.Rank rank() {
            return RankRules.Rank.OPERATOR;
        }

        @Override
        public void requireOperator() {}

        @Override
        public void requireRole(String orgId, Role minimum) {}

        @Override
        public void requireService(String orgId) {}

        @Override
        public void requireMemberOrAdmin(String orgId, String memberId) {}
    }

    /**
     * An org-scoped key. {@code memberRole} is the current role of the member it belongs to, read
     * for this request ({@code null} for a key of no member): the key acts with the lower of the
     * two (EX-12), so a demoted owner's keys lose their power at once.
     */
    record OrgKey(String keyId, String orgId, KeyRole role, String memberId, Role memberRole)
            implements Caller {
        @Override
        public String actor() {
            return memberId != null ? "member:" + memberId : "key:" + keyId;
        }

        @Override
        public RankRules.Rank rank() {
            return new RankRules.Rank(actingRole(), memberId);
        }

        @Override
        public void requireOperator() {
            throw ApiException.forbidden("Only the operator key may do this.");
        }

        @Override
        public void requireRole(String org, Role minimum) {
            requireOrg(org);
            if (!actingRole().atLeast(minimum)) {
                throw ApiException.forbidden(
                        "This needs the role "
                                + minimum
                                + " or higher; the key acts as "
                                + actingRole()
                                + (memberId != null && !actingRole().atLeast(role.asRole())
                                        ? " (its member's role now)."
                                        : "."));
            }
        }

        @Override
        public void requireService(String org) {
            requireOrg(org);
            if (role != KeyRole.SERVICE) {
                throw ApiException.forbidden("This needs a service key of the organisation.");
            }
        }

        @Override
        public void requireMemberOrAdmin(String org, String member) {
            requireOrg(org);
            boolean self = member.equals(memberId);
            if (!self && role != KeyRole.SERVICE && !actingRole().atLeast(Role.ADMIN)) {
                throw ApiException.forbidden("A member may see only their own usage.");
            }
        }

        private void requireOrg(String org) {
            if (!orgId.equals(org)) {
                throw ApiException.forbidden("This key belongs to another organisation.");
            }
        }

        /** The key's own role, lowered to its member's current one ({@link KeyRole#actingAs}). */
        public Role actingRole() {
            return memberRole == null ? role.asRole() : role.actingAs(memberRole);
        }
    }

    /**
     * A member signed in to the console. Their role is read when the request starts, so a demoted
     * admin loses their rights at their next click, not at their next sign-in.
     */
    record SignedIn(String orgId, String memberId, Role role) implements Caller {
        @Override
        public String actor() {
            return "member:" + memberId;
        }

        @Override
        public RankRules.Rank rank() {
            return new RankRules.Rank(role, memberId);
        }

        @Override
        public void requireOperator() {
            throw ApiException.forbidden("Only the operator may do this.");
        }

        @Override
        public void requireRole(String org, Role minimum) {
            requireOrg(org);
            if (!role.atLeast(minimum)) {
                throw ApiException.forbidden(
                        "This needs the role " + minimum + " or higher; you are " + role + ".");
            }
        }

        @Override
        public void requireService(String org) {
            throw ApiException.forbidden("This needs a service key of the organisation.");
        }

        @Override
        public void requireMemberOrAdmin(String org, String member) {
            requireOrg(org);
            if (!member.equals(memberId) && !role.atLeast(Role.ADMIN)) {
                throw ApiException.forbidden("A member may see only their own usage.");
            }
        }

        private void requireOrg(String org) {
            if (!orgId.equals(org)) {
                throw ApiException.forbidden("This belongs to another organisation.");
            }
        }
    }
}
