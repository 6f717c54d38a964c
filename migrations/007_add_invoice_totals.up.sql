-- Totals used to be summed on every read; store them, and fill them in for existing invoices.
alter table invoices add column total_cents bigint not null default 0;

update invoices
set total_cents = lines.total_cents
from (
  select invoice_id, round(sum(quantity * unit_price_cents))::bigint as total_cents
  from invoice_lines
  group by invoice_id
) as lines
where lines.invoice_id = invoices.id;

alter table invoices add constraint invoices_total_not_negative check (total_cents >= 0);

comment on column invoices.total_cents is 'Sum of the lines, in cents; kept by the application.';
