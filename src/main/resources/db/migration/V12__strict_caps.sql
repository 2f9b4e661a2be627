-- EX-1, strict caps: a hold reserves a request's worst case from its admission until its usage is
-- settled (same request id) or it expires; holds of one org are taken one at a time under a
-- transaction-scoped advisory lock, so the sum of settled spend and live holds stays within every
-- cap on every node.
alter table extra_usage_settings
    add column hold_ttl_seconds int not null default 600
        check (hold_ttl_seconds between 10 and 86400),
    add column max_tokens_floor int not null default 1024
        check (max_tokens_floor between 1 and 1000000);

create table spend_hold (
    org_id         text        not null references org (id),
    request_id     text        not null,
    member_id      text        not null,
    included_nanos bigint      not null check (included_nanos >= 0),
    extra_nanos    bigint      not null check (extra_nanos >= 0),
    max_tokens     bigint      not null check (max_tokens >= 1),
    created_at     timestamptz not null,
    expires_at     timestamptz not null,
    primary key (org_id, request_id)
);
create index spend_hold_expiry on spend_hold (org_id, expires_at);
