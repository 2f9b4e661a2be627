-- Issue 18 (EX-16): an org's webhook endpoints and their deliveries. A delivery is written in the
-- transaction of its cause (a cap reached, an invoice issued, ...), one row per endpoint that takes
-- the event type, and sent by whichever node claims it; retried with growing pauses until
-- retry_until (24 hours after it was written, or after a resend), always with the same event id
-- and body. The secret is stored sealed (AES-GCM, like the gateway's upstream key).
create table webhook_endpoint (
    id            text primary key,
    org_id        text        not null references org (id),
    kind          text        not null check (kind in ('WEBHOOK', 'SLACK')),
    url           text        not null,
    events        text[]      not null,
    secret_sealed text        not null,
    created_at    timestamptz not null,
    deleted_at    timestamptz
);
create index webhook_endpoint_org on webhook_endpoint (org_id) where deleted_at is null;

create table webhook_delivery (
    endpoint_id     text        not null references webhook_endpoint (id),
    event_id        text        not null,
    org_id          text        not null,
    type            text        not null,
    body            text        not null,
    created_at      timestamptz not null,
    status          text        not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    retry_until     timestamptz not null,
    last_attempt_at timestamptz,
    response_status integer,
    last_error      text,
    claimed_until   timestamptz,
    primary key (endpoint_id, event_id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'PENDING';
create index webhook_delivery_recent on webhook_delivery (endpoint_id, created_at desc);
