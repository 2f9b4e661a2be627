-- Every org-owned table leads its keys with org_id so the schema can be distributed by org later.
-- Money columns are bigint nano-units of the org currency (suffix _nanos).

create table org (
    id             text primary key,
    name           text        not null,
    plan           text        not null check (plan in ('TEAM', 'ENTERPRISE_SEAT', 'ENTERPRISE_USAGE')),
    currency       text        not null,
    time_zone      text        not null,
    test_clock     boolean     not null default false,
    test_clock_now timestamptz,
    suspended      boolean     not null default false,
    created_at     timestamptz not null
);

create table member (
    org_id            text        not null references org (id),
    id                text        not null,
    email             text        not null,
    name              text        not null,
    role              text        not null check (role in ('PRIMARY_OWNER', 'OWNER', 'ADMIN', 'MEMBER')),
    seat_type         text check (seat_type in ('STANDARD', 'PREMIUM')),
    extra_usage       boolean,
    spend_limit_nanos bigint check (spend_limit_nanos >= 0),
    created_at        timestamptz not null,
    primary key (org_id, id)
);
create unique index member_email on member (org_id, lower(email));
create unique index member_one_primary_owner on member (org_id) where role = 'PRIMARY_OWNER';
create index member_name on member (org_id, lower(name), id);

create table api_key (
    key_hash   text primary key,
    org_id     text        not null references org (id),
    id         text        not null,
    role       text        not null check (role in ('OWNER', 'ADMIN', 'SERVICE', 'MEMBER')),
    member_id  text,
    created_at timestamptz not null,
    foreign key (org_id, member_id) references member (org_id, id)
);

create table included_allowance (
    org_id          text   not null references org (id),
    seat_type       text   not null,
    window_name     text   not null,
    position        int    not null,
    duration_seconds bigint not null check (duration_seconds > 0),
    allowance_nanos bigint not null check (allowance_nanos >= 0),
    primary key (org_id, seat_type, window_name)
);

create table extra_usage_settings (
    org_id               text primary key references org (id),
    enabled              boolean not null default false,
    scope                text    not null default 'ORG' check (scope in ('ORG', 'SELECTED')),
    requests_enabled     boolean not null default true,
    strict               boolean not null default false,
    spend_limit_nanos    bigint check (spend_limit_nanos >= 0),
    standard_limit_nanos bigint check (standard_limit_nanos >= 0),
    premium_limit_nanos  bigint check (premium_limit_nanos >= 0)
);

-- The member's current included-usage window per window name; a new window replaces the row.
create table usage_window (
    org_id      text        not null,
    member_id   text        not null,
    window_name text        not null,
    started_at  timestamptz not null,
    used_nanos  bigint      not null,
    primary key (org_id, member_id, window_name),
    foreign key (org_id, member_id) references member (org_id, id)
);

-- Append-only: one row per acknowledged usage report; (org_id, request_id) is the idempotency key.
create table usage_event (
    org_id                text        not null,
    request_id            text        not null,
    member_id             text        not null,
    seat_type             text,
    product               text        not null,
    model                 text        not null,
    occurred_at           timestamptz not null,
    period                text        not null,
    received_at           timestamptz not null,
    input_tokens          bigint      not null,
    output_tokens         bigint      not null,
    cache_write_5m_tokens bigint      not null,
    cache_write_1h_tokens bigint      not null,
    cache_read_tokens     bigint      not null,
    web_search_requests   bigint      not null,
    batch                 boolean     not null,
    cost_nanos            bigint      not null,
    included_nanos        bigint      not null,
    extra_nanos           bigint      not null,
    content_hash          text        not null,
    primary key (org_id, request_id),
    foreign key (org_id, member_id) references member (org_id, id)
);
create index usage_event_member_period on usage_event (org_id, member_id, period);
create index usage_event_period on usage_event (org_id, period, occurred_at);

-- Cached sums of usage_event per period; changed only by increments in the settlement transaction.
create table member_period_spend (
    org_id         text   not null,
    member_id      text   not null,
    period         text   not null,
    included_nanos bigint not null default 0,
    extra_nanos    bigint not null default 0,
    primary key (org_id, member_id, period)
);

create table org_period_spend (
    org_id         text   not null references org (id),
    period         text   not null,
    included_nanos bigint not null default 0,
    extra_nanos    bigint not null default 0,
    primary key (org_id, period)
);

-- Team prepaid balance: the ledger is append-only, balance is its cached sum.
create table balance (
    org_id        text primary key references org (id),
    balance_nanos bigint not null default 0
);

create table balance_entry (
    org_id              text        not null references org (id),
    seq                 bigserial   not null,
    at                  timestamptz not null,
    kind                text        not null check (kind in ('PURCHASE', 'RELOAD', 'USAGE')),
    amount_nanos        bigint      not null,
    balance_after_nanos bigint      not null,
    reference           text        not null,
    member_id           text,
    primary key (org_id, seq)
);

create table purchase (
    org_id              text        not null references org (id),
    id                  text        not null,
    amount_nanos        bigint      not null check (amount_nanos > 0),
    balance_after_nanos bigint      not null,
    provider            text        not null,
    provider_reference  text        not null,
    purchased_at        timestamptz not null,
    primary key (org_id, id)
);

-- The price book is global (operator data), not org-owned. Prices are nanos per token.
create table price_version (
    model                      text        not null,
    effective_from             timestamptz not null,
    input_nanos                bigint      not null,
    output_nanos               bigint      not null,
    cache_write_5m_nanos       bigint      not null,
    cache_write_1h_nanos       bigint      not null,
    cache_read_nanos           bigint      not null,
    long_context_threshold     bigint,
    lc_input_nanos             bigint,
    lc_output_nanos            bigint,
    lc_cache_write_5m_nanos    bigint,
    lc_cache_write_1h_nanos    bigint,
    lc_cache_read_nanos        bigint,
    web_search_per_call_nanos  bigint      not null,
    batch_discount_percent     int         not null check (batch_discount_percent between 0 and 100),
    created_at                 timestamptz not null,
    primary key (model, effective_from)
);

create table model_alias (
    alias text primary key,
    model text not null
);

create table audit_log (
    org_id     text        not null references org (id),
    seq        bigserial   not null,
    at         timestamptz not null,
    actor      text        not null,
    action     text        not null,
    target     text        not null,
    from_value text,
    to_value   text,
    primary key (org_id, seq)
);
