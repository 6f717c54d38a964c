import assert from "node:assert/strict";
import type { Queryable, Row } from "../drivers/driver.ts";
import { createPgliteDriver } from "../drivers/pglite.ts";
import { createPostgresDriver } from "../drivers/postgres.ts";
import { MigrationError } from "../errors.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { takeSnapshot } from "./snapshot.ts";

/** One schema with every object family the snapshot covers (extensions aside). */
const EVERY_FAMILY = `
create schema app;
comment on schema app is 'the app';
create type app.mood as enum ('sad', 'ok', 'happy');
create domain app.posint as integer default 1 not null check (value > 0);
create type app.address as (street text, city varchar(40));
create type app.floatrange as range (subtype = float8);
create sequence app.counter start 5 increment 2 cycle;
create table app.users (
  id int generated always as identity primary key,
  email varchar(100) not null default 'x' unique,
  name text collate "C",
  mood app.mood,
  score app.posint,
  shout text generated always as (upper(name)) stored
);
alter table app.users add constraint email_len check (length(email) > 3) not valid;
create unlogged table app.logs (
  id serial primary key,
  user_id int references app.users (id) on delete cascade deferrable initially deferred,
  body text
);
create index logs_body_idx on app.logs (lower(body)) where body is not null;
create table app.events (id int, at date not null) partition by range (at);
create table app.events_2024 partition of app.events for values from ('2024-01-01') to ('2025-01-01');
create view app.happy as select id, email from app.users where mood = 'happy';
create view app.user_logs as select u.email, l.body from app.users u join app.logs l on l.user_id = u.id;
create materialized view app.counts as select count(*) as n from app.users;
create index counts_n_idx on app.counts (n);
create function app.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create function app.add(a int, b int) returns int language sql immutable return a + b;
create procedure app.noop(a int) language sql as $$ select 1 $$;
create trigger logs_touch before update on app.logs for each row execute function app.touch();
alter table app.logs disable trigger logs_touch;
alter table app.users enable row level security;
alter table app.users force row level security;
create policy own_rows on app.users as restrictive for update to public using (id > 0) with check (score > 1);
comment on column app.users.email is 'login';
comment on table app.users is 'people';
comment on index app.logs_body_idx is 'search';
comment on function app.add(int, int) is 'sums';
`;

const EXPECTED_LINES = [
  "CREATE SCHEMA app;",
  "COMMENT ON SCHEMA app IS 'the app';",
  "CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');",
  "CREATE DOMAIN app.posint AS integer DEFAULT 1 NOT NULL CONSTRAINT posint_check CHECK ((VALUE > 0));",
  "CREATE TYPE app.address AS (street text, city character varying(40));",
  "CREATE TYPE app.floatrange AS RANGE (SUBTYPE = double precision);",
  "CREATE SEQUENCE app.counter AS bigint START WITH 5 INCREMENT BY 2 MINVALUE 1 " +
  "MAXVALUE 9223372036854775807 CACHE 1 CYCLE;",
  "    id integer GENERATED ALWAYS AS IDENTITY NOT NULL,",
  "    email character varying(100) DEFAULT 'x'::character varying NOT NULL,",
  '    name text COLLATE "C",',
  "    mood app.mood,",
  "    shout text GENERATED ALWAYS AS (upper(name)) STORED,",
  "    CONSTRAINT email_len CHECK ((length((email)::text) > 3)) NOT VALID,",
  "    CONSTRAINT users_email_key UNIQUE (email),",
  "    CONSTRAINT users_pkey PRIMARY KEY (id)",
  "CREATE UNLOGGED TABLE app.logs (",
  "    CONSTRAINT logs_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users(id) " +
  "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
  "ALTER SEQUENCE app.logs_id_seq OWNED BY app.logs.id;",
  "CREATE INDEX logs_body_idx ON app.logs USING btree (lower(body)) WHERE (body IS NOT NULL);",
  ") PARTITION BY RANGE (at);",
  "CREATE TABLE app.events_2024 PARTITION OF app.events (",
  ") FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  "CREATE VIEW app.happy AS",
  "CREATE MATERIALIZED VIEW app.counts AS",
  "CREATE INDEX counts_n_idx ON app.counts USING btree (n);",
  "CREATE OR REPLACE FUNCTION app.touch()",
  "CREATE OR REPLACE FUNCTION app.add(a integer, b integer)",
  "CREATE OR REPLACE PROCEDURE app.noop(IN a integer)",
  "CREATE TRIGGER logs_touch BEFORE UPDATE ON app.logs FOR EACH ROW EXECUTE FUNCTION app.touch();",
  "ALTER TABLE app.logs DISABLE TRIGGER logs_touch;",
  "ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;",
  "ALTER TABLE app.users FORCE ROW LEVEL SECURITY;",
  "CREATE POLICY own_rows ON app.users AS RESTRICTIVE FOR UPDATE TO PUBLIC",
  "  USING ((id > 0))",
  "  WITH CHECK (((score)::integer > 1));",
  "COMMENT ON COLUMN app.users.email IS 'login';",
  "COMMENT ON TABLE app.users IS 'people';",
  "COMMENT ON INDEX app.logs_body_idx IS 'search';",
  "COMMENT ON FUNCTION app.add(a integer, b integer) IS 'sums';",
];

