import assert from "node:assert/strict";
import type { AppliedMigration } from "./ledger.ts";
import type { Migration } from "../files/migration.ts";
import { planDown, planUp } from "./plan.ts";
import { migrationStatus } from "./status.ts";
import { CHECKSUM_ALGORITHM } from "../files/migration.ts";

function migration(version: string, checksum: string, repeatable = false): Migration {
  const up = { path: `${version}.sql`, sql: "select 1;", line: 1, column: 1 };
  return {
    version,
    name: version,
    up,
    down: repeatable ? undefined : { ...up, sql: "select 2;" },
    noTransaction: false,
    checksum,
    ...(repeatable ? { repeatable: true as const } : {}),
  };
}

function row(version: string, checksum: string): AppliedMigration {
  return {
    version,
    name: version,
    checksum,
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    status: "applied",
    appliedAt: new Date(0),
    executionTimeMs: 1,
    appliedBy: "t",
    downSql: null,
    downNoTransaction: false,
    error: null,
  };
}

const files = [migration("1", "a"), migration("2", "b"), migration("R__views", "v2", true)];

Deno.test("planUp() applies repeatables after the versioned ones, again when their checksum changed", () => {
  const fresh = planUp({ migrations: files, applied: [] });
  assert.deepEqual(fresh.map((s) => [s.version, s.reapply ?? false]), [
    ["1", false],
    ["2", false],
    ["R__views", false],
  ]);
  const changed = planUp({ migrations: files, applied: [row("1", "a"), row("R__views", "v1")] });
  assert.deepEqual(changed.map((s) => [s.version, s.reapply ?? false]), [
    ["2", false],
    ["R__views", true],
  ]);
  const same = planUp({
    migrations: files,
    applied: [row("1", "a"), row("2", "b"), row("R__views", "v2")],
  });
  assert.deepEqual(same, []);
  assert.deepEqual(planUp({ migrations: files, applied: [] }, { to: "1" }).map((s) => s.version), [
    "1",
  ]);
});

Deno.test("planDown() never rolls back a repeatable, and status shows a changed one as pending", () => {
  const applied = [row("1", "a"), row("2", "b"), row("R__views", "v1")];
  assert.deepEqual(planDown({ migrations: files, applied }).map((s) => s.version), ["2"]);
  assert.deepEqual(planDown({ migrations: files, applied }, { all: true }).map((s) => s.version), [
    "2",
    "1",
  ]);
  const status = migrationStatus(files, applied);
  assert.deepEqual(status.pending.map((e) => [e.version, e.repeatable]), [["R__views", true]]);
  assert.deepEqual(status.edited, []);
});

Deno.test("Migrator.up() re-applies a changed Flyway repeatable and replaces its row, on PGlite", async () => {
  const { connect } = await import("../drivers/connect.ts");
  const { parseMigrationFiles } = await import("../files/load.ts");
  const { Migrator } = await import("./migrator.ts");
  const bytes = (text: string) => new TextEncoder().encode(text);
  const load = (view: string) =>
    parseMigrationFiles([
      { path: "db/V1__t.sql", bytes: bytes("create table t (x int);") },
      { path: "db/R__v.sql", bytes: bytes(`create or replace view v as ${view};`) },
    ], { dir: "db" });
  await using driver = await connect("memory://");
  const first = await new Migrator({ driver, migrations: await load("select x from t") }).up();
  assert.deepEqual(first.steps.map((s) => s.version), ["1", "R__v"]);
  const migrations = await load("select x, x + 1 as y from t");
  const again = await new Migrator({ driver, migrations }).up();
  assert.deepEqual(again.steps.map((s) => s.version), ["R__v"]);
  const status = await new Migrator({ driver, migrations }).status();
  assert.deepEqual([status.applied.length, status.pending.length], [2, 0]);
  const columns = await driver.query<{ n: number }>(
    "select count(*)::int as n from information_schema.columns where table_name = 'v'",
  );
  assert.equal(columns[0].n, 2);
});
