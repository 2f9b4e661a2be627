-- Purchases become payments with a life cycle: PENDING until the provider answered for good.
-- A PENDING row is written and committed before the provider is called, with its id as the
-- provider's idempotency key, so a crash in between is completed by a retry, never charged twice.
alter table purchase
    add column kind text not null default 'PURCHASE' check (kind in ('PURCHASE', 'RELOAD')),
    add column status text not null default 'SUCCEEDED' check (status in ('PENDING', 'SUCCEEDED', 'DECLINED', 'FAILED')),
    add column idempotency_key text,
    add column period text,
    add column failure_reason text,
    add column attempts int not null default 0,
    add column next_attempt_at timestamptz,
    add column claimed_until timestamptz,
    add column completed_at timestamptz,
    alter column balance_after_nanos drop not null,
    alter column provider_reference drop not null,
    alter column provider drop not null;
create unique index purchase_idempotency_key on purchase (org_id, idempotency_key) where idempotency_key is not null;
create index purchase_pending on purchase (next_attempt_at) where status = 'PENDING';

create table payment_method (
    org_id            text primary key references org (id),
    customer_id       text,
    payment_method_id text not null,
    updated_at        timestamptz not null
);

-- XU-6: one row per org; state IDLE -> IN_FLIGHT -> IDLE | FAILED. Never two reloads in flight.
create table auto_reload (
    org_id          text primary key references org (id),
    enabled         boolean not null default false,
    threshold_nanos bigint  not null default 0 check (threshold_nanos >= 0),
    amount_nanos    bigint  not null default 0 check (amount_nanos >= 0),
    state           text    not null default 'IDLE' check (state in ('IDLE', 'IN_FLIGHT', 'FAILED')),
    failure_reason  text
);
insert into auto_reload (org_id) select id from org where plan = 'TEAM';
