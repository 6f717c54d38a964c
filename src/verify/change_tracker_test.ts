import assert from "node:assert/strict";
import { createPgliteDriver } from "../drivers/pglite.ts";
import { MigrationError } from "../errors.ts";
import { diffSnapshots } from "../schema/diff.ts";
import { type SchemaSnapshot, takeSnapshot } from "../schema/snapshot.ts";
import {
  diffIncremental,
  type IncrementalSnapshot,
  snapshotOf,
} from "../schema/snapshot_incremental.ts";
import { trackChanges, TRACKER_SCHEMA } from "./change_tracker.ts";

/** Up and down pairs covering every family and the changes that re-render other objects. */
const STEPS: [string, string][] = [
  ["create extension citext", "drop extension citext"],
  [
    "create schema app; comment on schema app is 'the app'",
    "drop schema app",
  ],
  [
    `create type app.mood as enum ('sad', 'ok');
     create domain app.posint as int check (value > 0);
     create sequence app.counter start 5;
     create table app.users (id int generated always as identity primary key,
       email citext not null unique, mood app.mood default 'ok', score app.posint,
       n bigint default nextval('app.counter'));
     create table app.logs (id serial primary key, user_id int references app.users (id)
       on delete cascade, body text);
     create view app.happy as select id, email from app.users where mood = 'ok'`,
    "drop view app.happy; drop table app.logs; drop table app.users; " +
    "drop sequence app.counter; drop domain app.posint; drop type app.mood",
  ],
  [
    "alter table app.users rename column email to login; alter table app.users rename to people",
    "alter table app.people rename to users; alter table app.users rename column login to email",
  ],
  [
    "alter type app.mood rename value 'ok' to 'fine'",
    "alter type app.mood rename value 'fine' to 'ok'",
  ],
  ["alter sequence app.counter rename to tally", "alter sequence app.tally rename to counter"],
  ["drop sequence app.tally cascade", "create sequence app.tally start 5"],
  [
    "alter domain app.posint add constraint small check (value < 100)",
    "alter domain app.posint drop constraint small",
  ],
  [
    `create function app.touch() returns trigger language plpgsql as $$ begin return new; end $$;
     create trigger logs_touch before update on app.logs for each row execute function app.touch();
     comment on trigger logs_touch on app.logs is 'touch'`,
    "drop trigger logs_touch on app.logs; drop function app.touch()",
  ],
  ["alter function app.touch() rename to touch2", "alter function app.touch2() rename to touch"],
  [
    "alter table app.people enable row level security; " +
    "create policy own on app.people using (id > 0); comment on column app.people.login is 'x'",
    "drop policy own on app.people; alter table app.people disable row level security; " +
    "comment on column app.people.login is null",
  ],
  ["drop table app.people cascade", "create table app.people (id int)"],
  [
    `create table app.events (id int, at date not null) partition by range (at);
     create table app.events_2026 partition of app.events
       for values from ('2026-01-01') to ('2027-01-01');
     create index events_at on app.events (at)`,
    "drop table app.events",
  ],
  [
    "alter table app.events detach partition app.events_2026",
    "alter table app.events attach partition app.events_2026 " +
    "for values from ('2026-01-01') to ('2027-01-01')",
  ],
  ["alter table app.events add column note text", "alter table app.events drop column note"],
  [
    "create index logs_body on app.logs (body); comment on index app.logs_body is 'b'",
    "drop index app.logs_body",
  ],
  ["drop extension citext cascade", "create extension citext"],
  ["create schema other; create table other.t (id int)", "drop schema other cascade"],
  // What other_queries.ts reads, and the table and function changes that re-render it.
  [
    `create function app.plus(numeric, numeric) returns numeric language sql immutable
       return $1 + $2;
     create aggregate app.total(numeric) (sfunc = app.plus, stype = numeric, initcond = '0');
     create function app.same(text, text) returns boolean language sql immutable return $1 = $2;
     create operator app.=~ (function = app.same, leftarg = text, rightarg = text);
     create type app.code as (v int);
     create function app.code_text(app.code) returns text language sql immutable return 'x';
     create cast (app.code as text) with function app.code_text(app.code);
     create collation app.bytes (provider = libc, locale = 'C');
     create statistics app.logs_stats (dependencies) on id, user_id from app.logs;
     create publication logs_pub for table app.logs;
     create text search dictionary app.dict (template = pg_catalog.simple);
     create text search configuration app.cfg (parser = pg_catalog.default);
     create foreign data wrapper dummy_fdw;
     create server dummy_srv foreign data wrapper dummy_fdw;
     create rule logs_keep as on delete to app.logs do instead nothing`,
    `drop rule logs_keep on app.logs; drop server dummy_srv; drop foreign data wrapper dummy_fdw;
     drop text search configuration app.cfg; drop text search dictionary app.dict;
     drop publication logs_pub; drop statistics app.logs_stats; drop collation app.bytes;
     drop cast (app.code as text); drop function app.code_text(app.code); drop type app.code;
     drop operator app.=~ (text, text); drop function app.same(text, text);
     drop aggregate app.total(numeric); drop function app.plus(numeric, numeric)`,
  ],
  [
    "alter text search configuration app.cfg add mapping for word with app.dict; " +
    "alter publication logs_pub set (publish = 'insert'); alter rule logs_keep on app.logs " +
    "rename to logs_kept",
    "alter text search configuration app.cfg drop mapping for word; " +
    "alter publication logs_pub set (publish = 'insert, update, delete, truncate'); " +
    "alter rule logs_kept on app.logs rename to logs_keep",
  ],
  [
    "alter default privileges in schema app grant select on tables to public; " +
    "alter table app.logs replica identity full; " +
    "alter table app.logs alter column body set statistics 500",
    "alter default privileges in schema app revoke select on tables from public; " +
    "alter table app.logs replica identity default; " +
    "alter table app.logs alter column body set statistics -1",
  ],
  [
    "alter table app.logs rename to journal; alter function app.plus(numeric, numeric) rename to add",
    "alter table app.journal rename to logs; alter function app.add(numeric, numeric) rename to plus",
  ],
  [
    `create role tracker_reader; grant usage on schema app to tracker_reader;
     grant select, insert on app.journal to tracker_reader;
     grant update (body) on app.journal to tracker_reader;
     revoke execute on function app.add(numeric, numeric) from public;
     grant usage on type app.mood to tracker_reader; grant usage on sequence app.logs_id_seq to public`,
    `revoke usage on schema app from tracker_reader; revoke all on app.journal from tracker_reader;
     grant execute on function app.add(numeric, numeric) to public;
     revoke usage on type app.mood from tracker_reader;
     revoke usage on sequence app.logs_id_seq from public; drop role tracker_reader`,
  ],
  [
    "drop table app.journal cascade",
    "create table app.journal (id serial primary key, user_id int, body text)",
  ],
];

