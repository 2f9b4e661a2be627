-- Issue 6: every committed change to what an admission reads is announced on the channel
-- headroom_state, so that each Headroom node can drop what it keeps in memory. PostgreSQL delivers
-- notifications at commit and folds identical ones of one transaction into one.
create function headroom_announce_state() returns trigger language plpgsql as $$
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
        when 'member_row' then perform pg_notify('headroom_state', 'm:' || r.org_id || ':' || r.id);
        else perform pg_notify('headroom_state', 'm:' || r.org_id || ':' || r.member_id);
    end case;
    return null;
end
$$;

create trigger org_announce after insert or update or delete on org
    for each row execute function headroom_announce_state('org_row');
create trigger member_announce after insert or update or delete on member
    for each row execute function headroom_announce_state('member_row');
create trigger settings_announce after insert or update or delete on extra_usage_settings
    for each row execute function headroom_announce_state('org');
create trigger allowance_announce after insert or update or delete on included_allowance
    for each row execute function headroom_announce_state('org');
create trigger org_spend_announce after insert or update or delete on org_period_spend
    for each row execute function headroom_announce_state('org');
create trigger balance_announce after insert or update or delete on balance
    for each row execute function headroom_announce_state('org');
create trigger window_announce after insert or update or delete on usage_window
    for each row execute function headroom_announce_state('member');
create trigger member_spend_announce after insert or update or delete on member_period_spend
    for each row execute function headroom_announce_state('member');
create trigger request_announce after insert or update or delete on extra_usage_request
    for each row execute function headroom_announce_state('member');
