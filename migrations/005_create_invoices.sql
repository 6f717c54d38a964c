-- This migration uses the single-file format: both directions live in one file.

-- migrate:up
create type invoice_status as enum ('draft', 'sent', 'paid', 'void');

create table invoices (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  -- NO ACTION (the default) rather than RESTRICT: it is checked at the end of the statement, so
  -- deleting an organization cascades through both customers and invoices without tripping it.
  customer_id bigint not null references customers (id),
  -- Invoices outlive the member who wrote them.
  created_by bigint references users (id) on delete set null,
  number text not null,
  status invoice_status not null default 'draft',
  currency char(3) not null default 'EUR',
  issued_on date not null default current_date,
  due_on date not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint invoices_due_after_issue check (due_on >= issued_on),
  constraint invoices_organization_number_key unique (organization_id, number)
);

create index invoices_customer_id_idx on invoices (customer_id);

create trigger invoices_set_updated_at
  before update on invoices
  for each row execute function set_updated_at();

-- migrate:down
drop table invoices;
drop type invoice_status;
