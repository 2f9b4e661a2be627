-- Issue 14: where an org's model requests go. The upstream key is stored encrypted (AES-GCM, the key
-- from HEADROOM_SECRET_KEY); it is never shown back, logged or audited.
create table org_gateway (
    org_id               text primary key references org (id),
    upstream_url         text        not null,
    upstream_key_sealed  text        not null,
    updated_at           timestamptz not null
);
create trigger gateway_announce after insert or update or delete on org_gateway
    for each row execute function headroom_announce_state('org');
