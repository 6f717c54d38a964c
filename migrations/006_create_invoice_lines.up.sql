create table invoice_lines (
  id bigint generated always as identity primary key,
  invoice_id bigint not null references invoices (id) on delete cascade,
  sort_order integer not null,
  description text not null,
  quantity numeric(12, 3) not null default 1,
  unit_price_cents bigint not null,
  constraint invoice_lines_quantity_positive check (quantity > 0),
  constraint invoice_lines_invoice_sort_order_key unique (invoice_id, sort_order)
);

comment on column invoice_lines.unit_price_cents is 'Price of one unit, in cents of the invoice currency.';
