-- XU-10, XU-27: one invoice per org and period, written in one transaction with its lines.
-- cutoff is the org-clock instant of the close: events of the period received up to it are on
-- this invoice; events of earlier periods received between the previous cutoff and this one are
-- its prior-period lines. Every event is therefore billed exactly once.
create table invoice (
    org_id      text        not null references org (id),
    id          text        not null,
    period      text        not null,
    status      text        not null check (status in ('ISSUED')),
    currency    text        not null,
    total_nanos bigint      not null,
    cutoff      timestamptz not null,
    closed_at   timestamptz not null,
    primary key (org_id, id),
    unique (org_id, period)
);

create table invoice_line (
    org_id       text   not null,
    invoice_id   text   not null,
    line_no      int    not null,
    member_id    text   not null,
    product      text   not null,
    model        text   not null,
    prior_period text,
    exact_nanos  bigint not null,
    amount_nanos bigint not null,
    primary key (org_id, invoice_id, line_no),
    foreign key (org_id, invoice_id) references invoice (org_id, id)
);

create index usage_event_received on usage_event (org_id, received_at);

-- EX-3: daily aggregates (org-local day) that usage reports read instead of raw events;
-- incremented in the settlement transaction.
create table usage_daily (
    org_id                text   not null,
    day                   date   not null,
    member_id             text   not null,
    seat_type             text   not null,
    product               text   not null,
    model                 text   not null,
    requests              bigint not null default 0,
    included_nanos        bigint not null default 0,
    extra_nanos           bigint not null default 0,
    input_tokens          bigint not null default 0,
    output_tokens         bigint not null default 0,
    cache_write_5m_tokens bigint not null default 0,
    cache_write_1h_tokens bigint not null default 0,
    cache_read_tokens     bigint not null default 0,
    web_search_requests   bigint not null default 0,
    primary key (org_id, day, member_id, seat_type, product, model)
);

insert into usage_daily (org_id, day, member_id, seat_type, product, model, requests, included_nanos, extra_nanos,
                         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
                         web_search_requests)
select e.org_id, (e.occurred_at at time zone o.time_zone)::date, e.member_id, coalesce(e.seat_type, ''), e.product, e.model,
       count(*), sum(e.included_nanos), sum(e.extra_nanos), sum(e.input_tokens), sum(e.output_tokens),
       sum(e.cache_write_5m_tokens), sum(e.cache_write_1h_tokens), sum(e.cache_read_tokens), sum(e.web_search_requests)
from usage_event e join org o on o.id = e.org_id
group by 1, 2, 3, 4, 5, 6;
