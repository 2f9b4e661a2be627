package dev.headroom.organization;

/**
 * What an org-scoped API key may do: act as an owner or admin in the management API, call the hot
 * path as a product backend ({@code SERVICE}), or act as one member ({@code MEMBER}).
 */
public enum KeyRole {
    OWNER,
    ADMIN,
    SERVICE,
    MEMBER
}