/** Full snapshots taken beside the tracked ones, to diff without any shared lineage. */
const fullOf = new WeakMap<IncrementalSnapshot, SchemaSnapshot>();

async function assertSame(
  db: Parameters<typeof takeSnapshot>[0],
  scoped: IncrementalSnapshot,
  step: string,
) {
  const full = await takeSnapshot(db, { excludeSchemas: [TRACKER_SCHEMA], privileges: true });
  const { objects, text } = snapshotOf(scoped);
  assert.deepEqual(objects, full.objects, step);
  assert.equal(text, full.text, step);
  fullOf.set(scoped, full);
}

/** A diff of tracked snapshots (of re-read objects only) equals one of full snapshots. */
function assertSameDiff(before: IncrementalSnapshot, after: IncrementalSnapshot, step: string) {
  const expected = diffSnapshots(fullOf.get(before)!, fullOf.get(after)!);
  assert.deepEqual(diffIncremental(before, after), expected, step);
  assert.deepEqual(
    diffIncremental(after, before),
    diffSnapshots(fullOf.get(after)!, fullOf.get(before)!),
    step,
  );
}

Deno.test("a tracked snapshot equals a full one after every up, down and re-up", async () => {
  await using db = await createPgliteDriver({ extensions: ["citext"] });
  const tracker = await trackChanges(db);
  assert.equal(tracker.tracking, true);
  let current = await tracker.snapshot(db);
  await assertSame(db, current, "at the start");
  for (const [up, down] of STEPS) {
    await db.exec(up);
    const after = await tracker.snapshot(db, current);
    await assertSame(db, after, `after up: ${up}`);
    assertSameDiff(current, after, `up: ${up}`);
    await db.exec(down);
    const undone = await tracker.snapshot(db, after);
    await assertSame(db, undone, `after down: ${down}`);
    assertSameDiff(current, undone, `down: ${down}`);
    await db.exec(up);
    const redone = await tracker.snapshot(db, undone);
    await assertSame(db, redone, `after re-up: ${up}`);
    assertSameDiff(after, redone, `re-up: ${up}`);
    current = redone;
  }
});

