import assert from "node:assert/strict";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

const TEMPLATED = {
  "001_t.up.sql": "CREATE TABLE {{tables.t}} (id int);\nCOMMENT ON SCHEMA {{schema}} IS 'x';\n",
  "001_t.down.sql": "DROP TABLE {{tables.t}};\n",
};

Deno.test("StepResult.sql is the rendered SQL, in a dry run and after a real run", async (t) => {
  const dir = await writeMigrations(TEMPLATED);
  await onEachDatabase(t, async (driver) => {
    await driver.exec("CREATE SCHEMA app");
    const migrator = new Migrator({ driver, migrations: await loadMigrations(dir), schema: "app" });
    const rendered = 'CREATE TABLE "app"."t" (id int);\nCOMMENT ON SCHEMA "app" IS \'x\';\n';
    assert.equal((await migrator.up({ dryRun: true })).steps[0].sql, rendered);
    assert.equal((await migrator.up()).steps[0].sql, rendered);
    assert.equal((await migrator.down({ dryRun: true })).steps[0].sql, 'DROP TABLE "app"."t";\n');
  });
});

Deno.test("without a schema, {{tables.x}} is unqualified: the table lands where search_path says", async (t) => {
  const dir = await writeMigrations(TEMPLATED);
  await onEachDatabase(t, async (driver, kind, url) => {
    await driver.exec(
      "CREATE SCHEMA app; DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app, public', current_database()); END $$",
    );
    await using session = kind === "pglite" ? undefined : await connect(url);
    const db = session ?? driver;
    if (kind === "pglite") await db.exec("SET search_path = app, public");
    const migrator = new Migrator({ driver: db, migrations: await loadMigrations(dir) });
    const [step] = (await migrator.up()).steps;
    assert.match(step.sql, /^CREATE TABLE "t" \(id int\);\nCOMMENT ON SCHEMA "public"/);
    const rows = await db.query<{ schema: string }>(
      "SELECT table_schema::text AS schema FROM information_schema.tables WHERE table_name = 't'",
    );
    assert.deepEqual(rows.map((r) => r.schema), ["app"]);
  });
});

Deno.test("tide up --dry-run prints the SQL with its templates rendered", async () => {
  const cwd = await makeProject(TEMPLATED);
  try {
    const plain = await runCli(["up", "--dry-run", "--database-url", "memory://"], { cwd });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^CREATE TABLE "t" \(id int\);$/m);
    const app = await runCli(
      ["up", "--dry-run", "--database-url", "memory://", "--schema", "app"],
      {
        cwd,
      },
    );
    assert.match(app.stdout, /^CREATE TABLE "app"\."t" \(id int\);$/m);
    assert.doesNotMatch(app.stdout, /\{\{/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("a file renamed from 001_a to 1_a is the same applied version everywhere", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_a.up.sql": "CREATE TABLE a (id int);\n",
      "001_a.down.sql": "DROP TABLE a;\n",
      "002_b.up.sql": "CREATE TABLE b (id int);\n",
      "002_b.down.sql": "DROP TABLE b;\n",
    });
    await new Migrator({ driver, migrations: await loadMigrations(dir) }).up({ to: "001" });
    await rename(join(dir, "001_a.up.sql"), join(dir, "1_a.up.sql"));
    await rename(join(dir, "001_a.down.sql"), join(dir, "1_a.down.sql"));
    const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
    const status = await migrator.status();
    assert.deepEqual(status.applied.map((e) => [e.version, e.file !== undefined]), [["001", true]]);
    assert.deepEqual(status.pending.map((e) => e.version), ["002"]);
    assert.deepEqual(status.missing, []);
    assert.deepEqual((await migrator.up()).steps.map((s) => s.version), ["002"]);
    assert.deepEqual((await migrator.down({ count: 2 })).steps.map((s) => s.version), [
      "002",
      "001",
    ]);
    assert.deepEqual((await migrator.status()).applied, []);
  });
});
