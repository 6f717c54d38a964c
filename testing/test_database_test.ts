import assert from "node:assert/strict";
import { join } from "node:path";
import { loadMigrations } from "../src/files/load.ts";
import { createTestDatabase } from "./test_database.ts";

async function migratedEntries(cacheDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(cacheDir)) {
    if (entry.name.includes("-migrated-") && entry.name.endsWith(".tar")) names.push(entry.name);
  }
  return names.sort();
}

Deno.test("createTestDatabase() applies templated migrations, caches them, and notices edits", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "tide_testing_migrations_" });
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_testing_cache_" });
  const write = (name: string, sql: string) => Deno.writeTextFile(join(dir, name), sql);
  await write("001_create_notes.up.sql", "create table {{tables.notes}} (id int primary key);\n");
  await write("001_create_notes.down.sql", "drop table {{tables.notes}};\n");
  const options = { dir, cacheDir, schema: "tenant_a" };
  try {
    await t.step("the migrations run in the schema and are recorded there", async () => {
      await using db = await createTestDatabase(options);
      await db.exec("insert into tenant_a.notes (id) values (1)");
      const rows = await db.query<{ version: string }>(
        "select version from tenant_a.tide_migrations",
      );
      assert.deepEqual(rows.map((r) => r.version), ["001"]);
      assert.equal((await migratedEntries(cacheDir)).length, 1);
    });
    await t.step("a second database comes from the cache and is independent", async () => {
      await using db = await createTestDatabase(options);
      const rows = await db.query<{ n: number }>("select count(*)::int as n from tenant_a.notes");
      assert.equal(rows[0].n, 0);
      assert.equal((await migratedEntries(cacheDir)).length, 1);
    });
    await t.step("an edited migration gets a new cache entry with the edit applied", async () => {
      await write(
        "001_create_notes.up.sql",
        "create table {{tables.notes}} (id int primary key, body text);\n",
      );
      await using db = await createTestDatabase(options);
      await db.exec("insert into tenant_a.notes (id, body) values (1, 'hello')");
      assert.equal((await migratedEntries(cacheDir)).length, 2);
    });
    await t.step("loaded migrations can be given instead of a directory", async () => {
      await using db = await createTestDatabase({
        migrations: await loadMigrations(dir),
        cacheDir,
        schema: "tenant_a",
      });
      await db.exec("insert into tenant_a.notes (id, body) values (1, 'hello')");
      assert.equal((await migratedEntries(cacheDir)).length, 2);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("createTestDatabase() rejects a directory that does not exist, naming it", async () => {
  await assert.rejects(
    () => createTestDatabase({ dir: "no/such/migrations" }),
    (error: Error) => {
      assert.match(error.message, /no\/such\/migrations/);
      return true;
    },
  );
});
