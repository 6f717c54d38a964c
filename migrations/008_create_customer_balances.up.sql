-- What each customer still owes: sent invoices not yet paid.
create view customer_balances as
select
  c.organization_id,
  c.id as customer_id,
  c.name as customer_name,
  count(i.id) as open_invoices,
  coalesce(sum(i.total_cents), 0) as outstanding_cents,
  min(i.due_on) as oldest_due_on
from customers c
left join invoices i on i.customer_id = c.id and i.status = 'sent'
group by c.organization_id, c.id, c.name;

comment on view customer_balances is 'Open (sent, unpaid) invoices per customer.';
