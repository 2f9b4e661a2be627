-- Issue 14: an announcement of admission state names the transaction that committed it
-- ('O:<xid>:<org>', 'M:<xid>:<org>:<member>'). A node that loaded the part after that commit (its
-- load's snapshot sees the transaction) keeps it instead of dropping and loading it again — which
-- it otherwise did after every settlement of its own, hearing its own announcement last.
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
            perform pg_notify('headroom_state', 'O:' || pg_current_xact_id() || ':' || r.id);
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
