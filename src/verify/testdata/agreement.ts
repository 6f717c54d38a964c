/**
 * A realistic history, verified on PGlite (PostgreSQL 18) and on PostgreSQL 15, with the verdict
 * each migration must get on both: exact downs, lossy ones, data-only migrations, times the
 * server stores, NOT NULL round trips, and most kinds of objects. Each migration starts from the
 * state after the previous ones' ups. Where the two servers' catalogs differ (NOT NULL
 * constraint names exist on 18 only), `pg18` says what PGlite must report instead, and why.
 *
 * @module
 */
import type { RoundTripFailure } from "../report.ts";
import type { MigrationCase } from "./build.ts";

/** A verdict: passed (round trip or data only), or the failing step and words of a problem. */
export type Expected = "round-trips" | "data-only" | readonly [RoundTripFailure, RegExp];

/** One migration of the history and its verdict. */
export interface AgreementCase extends MigrationCase {
  /** The verdict on both servers. */
  expect: Expected;
  /** Where PGlite must say otherwise because PostgreSQL 18's catalogs hold more. */
  pg18?: { expect: Expected; why: string };
}

/** Roles the history grants to; run before the first migration, on a server twice. */
export const AGREEMENT_SETUP = `
do $$ begin create role app_user; exception when duplicate_object then null; end $$;
do $$ begin create role app_reader; exception when duplicate_object then null; end $$;
`;

const VIEW_ACTIVE = "create view active_accounts as select id, email, plan from accounts " +
  "where status <> 'closed';";