Deno.test("takeSnapshot() on PGlite", async (t) => {
  await using db = await createPgliteDriver({ extensions: ["citext"] });
  await db.exec(EVERY_FAMILY);

  await t.step("shows every object family in the text", async () => {
    const lines = new Set((await takeSnapshot(db)).text.split("\n"));
    const missing = EXPECTED_LINES.filter((line) => !lines.has(line));
    assert.deepEqual(missing, []);
  });

  await t.step("is deterministic: two snapshots of one schema are equal", async () => {
    assert.deepEqual(await takeSnapshot(db), await takeSnapshot(db));
  });

  await t.step("groups a table's indexes, triggers and policies under it", async () => {
    const { text } = await takeSnapshot(db);
    const table = text.indexOf("CREATE UNLOGGED TABLE app.logs (");
    assert.ok(table < text.indexOf("CREATE INDEX logs_body_idx"));
    assert.ok(text.indexOf("CREATE INDEX logs_body_idx") < text.indexOf("CREATE TABLE app.users"));
    // Each table's block (blocks are separated by a blank line) holds what hangs off it.
    const blockOf = (head: string) => text.split("\n\n").find((block) => block.startsWith(head));
    const logs = blockOf("CREATE UNLOGGED TABLE app.logs (") ?? "";
    assert.match(logs, /^CREATE INDEX logs_body_idx ON app\.logs /m);
    assert.match(logs, /^CREATE TRIGGER logs_touch BEFORE UPDATE ON app\.logs /m);
    assert.match(logs, /^ALTER TABLE app\.logs DISABLE TRIGGER logs_touch;$/m);
    const users = blockOf("CREATE TABLE app.users (") ?? "";
    assert.match(users, /^CREATE POLICY own_rows ON app\.users /m);
    assert.doesNotMatch(logs, /CREATE POLICY/);
    assert.doesNotMatch(users, /CREATE (INDEX|TRIGGER)/);
  });

  await t.step("lists an extension but not the objects it created", async () => {
    await db.exec("create extension citext");
    const snapshot = await takeSnapshot(db);
    await db.exec("drop extension citext");
    assert.match(snapshot.text, /^CREATE EXTENSION citext WITH SCHEMA public;$/m);
    assert.ok(!snapshot.objects.some((o) => o.kind !== "extension" && o.name.includes("citext")));
  });

  await t.step("leaves out excluded tables with their columns and sequences", async () => {
    const { objects } = await takeSnapshot(db, { exclude: [{ schema: "app", table: "logs" }] });
    assert.ok(!objects.some((o) => o.name.startsWith("app.logs")));
    assert.ok(objects.some((o) => o.name === "app.users"));
  });

  await t.step("leaves out tables and schemas named with reserved words or quotes", async () => {
    await db.exec(`
      create schema "user";
      create table "user"."select" (id serial primary key, v text);
      create index select_v on "user"."select" (v);
      create table "user".kept (id int);
      create schema "Odd ""Name""";
      create table "Odd ""Name""".t (id int)`);
    const names = async (options: Parameters<typeof takeSnapshot>[1]) =>
      (await takeSnapshot(db, options)).objects.map((o) => o.name);
    const withoutTable = await names({ exclude: [{ schema: "user", table: "select" }] });
    assert.deepEqual(withoutTable.filter((name) => name.startsWith('"user".')), [
      '"user".kept',
      '"user".kept.id',
    ]);
    const withoutSchemas = await names({ excludeSchemas: ["user", 'Odd "Name"'] });
    assert.deepEqual(withoutSchemas.filter((name) => /^"(user|Odd)/.test(name)), []);
    assert.ok(withoutSchemas.includes("app.users"));
    await db.exec(`drop schema "user" cascade; drop schema "Odd ""Name""" cascade`);
  });

  await t.step("renders owners and grants only when asked", async () => {
    await db.exec("create role snapshot_reader; grant select on app.users to snapshot_reader");
    const without = await takeSnapshot(db);
    const withGrants = await takeSnapshot(db, { includeGrants: true });
    assert.ok(!without.text.includes("snapshot_reader"));
    assert.match(withGrants.text, /^GRANT SELECT ON TABLE app\.users TO snapshot_reader;$/m);
    assert.match(withGrants.text, /^ALTER TABLE app\.users OWNER TO /m);
  });

  await t.step("restores the session's search_path", async () => {
    await db.exec("set search_path = app, public");
    await takeSnapshot(db);
    const [row] = await db.query<{ path: string }>(
      "select current_setting('search_path') as path",
    );
    assert.equal(row.path, "app, public");
  });
});

Deno.test("takeSnapshot() gives the same text on PostgreSQL 15 and PGlite for the same DDL", async () => {
  await using lite = await createPgliteDriver();
  await lite.exec(EVERY_FAMILY);
  await using server = await createPostgresDriver(await testDatabaseUrl());
  await server.exec(EVERY_FAMILY);
  const [a, b] = [await takeSnapshot(lite), await takeSnapshot(server)];
  assert.equal(b.text, a.text);
  assert.deepEqual(b.objects, a.objects);
});

/** NOT NULL constraints whose names PostgreSQL 18 keeps and 15 has no place for. */
const NOT_NULL_NAMES = `
create table t (id int primary key, a int not null, b int constraint b_required not null);
alter table t rename to u;
create table plain (x int not null, y int not null no inherit);
alter table plain add constraint y_not_null_check check (y > 0);
create table parent (k int not null) partition by range (k);
create table parent_1 partition of parent for values from (1) to (10);
`;

Deno.test("takeSnapshot() names a NOT NULL constraint only where PostgreSQL 18 keeps another name than its own", async () => {
  await using lite = await createPgliteDriver();
  await lite.exec(NOT_NULL_NAMES);
  const columns = (snapshot: { objects: { kind: string; name: string; definition: string }[] }) =>
    Object.fromEntries(
      snapshot.objects.filter((o) => o.kind === "column").map((o) => [o.name, o.definition]),
    );
  assert.deepEqual(columns(await takeSnapshot(lite)), {
    // Named after the table's old name, or explicitly: a later DROP CONSTRAINT uses the name.
    "public.u.id": "id integer CONSTRAINT t_id_not_null NOT NULL",
    "public.u.a": "a integer CONSTRAINT t_a_not_null NOT NULL",
    "public.u.b": "b integer CONSTRAINT b_required NOT NULL",
    "public.plain.x": "x integer NOT NULL",
    "public.plain.y": "y integer NOT NULL NO INHERIT",
    // A partition's constraint is the parent's, under the parent's name.
    "public.parent.k": "k integer NOT NULL",
    "public.parent_1.k": "k integer NOT NULL",
  });
  await using server = await createPostgresDriver(await testDatabaseUrl());
  await server.exec(NOT_NULL_NAMES.replace(" no inherit", ""));
  const fifteen = columns(await takeSnapshot(server));
  assert.equal(fifteen["public.u.a"], "a integer NOT NULL");
  assert.equal(fifteen["public.u.b"], "b integer NOT NULL");
});

/** Objects a migration creates less often, and table settings beside the definition. */
const LESS_COMMON = `
create schema extra;
create table extra.items (id int primary key, price numeric, qty int, label text);
create function extra.sum_state(numeric, numeric) returns numeric language sql immutable return $1 + $2;
create aggregate extra.total(numeric) (sfunc = extra.sum_state, stype = numeric, initcond = '0');
create rule items_no_delete as on delete to extra.items do instead nothing;
create type extra.code as (v int);
create function extra.code_text(extra.code) returns text language sql immutable return ($1).v::text;
create cast (extra.code as text) with function extra.code_text(extra.code) as assignment;
create collation extra.bytes (provider = libc, locale = 'C');
create function extra.eq_ci(text, text) returns boolean language sql immutable return lower($1) = lower($2);
create operator extra.=~ (function = extra.eq_ci, leftarg = text, rightarg = text, commutator = operator(extra.=~));
create statistics extra.items_stats (dependencies) on price, qty from extra.items;
create publication items_pub for table extra.items with (publish = 'insert, update');
create function extra.on_ddl() returns event_trigger language plpgsql as $$ begin end $$;
create event trigger extra_ddl on ddl_command_start when tag in ('CREATE TABLE') execute function extra.on_ddl();
alter event trigger extra_ddl disable;
create text search dictionary extra.simple_dict (template = pg_catalog.simple);
create text search configuration extra.cfg (parser = pg_catalog.default);
alter text search configuration extra.cfg add mapping for word, asciiword with extra.simple_dict;
create foreign data wrapper dummy_fdw;
create server dummy_srv foreign data wrapper dummy_fdw options (host 'db', port '5432');
alter default privileges in schema extra grant select on tables to public;
alter table extra.items replica identity full;
alter table extra.items alter column label set statistics 200, alter column label set storage external;
create index items_label_idx on extra.items (label);
alter table extra.items cluster on items_label_idx;
comment on aggregate extra.total(numeric) is 'sum';
comment on rule items_no_delete on extra.items is 'keep';
comment on collation extra.bytes is 'bytewise';
`;

const LESS_COMMON_LINES = [
  "CREATE AGGREGATE extra.total(numeric) (SFUNC = extra.sum_state, STYPE = numeric, INITCOND = '0');",
  "COMMENT ON AGGREGATE extra.total(numeric) IS 'sum';",
  "CREATE RULE items_no_delete AS",
  "    ON DELETE TO extra.items DO INSTEAD NOTHING;",
  "COMMENT ON RULE items_no_delete ON extra.items IS 'keep';",
  "CREATE CAST (extra.code AS text) WITH FUNCTION extra.code_text(extra.code) AS ASSIGNMENT;",
  "CREATE COLLATION extra.bytes (provider = libc, locale = 'C');",
  "COMMENT ON COLLATION extra.bytes IS 'bytewise';",
  "CREATE OPERATOR extra.=~ (FUNCTION = extra.eq_ci(text,text), COMMUTATOR = extra.=~(text,text));",
  "CREATE STATISTICS extra.items_stats (dependencies) ON price, qty FROM extra.items;",
  "CREATE PUBLICATION items_pub FOR TABLE extra.items WITH (publish = 'insert, update');",
  "CREATE EVENT TRIGGER extra_ddl ON ddl_command_start WHEN TAG IN ('CREATE TABLE') " +
  "EXECUTE FUNCTION extra.on_ddl();",
  "ALTER EVENT TRIGGER extra_ddl DISABLE;",
  'CREATE TEXT SEARCH CONFIGURATION extra.cfg (PARSER = pg_catalog."default");',
  "-- mapping: asciiword: extra.simple_dict, word: extra.simple_dict",
  "CREATE TEXT SEARCH DICTIONARY extra.simple_dict (TEMPLATE = pg_catalog.simple);",
  "CREATE FOREIGN DATA WRAPPER dummy_fdw;",
  "CREATE SERVER dummy_srv FOREIGN DATA WRAPPER dummy_fdw OPTIONS (host 'db', port '5432');",
  "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA extra GRANT SELECT ON TABLES TO PUBLIC;",
  "ALTER TABLE extra.items REPLICA IDENTITY FULL;",
  "ALTER TABLE extra.items ALTER COLUMN label SET STATISTICS 200;",
  "ALTER TABLE extra.items ALTER COLUMN label SET STORAGE EXTERNAL;",
  "CREATE INDEX items_label_idx ON extra.items USING btree (label);",
  "ALTER TABLE extra.items CLUSTER ON items_label_idx;",
];

Deno.test("takeSnapshot() reads aggregates, rules, casts, publications and the rest alike on PostgreSQL 15 and PGlite", async () => {
  await using lite = await createPgliteDriver();
  await lite.exec(LESS_COMMON);
  const snapshot = await takeSnapshot(lite);
  const lines = new Set(snapshot.text.split("\n"));
  assert.deepEqual(LESS_COMMON_LINES.filter((line) => !lines.has(line)), []);
  await using server = await createPostgresDriver(await testDatabaseUrl());
  await server.exec(LESS_COMMON);
  const fifteen = await takeSnapshot(server);
  assert.equal(fifteen.text, snapshot.text);
  assert.deepEqual(fifteen.objects, snapshot.objects);
});

/** Privileges beyond and below the defaults, and an explicit ACL equal to them. */
const PRIVILEGES = `
do $$ begin create role snapshot_r1; exception when duplicate_object then null; end $$;
create table t (id int, secret text);
grant select on t to snapshot_r1;
grant select (secret), update (secret) on t to snapshot_r1;
create function f() returns int language sql return 1;
revoke execute on function f() from public;
create schema s;
grant usage on schema s to snapshot_r1;
create type e as enum ('a');
revoke usage on type e from public;
create table u (id int);
grant all on u to snapshot_r1;
revoke all on u from snapshot_r1;
`;

Deno.test("takeSnapshot() with privileges shows only those that differ from the defaults", async () => {
  await using lite = await createPgliteDriver();
  await lite.exec(PRIVILEGES);
  const snapshot = await takeSnapshot(lite, { privileges: true });
  assert.deepEqual(snapshot.text.split("\n").filter((line) => /^(GRANT|REVOKE) /.test(line)), [
    "REVOKE USAGE ON TYPE public.e FROM PUBLIC;",
    "REVOKE EXECUTE ON ROUTINE public.f() FROM PUBLIC;",
    "GRANT SELECT ON TABLE public.t TO snapshot_r1;",
    "GRANT SELECT (secret), UPDATE (secret) ON TABLE public.t TO snapshot_r1;",
    "GRANT USAGE ON SCHEMA s TO snapshot_r1;",
  ]);
  assert.doesNotMatch((await takeSnapshot(lite)).text, /GRANT|REVOKE/);
  await using server = await createPostgresDriver(await testDatabaseUrl());
  await server.exec(PRIVILEGES);
  assert.equal((await takeSnapshot(server, { privileges: true })).text, snapshot.text);
});

Deno.test("takeSnapshot() throws SNAPSHOT_FAILED naming what it was reading", async () => {
  await using db = await createPgliteDriver();
  await db.exec("create table t (id int)");
  let calls = 0;
  // The first query (server version, search_path) passes; the schemas query fails.
  const failing: Queryable = {
    exec: (sql) => db.exec(sql),
    query: <T extends Row>(sql: string, params?: readonly unknown[]) =>
      ++calls === 2 ? Promise.reject(new Error("permission denied")) : db.query<T>(sql, params),
  };
  await assert.rejects(takeSnapshot(failing), (error) => {
    assert.ok(error instanceof MigrationError);
    assert.equal(error.code, "SNAPSHOT_FAILED");
    assert.match(error.message, /while reading schemas: permission denied\. /);
    return true;
  });
});
