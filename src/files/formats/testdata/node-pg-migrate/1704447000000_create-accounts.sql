-- Up Migration
create table accounts (
  id bigint generated always as identity primary key,
  email text not null,
  created_at timestamptz not null default now()
);

-- Down Migration
drop table accounts;
