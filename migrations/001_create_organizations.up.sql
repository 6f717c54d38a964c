-- Tenants of the invoicing service: every other row belongs to one organization.
create table organizations (
  id bigint generated always as identity primary key,
  name text not null,
  slug text not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Slugs appear in URLs, so keep them lowercase and URL-safe.
  constraint organizations_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]*$')
);

comment on table organizations is 'Tenants: every other row belongs to one organization.';
