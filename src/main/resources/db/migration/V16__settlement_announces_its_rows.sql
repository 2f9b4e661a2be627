-- Issue 15: the settlement's group statement announces the member and org rows it writes itself,
-- one pg_notify per member and org changed (GroupWrite), instead of a PL/pgSQL trigger per row —
-- four trigger calls a report, queued after the statement and each fetching its row again, were
-- about a fifth of PostgreSQL's time per single report across 100 orgs (BENCHMARKS.md). The
-- settlement's transaction says so with the setting headroom.settlement_announces (SettlementReads
-- sets it for that transaction only); every other write to these tables — none on the hot path,
-- but an operator's hand edit included — is still announced by its trigger.
drop trigger org_spend_announce on org_period_spend;
create trigger org_spend_announce after insert or update or delete on org_period_spend
    for each row
    when (current_setting('headroom.settlement_announces', true) is distinct from 'on')
    execute function headroom_announce_state('org');

drop trigger window_announce on usage_window;
create trigger window_announce after insert or update or delete on usage_window
    for each row
    when (current_setting('headroom.settlement_announces', true) is distinct from 'on')
    execute function headroom_announce_state('member');

drop trigger member_spend_announce on member_period_spend;
create trigger member_spend_announce after insert or update or delete on member_period_spend
    for each row
    when (current_setting('headroom.settlement_announces', true) is distinct from 'on')
    execute function headroom_announce_state('member');
