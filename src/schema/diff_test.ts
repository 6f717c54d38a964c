import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { createPgliteDriver } from "../drivers/pglite.ts";
import { diffSnapshots, type SchemaChange } from "./diff.ts";
import { type SnapshotObject, takeSnapshot } from "./snapshot.ts";

/** Runs `setup`, snapshots, runs `up` then a lossy `down`, snapshots again and diffs. */
async function roundTrip(
  db: Driver,
  sql: { setup: string; up: string; down: string },
  options?: { ignoreColumnOrder?: boolean },
): Promise<SchemaChange[]> {
  await db.exec("drop schema if exists t cascade; drop schema if exists t2 cascade");
  await db.exec(`create schema t; ${sql.setup}`);
  const before = await takeSnapshot(db);
  await db.exec(sql.up);
  await db.exec(sql.down);
  return diffSnapshots(before, await takeSnapshot(db), options);
}

const descriptions = (changes: SchemaChange[]) => changes.map((c) => c.description);

Deno.test("diffSnapshots() words the lossy downs a reviewer would miss", async (t) => {
  await using db = await createPgliteDriver();
  const table = "create table t.a (id int primary key, email varchar(50), name text);";

  await t.step("reports nothing for a down that reverses its up", async () => {
    const changes = await roundTrip(db, {
      setup: table,
      up: "create index a_name_idx on t.a (name); alter table t.a add column x int;",
      down: "drop index t.a_name_idx; alter table t.a drop column x;",
    });
    assert.deepEqual(changes, []);
  });

  await t.step("reports an index left behind", async () => {
    const changes = await roundTrip(db, {
      setup: table,
      up: "create index a_name_idx on t.a (name)",
      down: "",
    });
    assert.deepEqual(descriptions(changes), ["index t.a_name_idx added"]);
    assert.equal(changes[0].after, "CREATE INDEX a_name_idx ON t.a USING btree (name);");
  });

  await t.step("reports a type changed back to a different length", async () => {
    const changes = await roundTrip(db, {
      setup: table,
      up: "alter table t.a alter column email type varchar(100)",
      down: "alter table t.a alter column email type varchar(60)",
    });
    assert.deepEqual(descriptions(changes), [
      "column t.a.email: type character varying(50) -> character varying(60)",
    ]);
  });

  await t.step("reports a default dropped instead of restored", async () => {
    const changes = await roundTrip(db, {
      setup: "create table t.a (id int, status text default 'new');",
      up: "alter table t.a alter column status set default 'open'",
      down: "alter table t.a alter column status drop default",
    });
    assert.deepEqual(descriptions(changes), ["column t.a.status: default 'new'::text removed"]);
  });

  await t.step("reports an enum and a function left behind", async () => {
    const changes = await roundTrip(db, {
      setup: "",
      up: "create type t.mood as enum ('ok'); create function t.f(n int) returns int " +
        "language sql return n;",
      down: "",
    });
    assert.deepEqual(descriptions(changes), [
      "enum t.mood added",
      "function t.f(n integer) added",
    ]);
  });

  await t.step("reports row level security left on", async () => {
    const changes = await roundTrip(db, {
      setup: table,
      up: "alter table t.a enable row level security",
      down: "",
    });
    assert.deepEqual(descriptions(changes), ["table t.a: row level security added"]);
  });

  await t.step("reports a NOT NULL left dropped", async () => {
    const changes = await roundTrip(db, {
      setup: "create table t.a (id int, email text not null);",
      up: "alter table t.a alter column email drop not null",
      down: "",
    });
    assert.deepEqual(descriptions(changes), ["column t.a.email: not null removed"]);
  });

  await t.step("reports a NOT VALID check replaced by a validated one", async () => {
    const changes = await roundTrip(db, {
      setup: `${table} alter table t.a add constraint positive check (id > 0) not valid;`,
      up: "alter table t.a drop constraint positive",
      down: "alter table t.a add constraint positive check (id > 0)",
    });
    assert.deepEqual(descriptions(changes), [
      "constraint t.a.positive: definition CHECK ((id > 0)) NOT VALID -> CHECK ((id > 0))",
    ]);
  });

  await t.step("reports a comment left behind", async () => {
    const changes = await roundTrip(db, {
      setup: table,
      up: "comment on column t.a.email is 'login'",
      down: "",
    });
    assert.deepEqual(descriptions(changes), ["column t.a.email: comment 'login' added"]);
  });

  await t.step("reports a unique constraint replaced by a unique index", async () => {
    const changes = await roundTrip(db, {
      setup: `${table} alter table t.a add constraint a_email_key unique (email);`,
      up: "alter table t.a drop constraint a_email_key",
      down: "create unique index a_email_key on t.a (email)",
    });
    assert.deepEqual(descriptions(changes), [
      "index t.a_email_key added",
      "constraint t.a.a_email_key removed",
    ]);
  });

  await t.step("reports a foreign key that lost its ON DELETE", async () => {
    const changes = await roundTrip(db, {
      setup:
        `${table} create table t.b (a_id int constraint b_a_fk references t.a on delete cascade);`,
      up: "alter table t.b drop constraint b_a_fk",
      down: "alter table t.b add constraint b_a_fk foreign key (a_id) references t.a",
    });
    assert.deepEqual(descriptions(changes), [
      "constraint t.b.b_a_fk: definition FOREIGN KEY (a_id) REFERENCES t.a(id) ON DELETE CASCADE" +
      " -> FOREIGN KEY (a_id) REFERENCES t.a(id)",
    ]);
  });

  await t.step("reports a column re-added at the end, unless column order is ignored", async () => {
    const sql = {
      setup: table,
      up: "alter table t.a drop column email",
      down: "alter table t.a add column email varchar(50)",
    };
    assert.deepEqual(descriptions(await roundTrip(db, sql)), [
      "column order of t.a changed: (id, email, name) -> (id, name, email)",
    ]);
    assert.deepEqual(await roundTrip(db, sql, { ignoreColumnOrder: true }), []);
  });

  await t.step("reports a schema left behind", async () => {
    const changes = await roundTrip(db, { setup: "", up: "create schema t2", down: "" });
    assert.deepEqual(descriptions(changes), ["schema t2 added"]);
  });

  await t.step("reports a dropped table once, not once per column", async () => {
    const changes = await roundTrip(db, { setup: table, up: "drop table t.a", down: "" });
    assert.deepEqual(descriptions(changes), ["table t.a removed"]);
    assert.match(changes[0].before!, /^CREATE TABLE t\.a \(\n {4}id integer NOT NULL,/);
  });

  await t.step("reports a changed function body without quoting it", async () => {
    const changes = await roundTrip(db, {
      setup: "create function t.f() returns int language sql as 'select 1';",
      up: "create or replace function t.f() returns int language sql as 'select 2';",
      down: "",
    });
    assert.deepEqual(descriptions(changes), ["function t.f(): definition changed"]);
    assert.match(changes[0].before!, /select 1/);
    assert.match(changes[0].after!, /select 2/);
  });
});

Deno.test("diffSnapshots() accepts a down that re-creates an object in another layout, not another meaning", async (t) => {
  await using db = await createPgliteDriver();
  const check = (expression: string) =>
    `alter table t.v drop constraint if exists v_state; ` +
    `alter table t.v add constraint v_state check (${expression});`;
  const table = "create table t.v (state text, a int, b int, c int);";

  await t.step("a CHECK grouped a AND (b AND c) where it said a AND b AND c", async () => {
    const nested = "state = 'x' and (a is null and b is null and c is null) or a is not null";
    const flat = "state = 'x' and a is null and b is null and c is null or a is not null";
    const sql = {
      setup: table + check(nested),
      up: check(`${nested} or b > 0`),
      down: check(flat),
    };
    assert.deepEqual(await roundTrip(db, sql), []);
    // Grouping that changes the meaning is still reported.
    const moved = { ...sql, down: check("state = 'x' and (a is null or a is not null)") };
    const [change, ...more] = await roundTrip(db, moved);
    assert.equal(more.length, 0);
    assert.match(change.description, /^constraint t\.v\.v_state: definition CHECK /);
  });

  await t.step(
    "a PL/pgSQL body indented, cased and commented otherwise, its literals unchanged",
    async () => {
      const f = (body: string) =>
        `create or replace function t.f() returns trigger language plpgsql as $$${body}$$;`;
      const body = "\nBEGIN\n        RAISE NOTICE 'a  b';\n        RETURN NULL;\nEND;\n";
      const reindented =
        "\n  begin\n      -- say it\n      RAISE NOTICE 'a  b';\n\n      RETURN NULL\n      ;\n  END;\n  ";
      const sql = { setup: f(body), up: "drop function t.f()", down: f(reindented) };
      assert.deepEqual(await roundTrip(db, sql), []);
      const literal = { ...sql, down: f(body.replace("'a  b'", "'a b'")) };
      assert.deepEqual(descriptions(await roundTrip(db, literal)), [
        "function t.f(): definition changed",
      ]);
    },
  );
});

Deno.test("diffSnapshots() takes the public schema's standard comment for none, as pg_dump does", () => {
  const schema = (name: string, comment?: string): SnapshotObject => ({
    kind: "schema",
    name,
    definition: `CREATE SCHEMA ${name};`,
    attributes: comment === undefined ? {} : { comment },
  });
  const snapshot = (...objects: SnapshotObject[]) => ({ objects, text: "" });
  const standard = snapshot(schema("public", "standard public schema"));
  assert.deepEqual(diffSnapshots(standard, snapshot(schema("public"))), []);
  assert.equal(diffSnapshots(standard, snapshot(schema("public", "ours"))).length, 1);
  assert.equal(
    diffSnapshots(snapshot(schema("app", "standard public schema")), snapshot(schema("app")))
      .length,
    1,
  );
});
