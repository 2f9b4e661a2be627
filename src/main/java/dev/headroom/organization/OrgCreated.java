package dev.headroom.organization;

/** Published inside the transaction that creates an org, so features can add its rows. */
public record OrgCreated(Org org) {}
