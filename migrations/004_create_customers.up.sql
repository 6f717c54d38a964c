-- The companies an organization bills.
create table customers (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  name text not null,
  billing_email text,
  vat_number text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint customers_billing_email_format check (billing_email like '_%@_%')
);

create index customers_organization_id_name_idx on customers (organization_id, name);

create trigger customers_set_updated_at
  before update on customers
  for each row execute function set_updated_at();