/** The history, in version order. */
export const AGREEMENT_CASES: readonly AgreementCase[] = [
  {
    version: "001",
    name: "extensions",
    up: "create extension citext;\ncreate extension pgcrypto;",
    down: "drop extension pgcrypto;\ndrop extension citext;",
    expect: "round-trips",
  },
  {
    version: "002",
    name: "accounts",
    up: `create type account_status as enum ('active', 'suspended', 'closed');
create table accounts (
  id bigint generated always as identity primary key,
  email citext not null unique,
  token uuid not null default gen_random_uuid(),
  status account_status not null default 'active',
  plan text not null default 'free'::text check (plan in ('free', 'pro')),
  created_at timestamptz not null default now()
);
comment on table accounts is 'customers';
comment on column accounts.email is 'login';`,
    down: "drop table accounts;\ndrop type account_status;",
    expect: "round-trips",
  },
  {
    version: "003",
    name: "invoices",
    up: `create domain positive_cents as bigint check (value > 0);
create sequence invoice_no start 1000 increment 10;
create table invoices (
  id serial primary key,
  account_id bigint not null references accounts (id) on delete cascade,
  number bigint not null default nextval('invoice_no'),
  amount positive_cents not null,
  note text
);
create index invoices_account_idx on invoices (account_id);`,
    down: "drop table invoices;\ndrop sequence invoice_no;\ndrop domain positive_cents;",
    expect: "round-trips",
  },
  {
    version: "004",
    name: "generated_total",
    up: "alter table invoices add column amount_eur numeric generated always as " +
      "(amount / 100.0) stored;",
    down: "alter table invoices drop column amount_eur;",
    expect: "round-trips",
  },
  {
    version: "005",
    name: "partitioned_events",
    up: `create table events (id bigint not null, at date not null, kind text)
  partition by range (at);
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
create table events_2027 partition of events for values from ('2027-01-01') to ('2028-01-01');
create index events_at_idx on events (at);`,
    down: "drop table events;",
    expect: "round-trips",
  },
  {
    version: "006",
    name: "row_level_security",
    up: `alter table invoices enable row level security;
create policy own_invoices on invoices for select to app_user using (account_id > 0);`,
    down: "drop policy own_invoices on invoices;\nalter table invoices disable row level security;",
    expect: "round-trips",
  },
  {
    version: "007",
    name: "grant_reader",
    up: "grant select on accounts, invoices to app_reader;\ngrant usage on sequence invoice_no " +
      "to app_reader;",
    down: "revoke usage on sequence invoice_no from app_reader;\nrevoke select on accounts, " +
      "invoices from app_reader;",
    expect: "round-trips",
  },
  {
    version: "008",
    name: "grant_left_behind",
    up: "grant insert, update on accounts to app_user;",
    down: "revoke update on accounts from app_user;",
    expect: ["down-differs", /table public\.accounts: grants changed/],
  },
  {
    version: "009",
    name: "touch_trigger",
    up: `alter table invoices add column updated_at timestamptz not null default now();
create function touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;
create trigger invoices_touch before update on invoices for each row execute function touch();`,
    down: "drop trigger invoices_touch on invoices;\ndrop function touch();\n" +
      "alter table invoices drop column updated_at;",
    expect: "round-trips",
  },
  {
    version: "010",
    name: "active_view",
    up: VIEW_ACTIVE,
    down: "drop view active_accounts;",
    expect: "round-trips",
  },
  {
    version: "011",
    name: "plan_to_varchar",
    up: `drop view active_accounts;
alter table accounts alter column plan type varchar(10);
${VIEW_ACTIVE}`,
    down: `drop view active_accounts;
alter table accounts alter column plan type text;
${VIEW_ACTIVE}`,
    expect: "round-trips",
  },
  {
    version: "012",
    name: "view_rebuilt_wider",
    up: "drop view active_accounts;",
    down: "create view active_accounts as select * from accounts where status <> 'closed';",
    expect: ["down-differs", /view public\.active_accounts: definition changed/],
  },
  {
    version: "013",
    name: "view_back",
    up: VIEW_ACTIVE,
    down: "drop view active_accounts;",
    expect: "round-trips",
  },
  {
    version: "014",
    name: "rename_column_under_view",
    up: "alter table invoices rename column note to memo;\n" +
      "create index invoices_memo_idx on invoices (memo);",
    down: "drop index invoices_memo_idx;\nalter table invoices rename column memo to note;",
    expect: "round-trips",
  },
  {
    version: "015",
    name: "column_readded_at_end",
    up: "alter table accounts drop column token;",
    down: "alter table accounts add column token uuid not null default gen_random_uuid();",
    expect: ["down-differs", /column order of public\.accounts changed/],
  },
  {
    version: "016",
    name: "default_with_cast",
    up: "alter table accounts alter column plan set default 'pro'::character varying;",
    down: "alter table accounts alter column plan set default 'free'::text;",
    expect: "round-trips",
  },
  {
    version: "017",
    name: "default_lost",
    up: "alter table invoices alter column number drop default;",
    down: "alter table invoices alter column number set default 0;",
    expect: ["down-differs", /public\.invoices\.number: default nextval/],
  },
  {
    version: "018",
    name: "collated_column",
    up: 'alter table accounts add column sort_name text collate "C";\n' +
      "comment on column accounts.sort_name is 'for sorting';",
    down: "alter table accounts drop column sort_name;",
    expect: "round-trips",
  },
  {
    version: "019",
    name: "comment_lost_with_column",
    up: "alter table accounts drop column sort_name;",
    down: 'alter table accounts add column sort_name text collate "C";',
    expect: ["down-differs", /public\.accounts\.sort_name: comment 'for sorting' removed/],
  },
  {
    version: "020",
    name: "backfill_plans",
    up: "insert into accounts (email) values ('a@example.com'), ('b@example.com');\n" +
      "update accounts set plan = 'pro' where email like 'a%';",
    expect: "data-only",
  },
  {
    version: "021",
    name: "fix_emails",
    up: "update accounts set email = lower(email);",
    down: "-- nothing to undo\n",
    expect: "data-only",
  },
  {
    version: "022",
    name: "seed_invoice",
    up: "insert into invoices (account_id, number, amount) select id, id, 500 from accounts;",
    down: "delete from invoices;",
    expect: "round-trips",
  },
  {
    version: "023",
    name: "recent_events_view",
    up: "create view recent_events as select id, kind from events " +
      "where at > timestamp 'now' - interval '30 days';",
    down: "drop view recent_events;",
    expect: "round-trips",
  },
  {
    version: "024",
    name: "default_today",
    up: "alter table events add column logged_on date not null default 'today';",
    down: "alter table events drop column logged_on;",
    expect: "round-trips",
  },
  {
    version: "025",
    name: "cutoff_changed",
    up: "create or replace view recent_events as select id, kind from events " +
      "where at > date '2026-02-01';",
    down: "create or replace view recent_events as select id, kind from events " +
      "where at > date '2026-01-01';",
    expect: ["down-differs", /view public\.recent_events: definition changed/],
  },
  {
    version: "026",
    name: "memo_required",
    up: "update invoices set memo = '' where memo is null;\n" +
      "alter table invoices alter column memo set not null;",
    down: "alter table invoices alter column memo drop not null;",
    expect: "round-trips",
  },
  {
    version: "027",
    name: "notes_table",
    up: "create table notes (id int primary key, body text not null);",
    down: "drop table notes;",
    expect: "round-trips",
  },
  {
    version: "028",
    name: "notes_to_memos",
    up: "alter table notes rename to memos;",
    down: "alter table memos rename to notes;",
    expect: "round-trips",
  },
  {
    version: "029",
    name: "memo_body_rebuilt",
    up: "alter table memos drop column body;",
    down: "alter table memos add column body text not null default '';\n" +
      "alter table memos alter column body drop default;",
    expect: "round-trips",
    pg18: {
      expect: ["down-differs", /public\.memos\.body: not null name notes_body_not_null removed/],
      why: "PostgreSQL 18 keeps the NOT NULL constraint's name, notes_body_not_null from the " +
        "table's old name; the re-added column's is memos_body_not_null, and a later " +
        "DROP CONSTRAINT notes_body_not_null fails. PostgreSQL 15 has no such name.",
    },
  },
  {
    version: "030",
    name: "identity_on_memos",
    up: "alter table memos add column seq int generated by default as identity;",
    down: "alter table memos drop column seq;",
    expect: "round-trips",
  },
  {
    version: "031",
    name: "serial_on_events",
    up: "alter table events add column row_no serial;",
    down: "alter table events drop column row_no;",
    expect: "round-trips",
  },
  {
    version: "032",
    name: "aggregate_left_behind",
    up: `create function concat_state(text, text) returns text language sql immutable
  return coalesce($1 || ', ', '') || $2;
create aggregate concat_all(text) (sfunc = concat_state, stype = text);`,
    down: "drop aggregate if exists concat_all(varchar);",
    expect: ["down-differs", /aggregate public\.concat_all\(text\) exists after down but not/],
  },
  {
    version: "033",
    name: "rule_keep_invoices",
    up: "create rule invoices_no_delete as on delete to invoices do instead nothing;",
    down: "drop rule invoices_no_delete on invoices;",
    expect: "round-trips",
  },
  {
    version: "034",
    name: "publication",
    up: "create publication billing for table invoices;",
    down: "drop publication billing;",
    expect: "round-trips",
  },
  {
    version: "035",
    name: "publication_table_left",
    up: "alter publication billing add table accounts;",
    down: "select 1;",
    expect: ["down-differs", /publication billing: definition changed/],
  },
  {
    version: "036",
    name: "statistics",
    up: "create statistics invoices_account_amount (dependencies) on account_id, amount " +
      "from invoices;",
    down: "drop statistics invoices_account_amount;",
    expect: "round-trips",
  },
  {
    version: "037",
    name: "wrapped_in_begin",
    up: "BEGIN;\nalter table events add column source text;\nCOMMIT;",
    down: "BEGIN;\nalter table events drop column source;\nCOMMIT;",
    expect: "round-trips",
  },
  {
    version: "038",
    name: "concurrent_index",
    up: "create index concurrently accounts_created_idx on accounts (created_at);",
    down: "drop index concurrently accounts_created_idx;",
    noTransaction: true,
    expect: "round-trips",
  },
  {
    version: "039",
    name: "index_left_behind",
    up: "create index accounts_status_idx on accounts (status);",
    down: "drop index if exists accounts_state_idx;",
    expect: ["down-differs", /index public\.accounts_status_idx exists after down/],
  },
  {
    version: "040",
    name: "materialized_totals",
    up: "create materialized view account_totals as select account_id, sum(amount) as total " +
      "from invoices group by account_id;\n" +
      "create unique index account_totals_idx on account_totals (account_id);",
    down: "drop materialized view account_totals;",
    expect: "round-trips",
  },
  {
    version: "041",
    name: "validate_check",
    up: "alter table invoices add constraint invoices_amount_small check (amount < 1000000) " +
      "not valid;\nalter table invoices validate constraint invoices_amount_small;",
    down: "alter table invoices drop constraint invoices_amount_small;",
    expect: "round-trips",
  },
  {
    version: "042",
    name: "on_delete_lost",
    up: "alter table invoices drop constraint invoices_account_id_fkey;\n" +
      "alter table invoices add constraint invoices_account_id_fkey foreign key (account_id) " +
      "references accounts (id) on delete restrict;",
    down: "alter table invoices drop constraint invoices_account_id_fkey;\n" +
      "alter table invoices add constraint invoices_account_id_fkey foreign key (account_id) " +
      "references accounts (id);",
    expect: ["down-differs", /invoices_account_id_fkey.*ON DELETE CASCADE/],
  },
  {
    version: "043",
    name: "enum_value_added",
    up: "alter type account_status add value 'archived';",
    down: `drop view active_accounts;
alter type account_status rename to account_status_old;
create type account_status as enum ('active', 'suspended', 'closed');
alter table accounts alter column status drop default;
alter table accounts alter column status type account_status using status::text::account_status;
alter table accounts alter column status set default 'active';
drop type account_status_old;
${VIEW_ACTIVE}`,
    expect: "round-trips",
  },
  {
    version: "044",
    name: "domain_constraint",
    up: "alter domain positive_cents add constraint below_limit check (value < 100000000);",
    down: "alter domain positive_cents drop constraint below_limit;",
    expect: "round-trips",
  },
  {
    version: "045",
    name: "reporting_schema",
    up: "create schema reporting;\ncreate table reporting.daily (day date primary key, " +
      "total bigint);\ngrant usage on schema reporting to app_reader;",
    down: "drop schema reporting cascade;",
    expect: "round-trips",
  },
  {
    version: "046",
    name: "audit_table_no_down",
    up: "create table audit_log (id bigserial primary key, entry jsonb);",
    expect: ["no-down", /has no down script, so it cannot be rolled back/],
  },
  {
    version: "047",
    name: "touch_v2",
    up: `create or replace function touch() returns trigger language plpgsql as $$
begin
  new.updated_at := clock_timestamp();
  return new;
end
$$;`,
    down: `create or replace function touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;`,
    expect: "round-trips",
  },
  {
    version: "048",
    name: "touch_restored_loosely",
    up: `create or replace function touch() returns trigger language plpgsql as $$
begin
  new.updated_at := statement_timestamp();
  return new;
end
$$;`,
    down: `create or replace function touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now(); return new;
end
$$;`,
    expect: ["down-differs", /function public\.touch\(\): definition changed/],
  },
  {
    version: "049",
    name: "up_fails",
    up: "alter table invoices add column currency char(3) not null default 'EUR';\n" +
      "select currencies from invoices;",
    down: "alter table invoices drop column currency;",
    expect: ["up", /up failed: .*049_up_fails\.up\.sql:2:8/],
  },
  {
    version: "050",
    name: "down_fails",
    up: "alter table events add column region text;",
    down: "alter table events drop column regio;",
    expect: ["down", /down failed: .*050_down_fails\.down\.sql:1:/],
  },
  {
    version: "051",
    name: "reup_collides",
    up: "create table tags (name text primary key);",
    down: "select 1;",
    expect: ["down-differs", /table public\.tags exists after down/],
  },
  {
    version: "052",
    name: "statistics_target",
    up: "alter table accounts alter column email set statistics 500;",
    down: "alter table accounts alter column email set statistics -1;",
    expect: "round-trips",
  },
  {
    version: "053",
    name: "replica_identity_left",
    up: "alter table accounts replica identity full;",
    down: "select 1;",
    expect: ["down-differs", /table public\.accounts: replica identity full added/],
  },
  {
    version: "054",
    name: "operator_family_no_down",
    up: "create operator family account_ops using btree;",
    expect: ["no-down", /runs CREATE OPERATOR FAMILY/],
  },
];
