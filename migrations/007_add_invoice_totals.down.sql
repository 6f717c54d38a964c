-- The totals can be recomputed from the lines, so dropping the column loses nothing.
alter table invoices drop column total_cents;
