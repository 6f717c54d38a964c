-- tide:no-transaction
drop index concurrently if exists invoices_open_due_on_idx;
