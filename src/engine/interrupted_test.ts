/**
 * A `-- tide:no-transaction` migration whose run ends between two statements (the process killed,
 * the connection lost): the tracking table says how far it got, and later runs refuse until
 * `repair` says how it was resolved. The end is played by a driver that dies after a statement;
 * `src/cli/process_test.ts` kills real processes.
 */
import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";

/** `driver` until an exec holding `marker` completes; from then on every call fails, as if the
 * process had died there. */
function dyingAfter(driver: Driver, marker: string): Driver {
  let dead = false;
  const check = () => {
    if (dead) throw new MigrationError("CONNECTION_LOST", "Lost the connection (test).");
  };
  return {
    kind: driver.kind,
    target: driver.target,
    exec: async (sql) => {
      check();
      await driver.exec(sql);
      if (sql.includes(marker)) dead = true;
    },
    query: async (sql, params) => (check(), await driver.query(sql, params)),
    transaction: async (fn) => (check(), await driver.transaction(fn)),
    close: () => driver.close(),
    [Symbol.asyncDispose]: () => driver.close(),
  };
}

const FILES = {
  "001_base.up.sql": "create table base (id int);",
  "001_base.down.sql": "drop table base;",
  "002_steps.up.sql": "-- tide:no-transaction\ncreate table one (id int);\n" +
    "create table two /* the run dies here */ (id int);\ncreate table three (id int);\n",
  "002_steps.down.sql": "-- tide:no-transaction\ndrop table three;\n" +
    "drop /* the down dies here */ table two;\ndrop table one;\n",
};

async function tables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    "select tablename::text as name from pg_tables where schemaname = 'public' " +
      "and tablename not like 'tide%' order by 1",
  );
  return rows.map((row) => row.name);
}

Deno.test("a no-transaction up that dies between statements is recorded as failed at statement k of n", async (t) => {
  const dir = await writeMigrations(FILES);
  await onEachDatabase(t, async (driver) => {
    const migrations = await loadMigrations(dir);
    const dying = new Migrator({ driver: dyingAfter(driver, "the run dies here"), migrations });
    await assert.rejects(() => dying.up(), (error: MigrationError) => {
      assert.equal(error.code, "CONNECTION_LOST");
      assert.doesNotMatch(error.message, /No statement of it was applied/);
      return true;
    });
    assert.deepEqual(await tables(driver), ["base", "one", "two"]);
    const migrator = new Migrator({ driver, migrations });
    const status = await migrator.status();
    assert.deepEqual(status.failed.map((s) => s.version), ["002"]);
    assert.deepEqual(status.pending, []);
    assert.match(status.failed[0].error ?? "", /statement 2 of 3 \(.*002_steps\.up\.sql:3:1\)/);
    await assert.rejects(() => migrator.up(), {
      code: "FAILED_MIGRATION",
      message: /statement 2 of 3.*--mark-rolled-back 002/s,
    });
    await assert.rejects(() => migrator.down(), { code: "FAILED_MIGRATION" });
    await driver.exec("create table three (id int)"); // finished by hand
    await migrator.repair({ markApplied: "002" });
    assert.deepEqual((await migrator.status()).applied.map((s) => s.version), ["001", "002"]);
  });
});

Deno.test("a no-transaction down that dies between statements is recorded as failed too", async (t) => {
  const dir = await writeMigrations(FILES);
  await onEachDatabase(t, async (driver) => {
    const migrations = await loadMigrations(dir);
    const migrator = new Migrator({ driver, migrations });
    await migrator.up();
    const dying = new Migrator({ driver: dyingAfter(driver, "the down dies here"), migrations });
    await assert.rejects(() => dying.down(), { code: "CONNECTION_LOST" });
    assert.deepEqual(await tables(driver), ["base", "one"]);
    const status = await migrator.status();
    assert.deepEqual(status.failed.map((s) => s.version), ["002"]);
    assert.match(status.failed[0].error ?? "", /rolling back.*statement 2 of 3/);
    await assert.rejects(() => migrator.up(), { code: "FAILED_MIGRATION" });
    await driver.exec("drop table one"); // finished by hand
    await migrator.repair({ markRolledBack: "002" });
    const after = await migrator.status();
    assert.deepEqual([after.applied, after.pending].map((l) => l.map((s) => s.version)), [
      ["001"],
      ["002"],
    ]);
  });
});

Deno.test("a no-transaction run that dies works the same on a tracking table made by tide 0.1", async (t) => {
  const dir = await writeMigrations(FILES);
  await onEachDatabase(t, async (driver) => {
    // The DDL of tide 0.1, as its README printed it.
    await driver.exec(`CREATE TABLE tide_migrations (
  module text NOT NULL DEFAULT '',
  version text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  checksum_algorithm text NOT NULL,
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'failed')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_time_ms integer NOT NULL,
  applied_by text NOT NULL,
  down_sql text,
  down_no_transaction boolean NOT NULL DEFAULT false,
  error text,
  PRIMARY KEY (module, version)
);
CREATE TABLE tide_migration_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  module text NOT NULL DEFAULT '',
  version text NOT NULL,
  name text NOT NULL,
  action text NOT NULL CHECK (action IN ('up', 'down', 'baseline', 'repair')),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  error text,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  performed_by text NOT NULL
);`);
    const migrations = await loadMigrations(dir);
    const dying = new Migrator({ driver: dyingAfter(driver, "the run dies here"), migrations });
    await assert.rejects(() => dying.up(), { code: "CONNECTION_LOST" });
    const migrator = new Migrator({ driver, migrations });
    assert.deepEqual((await migrator.status()).failed.map((s) => s.version), ["002"]);
    await driver.exec("drop table one; drop table two");
    await migrator.repair({ markRolledBack: "002" });
    assert.deepEqual((await migrator.up()).steps.map((s) => s.version), ["002"]);
    assert.deepEqual(await tables(driver), ["base", "one", "three", "two"]);
  });
});
