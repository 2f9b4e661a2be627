-- Issue 12 (EX-12..EX-15): keys that are listed, named, expire and are revoked; members who leave;
-- sign-in throttling kept where every node sees it.

-- A key is never deleted: revoking it stamps revoked_at, so the list and the audit log keep it.
-- last_used_at is written at most once a minute per key (ApiKeyService), not on every request.
alter table api_key
    add column name         text,
    add column expires_at   timestamptz,
    add column revoked_at   timestamptz,
    add column last_used_at timestamptz;
create unique index api_key_id on api_key (org_id, id);
create index api_key_member on api_key (org_id, member_id) where member_id is not null;

-- A member who leaves keeps their row (usage, invoices and audit name it) with removed_at stamped.
-- Their email may be added again as a new member, so it is unique among present members only.
alter table member add column removed_at timestamptz;
drop index member_email;
create unique index member_email on member (org_id, lower(email)) where removed_at is null;

-- Failed console sign-ins (EX-15), by account and by client address. Sign-in comes before any org
-- is known, so these rows carry none; only the last 15 minutes matter and older rows are pruned.
create table sign_in_failure (
    id      bigserial   primary key,
    account text        not null,
    address text        not null,
    at      timestamptz not null
);
create index sign_in_failure_account on sign_in_failure (account, at);
create index sign_in_failure_address on sign_in_failure (address, at);
create index sign_in_failure_at on sign_in_failure (at);

-- Power follows the member (EX-12): a change to a member row ('a:' for access: role, removal, seat,
-- caps) and the revocation or expiry change of a key ('k:') are announced to every node, whose key
-- cache drops what it held. last_used_at updates are not announced: they change nobody's power.
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
        else perform pg_notify('headroom_state', 'm:' || r.org_id || ':' || r.member_id);
    end case;
    return null;
end
$$;

create trigger api_key_announce after update of revoked_at, expires_at, role, member_id or delete
    on api_key for each row execute function headroom_announce_state('key_row');

-- A member who leaves has their pending extra-usage request withdrawn: nobody is left to grant it to.
alter table extra_usage_request drop constraint extra_usage_request_status_check;
alter table extra_usage_request add constraint extra_usage_request_status_check
    check (status in ('PENDING', 'APPROVED', 'DISMISSED', 'WITHDRAWN'));
