package dev.headroom.organization;

import dev.headroom.core.ApiException;

/**
 * Who sent an API request: the operator, or the holder of an org-scoped key. The {@code require…}
 * methods are the role checks of every endpoint (XU-4); they throw 403 when the caller may not act.
 */
public sealed interface Caller {

    /** How the audit log names this caller. */
    String actor();

    void requireOperator();

    /** An owner, admin or member (by role rank) of {@code orgId}, or the operator. */
    void requireRole(String orgId, Role minimum);

    /** A product backend of {@code orgId} (service key) or the operator: the hot path (EX-5). */
    void requireService(String orgId);

    /** The member themselves, a service key or an admin and above of the org, or the operator. */
    void requireMemberOrAdmin(String orgId, String memberId);

    record Operator() implements Caller {
        @Override
        public String actor() {
            return "operator";
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

    record OrgKey(String keyId, String orgId, KeyRole role, String memberId) implements Caller {
        @Override
        public String actor() {
            return memberId != null ? "member:" + memberId : "key:" + keyId;
        }

        @Override
        public void requireOperator() {
            throw ApiException.forbidden("Only the operator key may do this.");
        }

        @Override
        public void requireRole(String org, Role minimum) {
            requireOrg(org);
            if (!asRole().atLeast(minimum)) {
                throw ApiException.forbidden(
                        "This needs the role " + minimum + " or higher; the key has " + role + ".");
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
            boolean self = role == KeyRole.MEMBER && member.equals(memberId);
            if (!self && role != KeyRole.SERVICE && !asRole().atLeast(Role.ADMIN)) {
                throw ApiException.forbidden("A member may see only their own usage.");
            }
        }

        private void requireOrg(String org) {
            if (!orgId.equals(org)) {
                throw ApiException.forbidden("This key belongs to another organisation.");
            }
        }

        private Role asRole() {
            return switch (role) {
                case OWNER -> Role.OWNER;
                case ADMIN -> Role.ADMIN;
                case SERVICE, MEMBER -> Role.MEMBER;
            };
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
