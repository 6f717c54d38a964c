/**
 * A migration set where each migration is one lossy down a reviewer would miss, between exact
 * ones, with what verification must report for each. Later migrations build on earlier ones'
 * ups, so a verdict that is right also proves the state carried over.
 *
 * @module
 */
import type { RoundTripFailure } from "../report.ts";

/** Migration files, name to SQL. */
export const LOSSY_FILES: Record<string, string> = {
  "001_base.up.sql": `create table parent (id int primary key);
create table item (
  id int primary key,
  code varchar(10) constraint item_code_key unique,
  price int default 0,
  status text not null,
  parent_id int constraint item_parent_id_fkey references parent (id) on delete cascade
);
alter table item add constraint item_status_check check (status <> '') not valid;
`,
  "001_base.down.sql": "drop table item;\ndrop table parent;\n",
  "002_index_left_behind.sql": `-- migrate:up
create index item_code_idx on item (code);
-- migrate:down
drop index if exists code_idx;
`,
  "003_type_length.sql": `-- migrate:up
alter table item alter column code type varchar(20);
-- migrate:down
alter table item alter column code type varchar(12);
`,
  "004_default_dropped.sql": `-- migrate:up
alter table item alter column price set default 5;
-- migrate:down
alter table item alter column price drop default;
`,
  "005_enum_left_behind.sql": `-- migrate:up
create type mood as enum ('happy', 'sad');
alter table item add column mood mood;
-- migrate:down
alter table item drop column mood;
`,
  "006_function_left_behind.sql": `-- migrate:up
create function add_one(n int) returns int language sql immutable as 'select n + 1';
-- migrate:down
drop function if exists add_one(bigint);
`,
  "007_rls_left_on.sql": `-- migrate:up
alter table item enable row level security;
create policy item_visible on item using (status <> 'hidden');
-- migrate:down
drop policy item_visible on item;
`,
  "008_not_null_left_dropped.sql": `-- migrate:up
alter table item alter column status drop not null;
-- migrate:down
update item set status = 'unknown' where status is null;
`,
  "009_check_validated.sql": `-- migrate:up
alter table item drop constraint item_status_check;
-- migrate:down
alter table item add constraint item_status_check check (status <> '');
`,
  "010_comment_left.sql": `-- migrate:up
comment on column item.code is 'stock keeping unit';
-- migrate:down
select 1;
`,
  "011_unique_as_index.sql": `-- migrate:up
alter table item drop constraint item_code_key;
-- migrate:down
create unique index item_code_key on item (code);
`,
  "012_on_delete_lost.sql": `-- migrate:up
alter table item drop constraint item_parent_id_fkey;
-- migrate:down
alter table item add constraint item_parent_id_fkey foreign key (parent_id) references parent (id);
`,
  "013_column_readded_at_end.sql": `-- migrate:up
alter table item drop column price;
-- migrate:down
alter table item add column price int default 5;
`,
  "014_schema_left_behind.sql": `-- migrate:up
create schema reporting;
create table reporting.daily (day date primary key);
-- migrate:down
drop table reporting.daily;
`,
  "015_down_errors.up.sql": "alter table parent add column note text;\n",
  "015_down_errors.down.sql":
    "alter table parent drop column note;\nselect missing_column from parent;\n",
  "016_reup_errors.sql": `-- migrate:up
insert into parent (id) values (100);
-- migrate:down
select 1;
`,
  "017_missing_down.up.sql": "create table note (id int primary key, body text);\n",
  "018_empty_down.sql": `-- migrate:up
alter table note add column title text;
-- migrate:down
`,
  "019_exact_after_failures.sql": `-- migrate:up
alter table note add column author text;
-- migrate:down
alter table note drop column author;
`,
  "020_up_errors.sql": `-- migrate:up
create table broken (id int);
select nope from broken;
-- migrate:down
drop table broken;
`,
  "021_exact_after_up_error.sql": `-- migrate:up
create table broken (id int primary key);
-- migrate:down
drop table broken;
`,
  "022_no_transaction_down_fails.sql": `-- tide:no-transaction
-- migrate:up
create index concurrently note_body_idx on note (body);
-- migrate:down
drop index concurrently note_body_idx;
drop index concurrently no_such_idx;
`,
  "023_needs_the_checkpoint.sql": `-- migrate:up
alter index note_body_idx rename to note_body_search_idx;
-- migrate:down
alter index note_body_search_idx rename to note_body_idx;
`,
};

/** What must be reported for a migration that fails: its failing step and words in a problem. */
export interface ExpectedFailure {
  /** The first failing step. */
  failure: RoundTripFailure;
  /** Must match one of the problems. */
  problem: RegExp;
}

/** Failing versions; every other version must be ok. */
export const LOSSY_EXPECTED: Readonly<Record<string, ExpectedFailure>> = {
  "002": { failure: "down-differs", problem: /index public\.item_code_idx exists after down/ },
  "003": {
    failure: "down-differs",
    problem: /public\.item\.code: type character varying\(10\) -> character varying\(12\)/,
  },
  "004": { failure: "down-differs", problem: /public\.item\.price: default 0 removed/ },
  "005": { failure: "down-differs", problem: /enum public\.mood exists after down/ },
  "006": { failure: "down-differs", problem: /function public\.add_one\(n integer\) exists after/ },
  "007": { failure: "down-differs", problem: /table public\.item: row level security added/ },
  "008": { failure: "down-differs", problem: /public\.item\.status: not null removed/ },
  "009": { failure: "down-differs", problem: /item_status_check.*NOT VALID/ },
  "010": {
    failure: "down-differs",
    problem: /public\.item\.code: comment 'stock keeping unit' added/,
  },
  "011": {
    failure: "down-differs",
    problem: /constraint public\.item\.item_code_key exists before up but not after down/,
  },
  "012": { failure: "down-differs", problem: /item_parent_id_fkey.*ON DELETE CASCADE/ },
  "013": { failure: "down-differs", problem: /column order of public\.item changed/ },
  "014": { failure: "down-differs", problem: /schema reporting exists after down/ },
  "015": { failure: "down", problem: /down failed: .*015_down_errors\.down\.sql:2:8/ },
  "016": { failure: "re-up", problem: /re-up failed: .*duplicate key/ },
  "017": { failure: "no-down", problem: /no down: .*017_missing_down\.up\.sql/ },
  "018": { failure: "no-down", problem: /no down/ },
  "020": { failure: "up", problem: /up failed: .*020_up_errors\.sql:3:8/ },
  "022": { failure: "down", problem: /no_such_idx/ },
};
