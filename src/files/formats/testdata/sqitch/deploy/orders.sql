-- Deploy shop:orders to pg
-- requires: accounts

BEGIN;

create table orders (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id) on delete cascade,
  total_cents integer not null check (total_cents >= 0)
);

COMMIT;
