-- Issue 15: the counters a settlement writes — windows, member and org spend — announce their
-- changes once per statement and member (or org) instead of once per row. A settling group wrote
-- about 19 rows per commit, each running the row trigger (13 µs of PostgreSQL's time apiece,
-- BENCHMARKS.md); the announcements themselves are the same ('M:<xid>:<org>:<member>',
-- 'O:<xid>:<org>'), and PostgreSQL delivers them at commit as before. A statement trigger with a
-- transition table serves one event, hence three per table.
create function headroom_announce_changed_members() returns trigger language plpgsql as $$
begin
    perform pg_notify('headroom_state',
            'M:' || pg_current_xact_id() || ':' || c.org_id || ':' || c.member_id)
    from (select distinct org_id, member_id from changed) c;
    return null;
end
$$;

create function headroom_announce_changed_orgs() returns trigger language plpgsql as $$
begin
    perform pg_notify('headroom_state', 'O:' || pg_current_xact_id() || ':' || c.org_id)
    from (select distinct org_id from changed) c;
    return null;
end
$$;

drop trigger window_announce on usage_window;
create trigger window_inserted_announce after insert on usage_window
    referencing new table as changed
    for each statement execute function headroom_announce_changed_members();
create trigger window_updated_announce after update on usage_window
    referencing new table as changed
    for each statement execute function headroom_announce_changed_members();
create trigger window_deleted_announce after delete on usage_window
    referencing old table as changed
    for each statement execute function headroom_announce_changed_members();

drop trigger member_spend_announce on member_period_spend;
create trigger member_spend_inserted_announce after insert on member_period_spend
    referencing new table as changed
    for each statement execute function headroom_announce_changed_members();
create trigger member_spend_updated_announce after update on member_period_spend
    referencing new table as changed
    for each statement execute function headroom_announce_changed_members();
create trigger member_spend_deleted_announce after delete on member_period_spend
    referencing old table as changed
    for each statement execute function headroom_announce_changed_members();

drop trigger org_spend_announce on org_period_spend;
create trigger org_spend_inserted_announce after insert on org_period_spend
    referencing new table as changed
    for each statement execute function headroom_announce_changed_orgs();
create trigger org_spend_updated_announce after update on org_period_spend
    referencing new table as changed
    for each statement execute function headroom_announce_changed_orgs();
create trigger org_spend_deleted_announce after delete on org_period_spend
    referencing old table as changed
    for each statement execute function headroom_announce_changed_orgs();
