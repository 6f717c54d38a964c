import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { ScriptError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";
import type { ProgressEvent } from "./migrator_options.ts";

const FILES = {
  "001_two.up.sql": "create table {{tables.a}} (id int);\n\ninsert into {{tables.a}} values (1);\n",
  "001_two.down.sql": "drop table {{tables.a}};\n",
  "002_code.ts": "export async function up(ctx) {\n  await ctx.sql`CREATE TABLE b (id int)`;\n}\n",
  "003_outside.up.sql": "-- tide:no-transaction\ncreate index concurrently a_id on a (id);\n",
  "003_outside.down.sql": "drop index a_id;\n",
};

function statements(events: ProgressEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === "statement" ? [`${e.step.version}: ${e.sql.trim()}`] : []
  );
}

async function regclass(driver: Driver, table: string): Promise<string | null> {
  const [{ found }] = await driver.query<{ found: string | null }>(
    "select to_regclass($1)::text as found",
    [table],
  );
  return found;
}

Deno.test("verbose reports every statement as it completes, for SQL and TypeScript migrations", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(FILES);
    try {
      const events: ProgressEvent[] = [];
      const migrations = await loadMigrations(dir);
      const migrator = new Migrator({
        driver,
        migrations,
        schema: "public",
        verbose: true,
        onProgress: (e) => events.push(e),
      });
      await migrator.up();
      assert.deepEqual(statements(events), [
        // As sent: split at the semicolons, comments before a statement kept with it.
        `001: create table "public"."a" (id int)`,
        `001: insert into "public"."a" values (1)`,
        "002: CREATE TABLE b (id int)",
        "003: -- tide:no-transaction\ncreate index concurrently a_id on a (id)",
      ]);
      for (const event of events) {
        if (event.type === "statement") assert.ok(event.durationMs >= 0);
      }
      const order = events.map((e) => `${e.type} ${"step" in e ? e.step.version : ""}`);
      assert.deepEqual(order.slice(0, 4), [
        "start 001",
        "statement 001",
        "statement 001",
        "done 001",
      ]);
      assert.deepEqual((await migrator.status()).applied.map((e) => e.version), [
        "001",
        "002",
        "003",
      ]);
      const quiet: ProgressEvent[] = [];
      await new Migrator({ driver, migrations, onProgress: (e) => quiet.push(e) }).down();
      assert.deepEqual(statements(quiet), [], "only with verbose");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("verbose keeps a transactional migration one transaction: a failing statement leaves nothing", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_bad.up.sql": "create table kept (id int);\ninsert into missing values (1);\n",
    });
    try {
      const events: ProgressEvent[] = [];
      const migrator = new Migrator({
        driver,
        migrations: await loadMigrations(dir),
        verbose: true,
        onProgress: (e) => events.push(e),
      });
      await assert.rejects(migrator.up(), (error) => {
        assert.ok(error instanceof ScriptError && error.code === "SQL_ERROR");
        assert.match(
          error.message,
          /001_bad\.up\.sql:2:13 \(statement 2 of 2\): relation "missing"/,
        );
        assert.doesNotMatch(error.message, /outside a transaction/);
        return true;
      });
      assert.deepEqual(statements(events), ["001: create table kept (id int)"]);
      assert.equal(await regclass(driver, "kept"), null, "statement 1 was rolled back with it");
      assert.deepEqual(await migrator.status().then((s) => [s.applied, s.failed]), [[], []]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
