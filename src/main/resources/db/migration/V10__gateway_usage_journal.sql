-- Issue 14: the usage of a gateway answer is written here, one row in one statement, before the
-- answer's last bytes go out, and settled right after, off the answer's path. A crash in between
-- leaves the row, which the next start settles (settlement is idempotent by request id). Rows whose
-- event exists are swept away. A report that settlement refuses for good (its member left, say) is
-- kept with the refusal, for the operator to see, and not tried again.
create table gateway_usage_journal (
    org_id                text        not null,
    request_id            text        not null,
    member_id             text        not null,
    product               text        not null,
    model                 text        not null,
    occurred_at           timestamptz not null,
    input_tokens          bigint      not null,
    output_tokens         bigint      not null,
    cache_write_5m_tokens bigint      not null,
    cache_write_1h_tokens bigint      not null,
    cache_read_tokens     bigint      not null,
    web_search_requests   bigint      not null,
    recorded_at           timestamptz not null,
    refusal               text,
    primary key (org_id, request_id)
);
create index gateway_usage_journal_recorded on gateway_usage_journal (recorded_at);

-- An org's upstream is announced on its own ('g:'), not as the org's admission state: settlements
-- change that state on every request, the upstream almost never, so nodes keep it in memory.
create or replace function headroom_announce_state() returns trigger language plpgsql as $$
declare
    r record;
begin
    if tg_op = 'DELETE' then
        r := old;
    else
        r := new;
    end if;
    case tg_argv[0]
        when 'org_row' then perform pg_notify('headroom_state', 'o:' || r.id);
        when 'org' then perform pg_notify('headroom_state', 'o:' || r.org_id);
        when 'member_row' then perform pg_notify('headroom_state', 'a:' || r.org_id || ':' || r.id);
        when 'key_row' then perform pg_notify('headroom_state', 'k:' || r.org_id || ':' || r.id);
        when 'gateway_row' then perform pg_notify('headroom_state', 'g:' || r.org_id);
        else perform pg_notify('headroom_state', 'm:' || r.org_id || ':' || r.member_id);
    end case;
    return null;
end
$$;

drop trigger gateway_announce on org_gateway;
create trigger gateway_announce after insert or update or delete on org_gateway
    for each row execute function headroom_announce_state('gateway_row');
