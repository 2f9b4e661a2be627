-- Issue 17: every extra-usage event lands on exactly one invoice, by assignment at close instead of
-- by time. A close assigns every event of its period or earlier that no invoice holds yet; the
-- primary key makes a second assignment impossible, and an event committed after the close's
-- statement is simply still unassigned, for the next invoice. The time-based cutoff could drop an
-- event whose received_at equalled a frozen test clock's cutoff, or one settled while a close ran.
create table invoice_event (
    org_id     text not null,
    request_id text not null,
    invoice_id text not null,
    primary key (org_id, request_id),
    foreign key (org_id, request_id) references usage_event (org_id, request_id),
    foreign key (org_id, invoice_id) references invoice (org_id, id)
);
create index invoice_event_invoice on invoice_event (org_id, invoice_id);

-- The invoices already issued keep exactly the events their cutoffs gave them.
insert into invoice_event (org_id, request_id, invoice_id)
select e.org_id, e.request_id, i.id
from invoice i
cross join lateral (
    select coalesce(max(p.cutoff), 'epoch'::timestamptz) as cutoff
    from invoice p where p.org_id = i.org_id and p.period < i.period) previous
join usage_event e
  on e.org_id = i.org_id and e.extra_nanos > 0 and e.received_at <= i.cutoff
 and (e.period = i.period or (e.period < i.period and e.received_at > previous.cutoff))
on conflict do nothing;
