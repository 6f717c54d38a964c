import assert from "node:assert/strict";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { MigrationError } from "../src/errors.ts";
import { buildMigrations, generateMigrations } from "./generate.ts";

/** Everything in `public` a down must restore: columns in order, defaults, constraints... */
const SNAPSHOT_QUERIES = [
  `select table_name, ordinal_position, column_name, data_type, column_default, is_nullable
   from information_schema.columns where table_schema = 'public' order by 1, 2`,
  `select conrelid::regclass::text as rel, conname, pg_get_constraintdef(oid) as def
   from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`,
  `select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`,
  `select viewname, definition from pg_views where schemaname = 'public' order by 1`,
  `select proname, prosrc from pg_proc where pronamespace = 'public'::regnamespace order by 1`,
  `select tgname, tgrelid::regclass::text as rel from pg_trigger where not tgisinternal order by 1`,
  `select relname, obj_description(oid, 'pg_class') as comment
   from pg_class where relnamespace = 'public'::regnamespace order by 1`,
];

async function snapshot(db: PGlite): Promise<string> {
  const parts = [];
  for (const sql of SNAPSHOT_QUERIES) parts.push((await db.query(sql)).rows);
  return JSON.stringify(parts, null, 1);
}

async function inTransaction(db: PGlite, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(sql);
  });
}

Deno.test("generateMigrations() writes an up and a down file per version, numbered from 001", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await generateMigrations(dir, 13);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.equal(names.length, 26);
    assert.equal(names[0], "001_create_t0000_accounts.down.sql");
    assert.equal(names[1], "001_create_t0000_accounts.up.sql");
    assert.match(names[25], /^013_create_t0002_tasks\.up\.sql$/);
    const up = await Deno.readTextFile(join(dir, "007_create_t0001_projects.up.sql"));
    assert.match(up, /references t0000_accounts \(id\) on delete cascade/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generateMigrations() refuses a directory that already holds migrations", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "001_mine.up.sql"), "select 1;");
    await assert.rejects(
      () => generateMigrations(dir, 3),
      (error: unknown) =>
        error instanceof MigrationError && error.code === "CONFIG_ERROR" &&
        error.message.includes("001_mine.up.sql"),
    );
    assert.equal(await Deno.readTextFile(join(dir, "001_mine.up.sql")), "select 1;");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildMigrations() pads versions to the width of the count", () => {
  const migrations = buildMigrations(1000);
  assert.equal(migrations[0].version, "0001");
  assert.equal(migrations[999].version, "1000");
  assert.equal(new Set(migrations.map((m) => m.name)).size, 1000);
  assert.throws(() => buildMigrations(-1), MigrationError);
});

Deno.test("buildMigrations() downs restore exactly the schema their ups started from", async () => {
  // Two full tables plus one: every kind of change, and a foreign key between tables.
  const migrations = buildMigrations(13);
  const db = await PGlite.create();
  try {
    const empty = await snapshot(db);
    for (const m of migrations) {
      const before = await snapshot(db);
      await inTransaction(db, m.up);
      const after = await snapshot(db);
      assert.notEqual(after, before, `${m.version}_${m.name} changes nothing`);
      await inTransaction(db, m.down);
      assert.equal(await snapshot(db), before, `${m.version}_${m.name} down is not exact`);
      await inTransaction(db, m.up);
    }
    for (const m of migrations.toReversed()) await inTransaction(db, m.down);
    assert.equal(await snapshot(db), empty);
  } finally {
    await db.close();
  }
});
