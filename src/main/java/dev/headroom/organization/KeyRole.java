package dev.headroom.organization;

/**
 * What an org-scoped API key may do: act as an owner or admin in the management API, call the hot
 * path as a product backend ({@code SERVICE}), or act as one member ({@code MEMBER}).
 */
public enum KeyRole {
    OWNER,
    ADMIN,
    SERVICE,
    MEMBER;

    /**
     * The member role this key's own role stands for; a service key acts for the org's products,
     * not for a person, and ranks as a member in every member-changing rule.
     */
    public Role asRole() {
        return switch (this) {
            case OWNER -> Role.OWNER;
            case ADMIN -> Role.ADMIN;
            case SERVICE, MEMBER -> Role.MEMBER;
        };
    }

    /**
     * What a key of this role acts as for a member whose role is now {@code memberRole}: its own
     * role, lowered to the member's (EX-12). An owner key of the primary owner acts as the primary
     * owner, so they can hand the role over through the API.
     */
    public Role actingAs(Role memberRole) {
        Role ceiling = this == OWNER ? Role.PRIMARY_OWNER : asRole();
        return Role.lower(ceiling, memberRole);
    }
}
