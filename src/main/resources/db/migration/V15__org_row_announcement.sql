-- Issue 15: a change to an org's own row (test clock, suspension) is announced apart from the
-- rest of its admission state ('R:<xid>:<org>'), so that nodes keep the row in memory and drop it
-- only when it changes: the hot path no longer reads it per request. Settlement, settings and
-- balance changes stay 'O', which leaves the kept row alone.
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
        when 'org_row' then
            perform pg_notify('headroom_state', 'R:' || pg_current_xact_id() || ':' || r.id);
        when 'org' then
            perform pg_notify('headroom_state', 'O:' || pg_current_xact_id() || ':' || r.org_id);
        when 'member_row' then perform pg_notify('headroom_state', 'a:' || r.org_id || ':' || r.id);
        when 'key_row' then perform pg_notify('headroom_state', 'k:' || r.org_id || ':' || r.id);
        when 'gateway_row' then perform pg_notify('headroom_state', 'g:' || r.org_id);
        else perform pg_notify('headroom_state',
                'M:' || pg_current_xact_id() || ':' || r.org_id || ':' || r.member_id);
    end case;
    return null;
end
$$;
