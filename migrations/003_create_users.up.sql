create table users (
  id bigint generated always as identity primary key,
  -- Removing an organization removes its members.
  organization_id bigint not null references organizations (id) on delete cascade,
  email text not null,
  full_name text not null,
  role text not null default 'member',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_format check (email like '_%@_%'),
  constraint users_role_known check (role in ('owner', 'admin', 'member')),
  constraint users_organization_email_key unique (organization_id, email)
);

comment on column users.role is 'owner, admin or member.';

create trigger users_set_updated_at
  before update on users
  for each row execute function set_updated_at();
