-- Issue 15: the Headroom nodes that keep state in memory, each with a lease. A write that changes
-- that state is answered only once every node with a live lease has acknowledged its announcement
-- (or lost its lease, or registered anew after it). registration is taken from a sequence that the
-- acknowledgement's barrier takes too, so "registered after the barrier" is an exact comparison.
create sequence node_registration_seq;

create table node_lease (
    node_id text primary key,
    registration bigint not null,
    lease_until timestamptz not null
);

-- Prices are kept in memory by every node like admission state: a change to them is announced
-- (once per statement: a price book change touches few rows and every node reloads it whole).
create function headroom_announce_prices() returns trigger language plpgsql as $$
begin
    perform pg_notify('headroom_state', 'p:');
    return null;
end
$$;

create trigger price_version_announce after insert or update or delete on price_version
    for each statement execute function headroom_announce_prices();
create trigger model_alias_announce after insert or update or delete on model_alias
    for each statement execute function headroom_announce_prices();
