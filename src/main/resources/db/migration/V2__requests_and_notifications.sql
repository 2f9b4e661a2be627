-- Extra-usage requests (XU-21 – XU-25).
create table extra_usage_request (
    org_id       text        not null,
    id           text        not null,
    member_id    text        not null,
    kind         text        not null check (kind in ('SEAT_UPGRADE', 'EXTRA_USAGE')),
    status       text        not null check (status in ('PENDING', 'APPROVED', 'DISMISSED')),
    requested_at timestamptz not null,
    decided_at   timestamptz,
    decided_by   text,
    decision     text check (decision in ('UPGRADE_SEAT', 'ENABLE_EXTRA_USAGE', 'RAISE_LIMIT')),
    amount_nanos bigint,
    primary key (org_id, id),
    foreign key (org_id, member_id) references member (org_id, id)
);
-- At most one pending request per member: filing again returns it.
create unique index extra_usage_request_one_pending on extra_usage_request (org_id, member_id) where status = 'PENDING';
create index extra_usage_request_member on extra_usage_request (org_id, member_id, decided_at);

-- One digest per admin and local date (XU-24); the cursor remembers the last date handled.
create table request_digest (
    org_id     text not null,
    member_id  text not null,
    local_date date not null,
    primary key (org_id, member_id, local_date)
);
create table request_digest_cursor (
    org_id          text primary key references org (id),
    last_local_date date not null
);

-- Spend alerts (EX-8): each threshold once per subject and period.
create table spend_alert (
    org_id    text not null,
    subject   text not null,
    period    text not null,
    threshold text not null,
    primary key (org_id, subject, period, threshold)
);

-- Every email goes through this outbox: written in the transaction that decides to send it,
-- delivered afterwards with retries. dedup_key makes "the same email" impossible to enqueue twice.
create table email_outbox (
    id              bigserial primary key,
    org_id          text        not null,
    dedup_key       text        not null unique,
    to_address      text        not null,
    subject         text        not null,
    text_body       text        not null,
    html_body       text        not null,
    created_at      timestamptz not null,
    next_attempt_at timestamptz not null,
    claimed_until   timestamptz,
    attempts        int         not null default 0,
    last_error      text,
    sent_at         timestamptz
);
create index email_outbox_due on email_outbox (next_attempt_at) where sent_at is null;

-- A lease per scheduled job, so that one node at a time runs it.
create table job_lease (
    name        text primary key,
    holder      text        not null,
    held_until  timestamptz not null
);