Deno.test("a tracked snapshot inside a rolled-back transaction leaves the base valid", async () => {
  await using db = await createPgliteDriver();
  const tracker = await trackChanges(db);
  await db.exec("create table t (id int)");
  const base = await tracker.snapshot(db);
  await db.transaction(async (tx) => {
    await tx.exec("drop table t");
    const inside = await tracker.snapshot(tx, base);
    assert.deepEqual(snapshotOf(inside).objects, []);
    throw new Error("roll back");
  }).catch(() => {});
  await db.exec("alter table t add column v int");
  await assertSame(db, await tracker.snapshot(db, base), "after the rollback");
});

Deno.test("trackChanges() leaves its own schema out of every snapshot", async () => {
  await using db = await createPgliteDriver();
  const tracker = await trackChanges(db);
  await db.exec("create table t (id int)");
  const base = await tracker.snapshot(db);
  const snapshot = snapshotOf(base);
  assert.deepEqual(snapshot.objects.map((o) => o.name), ["public", "public.t", "public.t.id"]);
  assert.doesNotMatch(snapshot.text, /tide_verify/);
  // A scoped re-read too, after a change that fires the tracker's own triggers.
  await db.exec("create table u (id int)");
  const next = snapshotOf(await tracker.snapshot(db, base));
  assert.deepEqual(next.objects.map((o) => o.name), [
    "public",
    "public.t",
    "public.t.id",
    "public.u",
    "public.u.id",
  ]);
  assert.doesNotMatch(next.text, /tide_verify/);
});

Deno.test("a copy of a tracked snapshot works as the base of the next one and in diffs", async () => {
  await using db = await createPgliteDriver();
  const tracker = await trackChanges(db);
  await db.exec("create table t (id int primary key); create index t_id on t (id)");
  const before = await tracker.snapshot(db);
  await assertSame(db, before, "before the change");
  await db.exec("alter table t add column v int; drop index t_id");
  const after = await tracker.snapshot(db, structuredClone(before));
  await assertSame(db, after, "after the change");
  const expected = diffSnapshots(fullOf.get(before)!, fullOf.get(after)!);
  assert.equal(expected.length, 2);
  assert.deepEqual(diffIncremental(structuredClone(before), structuredClone(after)), expected);
});

Deno.test("a tracked snapshot throws CHANGE_TRACKING_FAILED when a migration dropped the tracker", async () => {
  await using db = await createPgliteDriver();
  const tracker = await trackChanges(db);
  const base = await tracker.snapshot(db);
  await db.exec(`drop schema ${TRACKER_SCHEMA} cascade`);
  await assert.rejects(tracker.snapshot(db, base), (error) => {
    assert.ok(error instanceof MigrationError);
    assert.equal(error.code, "CHANGE_TRACKING_FAILED");
    assert.match(error.message, /a migration must not drop or alter it/);
    return true;
  });
});
