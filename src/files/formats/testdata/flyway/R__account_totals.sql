create or replace view account_totals as
  select a.id, a.email, order_total(a.id) as total_cents from accounts a;
