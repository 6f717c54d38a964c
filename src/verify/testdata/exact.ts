/**
 * A migration set touching every kind of object, whose downs are all exact: verification must
 * pass it. Written with `{{schema}}` templates, to be verified with a schema option.
 *
 * @module
 */

/** Migration files, name to SQL. */
export const EXACT_FILES: Record<string, string> = {
  "001_tables.up.sql": `create type {{schema}}.status as enum ('new', 'done');
create table {{tables.users}} (
  id bigint generated always as identity primary key,
  email text not null unique,
  status {{schema}}.status not null default 'new',
  check (email <> '')
);
create table {{tables.posts}} (
  id serial primary key,
  user_id bigint not null references {{tables.users}} (id) on delete cascade,
  title varchar(200),
  body text
);
create index posts_user_id_idx on {{tables.posts}} (user_id);
comment on table {{tables.users}} is 'people';
comment on column {{tables.posts}}.title is 'headline';
`,
  "001_tables.down.sql": `drop table {{tables.posts}};
drop table {{tables.users}};
drop type {{schema}}.status;
`,
  "002_view_function_trigger.sql": `-- migrate:up
create view {{schema}}.user_posts as
  select u.email, p.id as post_id from {{tables.users}} u join {{tables.posts}} p on p.user_id = u.id;
create function {{schema}}.touch() returns trigger language plpgsql as $$
begin
  new.title := coalesce(new.title, '');
  return new;
end
$$;
create trigger posts_touch before insert on {{tables.posts}}
  for each row execute function {{schema}}.touch();
-- migrate:down
drop trigger posts_touch on {{tables.posts}};
drop function {{schema}}.touch();
drop view {{schema}}.user_posts;
`,
  "003_policy.sql": `-- migrate:up
alter table {{tables.posts}} enable row level security;
create policy own_posts on {{tables.posts}} using (user_id = 1);
-- migrate:down
drop policy own_posts on {{tables.posts}};
alter table {{tables.posts}} disable row level security;
`,
  "004_sequence_domain.sql": `-- migrate:up
create sequence {{schema}}.invoice_no start 1000 increment 10;
create domain {{schema}}.positive as int check (value > 0);
alter table {{tables.posts}} add column likes {{schema}}.positive;
-- migrate:down
alter table {{tables.posts}} drop column likes;
drop domain {{schema}}.positive;
drop sequence {{schema}}.invoice_no;
`,
  "005_partitioned.sql": `-- migrate:up
create table {{tables.events}} (id int, at date not null) partition by range (at);
create table {{tables.events_2026}} partition of {{tables.events}}
  for values from ('2026-01-01') to ('2027-01-01');
-- migrate:down
drop table {{tables.events}};
`,
  "006_concurrent_index.sql": `-- tide:no-transaction
-- migrate:up
create index concurrently posts_title_idx on {{tables.posts}} (title);
-- migrate:down
drop index concurrently {{schema}}.posts_title_idx;
`,
  "007_widen_and_restore.sql": `-- migrate:up
alter table {{tables.posts}} alter column title type varchar(300);
alter table {{tables.users}} alter column status set default 'done';
comment on column {{tables.posts}}.title is 'longer headline';
-- migrate:down
comment on column {{tables.posts}}.title is 'headline';
alter table {{tables.users}} alter column status set default 'new';
alter table {{tables.posts}} alter column title type varchar(200);
`,
};
