-- Shares its numeric prefix with 0001_create_accounts: the tool orders by the whole name.
create table orders (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  total_cents integer not null
);
