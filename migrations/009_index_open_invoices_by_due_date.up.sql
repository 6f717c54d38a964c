-- tide:no-transaction
-- Built concurrently so that writes to invoices are not blocked while it builds. That cannot
-- run inside a transaction block, hence the directive above.
create index concurrently if not exists invoices_open_due_on_idx
  on invoices (organization_id, due_on)
  where status = 'sent';
