import assert from "node:assert/strict";
import { createPgliteDriver } from "../drivers/pglite.ts";
import { diffSnapshots } from "./diff.ts";
import { takeSnapshot } from "./snapshot.ts";
import {
  changeScope,
  diffIncremental,
  readIncremental,
  rereadScope,
  scopedReaderFunction,
  snapshotOf,
} from "./snapshot_incremental.ts";

const SCHEMA = `
create schema app;
create table app.t (id int primary key, v text);
create index t_v on app.t (v);
create table app.u (id int references app.t (id));
create function app.f() returns int language sql return 1;
`;

Deno.test("rereadScope() merges a copy of a snapshot into one equal to a whole snapshot", async (t) => {
  await using db = await createPgliteDriver();
  await db.exec(SCHEMA);
  // The reader lives in a schema every snapshot here leaves out.
  await db.exec(`create schema reader; ${scopedReaderFunction("reader.read_scope")}`);
  const exclusions = { excludeSchemas: ["reader"] };
  const before = await readIncremental(db, exclusions);
  const wholeBefore = await takeSnapshot(db, exclusions);
  assert.deepEqual(snapshotOf(before), wholeBefore);
  await db.exec(`alter table app.t add column w int; drop index app.t_v;
    comment on function app.f() is 'one'`);
  const [{ t: table, f }] = await db.query<{ t: number; f: number }>(
    "select 'app.t'::regclass::oid::int as t, 'app.f()'::regprocedure::oid::int as f",
  );
  const roots = changeScope(structuredClone(before), [`1259:${table}`, `1255:${f}`]);
  const whole = await takeSnapshot(db, exclusions);

  await t.step("reading a query per family or calling the reader gives the same", async () => {
    for (const reader of [undefined, "reader.read_scope"]) {
      const after = await rereadScope(db, structuredClone(before), roots, reader);
      assert.deepEqual(snapshotOf(after), whole, reader ?? "queries");
    }
  });

  await t.step("a copy diffs by lineage: only what is under the re-read roots", async () => {
    const after = await rereadScope(db, before, roots);
    const expected = diffSnapshots(wholeBefore, whole);
    assert.deepEqual(
      expected.map((c) => c.description),
      [
        "function app.f(): comment 'one' added",
        "column app.t.w added",
        "index app.t_v removed",
      ],
    );
    const copy = structuredClone(after);
    // Outside the roots, so a diff that goes by lineage never looks at it.
    const other = copy.placed.find((p) => p.object.name === "app.u")!;
    other.object.attributes.comment = "changed in the copy only";
    assert.deepEqual(diffIncremental(structuredClone(before), copy), expected);
    assert.deepEqual(
      diffIncremental(copy, structuredClone(before)),
      diffSnapshots(whole, wholeBefore),
    );
  });
});
