/** Organisations, members, roles, seat types and the API keys that act for them. */
package dev.headroom.organization;
