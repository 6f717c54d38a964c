/** Adopting on a real database: other tables, the wrong tool, missing files, an existing ledger. */
import assert from "node:assert/strict";
import { connect } from "../../drivers/connect.ts";
import type { Driver } from "../../drivers/driver.ts";
import { loadMigrations } from "../../files/load.ts";
import { onEachDatabase, writeMigrations } from "../../_test_support/scenario.ts";
import { migrationLockKey } from "../lock.ts";
import { Migrator, type MigratorOptions } from "../migrator.ts";

const FILES = {
  "001_create_users.up.sql": "create table users (id int);\n",
  "001_create_users.down.sql": "drop table users;\n",
  "002_create_orders.up.sql": "create table orders (id int);\n",
  "003_create_items.up.sql": "create table items (id int);\n",
};

const GOLANG_MIGRATE =
  "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)";

async function migrator(driver: Driver, options: Partial<MigratorOptions> = {}) {
  const migrations = await loadMigrations(await writeMigrations(FILES));
  return new Migrator({ driver, migrations, actor: "ada", ...options });
}

const versions = (entries: { version: string }[]) => entries.map((entry) => entry.version);

Deno.test("adopt() reads a table named as the tool names it, quoted and schema-qualified", async (t) => {
  await onEachDatabase(t, async (driver) => {
    await driver.exec(`CREATE SCHEMA "Migrate";
      CREATE TABLE "Migrate"."Versions" (version bigint not null primary key, dirty boolean not null);
      INSERT INTO "Migrate"."Versions" VALUES (2, false)`);
    const m = await migrator(driver);
    const result = await m.adopt({ from: "golang-migrate", table: '"Migrate"."Versions"' });
    assert.equal(result.table, "Migrate.Versions");
    assert.deepEqual(versions(result.adopted), ["001", "002"]);
    await assert.rejects(() => m.adopt({ from: "golang-migrate", table: "Migrate.Versions" }), {
      code: "ADOPT_TABLE_NOT_FOUND",
      message:
        /cannot read its table Migrate\.Versions: there is no such table\. .*x-migrations-table/,
    });
    await assert.rejects(() => m.adopt({ from: "goose" }), {
      code: "ADOPT_TABLE_NOT_FOUND",
      message:
        /goose_db_version: there is no such table in search_path \((?:"\$user", )?public\)\. If goose keeps it elsewhere \(goose's -table flag\), pass --from-table/,
    });
  });
});

Deno.test("adopt() refuses another tool's table, naming the tool whose table it is", async (t) => {
  await onEachDatabase(t, async (driver) => {
    await driver.exec(`${GOLANG_MIGRATE}; INSERT INTO schema_migrations VALUES (2, false)`);
    const m = await migrator(driver);
    await assert.rejects(() => m.adopt({ from: "dbmate" }), {
      code: "ADOPT_INCONSISTENT",
      message:
        /public\.schema_migrations has the columns of golang-migrate's table, so it is not dbmate's table\. Adopt with --from golang-migrate/,
    });
    await driver.exec(`DROP TABLE schema_migrations;
      CREATE TABLE schema_migrations (version varchar primary key)`);
    await assert.rejects(() => m.adopt({ from: "golang-migrate" }), {
      code: "ADOPT_INCONSISTENT",
      message:
        /has no column dirty, so it is not golang-migrate's table\. Adopt with --from dbmate/,
    });
    assert.deepEqual(await m.history(), [], "nothing was recorded");
  }, ["pglite"]);
});

Deno.test("adopt() refuses migrations without a file, or with allowMissing records them as missing", async (t) => {
  await onEachDatabase(t, async (driver) => {
    await driver.exec(`${GOLANG_MIGRATE}; INSERT INTO schema_migrations VALUES (4, false)`);
    const m = await migrator(driver);
    await assert.rejects(() => m.adopt({ from: "golang-migrate" }), {
      code: "MISSING_FILE",
      version: "4",
      message: /applied migrations that have no file here: 4\./,
    });
    const result = await m.adopt({ from: "golang-migrate", allowMissing: true });
    assert.deepEqual(versions(result.adopted), ["001", "002", "003", "4"]);
    const status = await m.status();
    assert.deepEqual(versions(status.missing), ["4"]);
    assert.deepEqual([status.edited, status.pending], [[], []]);
    await assert.rejects(() => m.up(), { code: "MISSING_FILE" }, "as after any removed file");
    assert.deepEqual((await m.up({ allowMissing: true })).steps, []);
  });
});

Deno.test("adopt() into a ledger made by an older tide adds only what it lacks", async (t) => {
  await onEachDatabase(t, async (driver) => {
    // The log as tide created it before `adopt` was an action.
    await driver.exec(`CREATE TABLE tide_migration_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      module text NOT NULL DEFAULT '', version text NOT NULL, name text NOT NULL,
      action text NOT NULL CHECK (action IN ('up', 'down', 'baseline', 'repair')),
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
      error text, started_at timestamptz NOT NULL, duration_ms integer NOT NULL,
      performed_by text NOT NULL)`);
    const m = await migrator(driver);
    await m.up({ to: "001" });
    await driver.exec(`${GOLANG_MIGRATE}; INSERT INTO schema_migrations VALUES (2, false)`);
    const result = await m.adopt({ from: "golang-migrate" });
    assert.deepEqual(versions(result.adopted), ["002"]);
    assert.deepEqual(result.alreadyRecorded, [{ version: "001", name: "create_users" }]);
    assert.deepEqual(
      (await m.history()).map((e) => `${e.action} ${e.version}`),
      ["up 001", "adopt 002"],
    );
    await m.up();
    const again = await m.adopt({ from: "golang-migrate" });
    assert.deepEqual(again.onlyInTide, [{ version: "003", name: "create_items" }]);
    assert.deepEqual(again.adopted, []);
  });
});

Deno.test("adopt() waits for tide's migration lock like every run that writes", async (t) => {
  await onEachDatabase(t, async (driver, _kind, url) => {
    await driver.exec(`${GOLANG_MIGRATE}; INSERT INTO schema_migrations VALUES (1, false)`);
    await using holder = await connect(url);
    const key = migrationLockKey({ schema: "public", table: "tide_migrations" });
    await holder.query("select pg_advisory_lock($1::bigint)", [key]);
    const m = await migrator(driver, { lockWaitMs: 300 });
    await assert.rejects(() => m.adopt({ from: "golang-migrate" }), { code: "LOCK_WAIT_TIMEOUT" });
    const dry = await m.adopt({ from: "golang-migrate", dryRun: true });
    assert.deepEqual(versions(dry.adopted), ["001"], "a dry run takes no lock");
    await holder.query("select pg_advisory_unlock($1::bigint)", [key]);
    assert.deepEqual(versions((await m.adopt({ from: "golang-migrate" })).adopted), ["001"]);
  }, ["postgres"]);
});
