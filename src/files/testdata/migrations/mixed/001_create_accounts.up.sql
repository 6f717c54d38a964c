-- Accounts own everything else.
create table accounts (
  id bigint generated always as identity primary key,
  name text not null,
  email text not null,
  created_at timestamptz not null default now()
);

comment on table accounts is 'One row per customer account; see docs/accounts.md';
