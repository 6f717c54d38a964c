import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator, type MigratorOptions } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import type { Driver } from "../drivers/driver.ts";

async function failure(
  driver: Driver,
  files: Record<string, string>,
  options: Partial<MigratorOptions> = {},
): Promise<MigrationError> {
  const migrations = await loadMigrations(await writeMigrations(files));
  const error = await new Migrator({ driver, migrations, ...options }).up().then(
    () => assert.fail("up succeeded"),
    (error) => error,
  );
  assert.ok(error instanceof MigrationError, String(error));
  return error;
}

async function tables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    "SELECT table_name::text AS name FROM information_schema.tables " +
      "WHERE table_schema = 'public' AND table_name NOT LIKE 'tide_%' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

Deno.test("an error without a server position names the failing statement's real line", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const error = await failure(driver, {
      "001_a.up.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n\n  SELECT 1/0;\n",
    });
    assert.match(error.message, /001_a\.up\.sql:4:3: division by zero/);
    assert.equal(error.line, 4);
    assert.deepEqual(await tables(driver), [], "the re-run to find the line was rolled back");
  });
});

Deno.test("a duplicate object at re-up is reported on its own line", async (t) => {
  await onEachDatabase(t, async (driver) => {
    await driver.exec("CREATE TABLE b (id int)");
    const error = await failure(driver, {
      "001_a.sql":
        "-- migrate:up\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n-- migrate:down\n",
    });
    assert.match(error.message, /001_a\.sql:3:1: relation "b" already exists/);
    assert.deepEqual(await tables(driver), ["b"]);
  });
});

Deno.test("a statement_timeout is reported on the statement that ran out of time", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const error = await failure(driver, {
      "001_a.up.sql": "CREATE TABLE a (id int);\nSELECT pg_sleep(5);\n",
    }, { statementTimeoutMs: 200 });
    assert.match(error.message, /001_a\.up\.sql:2:1: canceling statement due to statement timeout/);
  }, ["postgres"]);
});

Deno.test("a failure line deep in a long file is found", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const lines = Array.from({ length: 3000 }, (_, i) => `SELECT ${i};`);
    lines.push("SELECT 1/0;");
    const error = await failure(driver, { "001_a.up.sql": lines.join("\n") + "\n" });
    assert.match(error.message, /001_a\.up\.sql:3001:1: division by zero/);
  });
});

Deno.test("a failure at COMMIT names no line of the file, since no statement of it failed", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const error = await failure(driver, {
      "001_a.up.sql": "CREATE TABLE p (id int PRIMARY KEY);\n" +
        "CREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);\n" +
        "INSERT INTO c VALUES (1);\n",
    });
    assert.equal(error.line, undefined, error.message);
    assert.doesNotMatch(error.message, /\.sql:\d+/);
    assert.match(error.message, /violates foreign key constraint/);
    assert.match(error.message, /at COMMIT/);
    assert.deepEqual(await tables(driver), []);
  });
});
