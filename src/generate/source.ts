/**
 * Where a schema to compare comes from: the schema a migration set builds (on an in-memory
 * PGlite, as `tide up` would), a schema file applied to an empty PGlite, or a live database.
 * Each gives a snapshot without tide's tracking tables.
 *
 * @module
 */
import { connect } from "../drivers/connect.ts";
import type { Driver, Queryable } from "../drivers/driver.ts";
import { extensionsIn } from "../drivers/pglite_extensions.ts";
import { errorMessage, MigrationError, SqlError } from "../errors.ts";
import { type LedgerLocation, ledgerTables } from "../engine/ledger_location.ts";
import { Migrator } from "../engine/migrator.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import type { Migration } from "../files/migration.ts";
import type { SchemaSnapshot } from "../schema/objects.ts";
import { takeSnapshot } from "../schema/snapshot.ts";
import { positionAt } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";

/** Where tide keeps its tracking tables, left out of every snapshot here. */
export type LedgerOptions = Partial<LedgerLocation>;

/**
 * A snapshot of `db` without tide's tracking tables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { snapshotWithoutLedger } from "./source.ts";
 *
 * await using db = await createPgliteDriver();
 * await db.exec("create table t (id int)");
 * assert.match((await snapshotWithoutLedger(db)).text, /CREATE TABLE public\.t/);
 * ```
 */
export async function snapshotWithoutLedger(
  db: Queryable,
  ledger: LedgerOptions = {},
  includeGrants = false,
): Promise<SchemaSnapshot> {
  const { schema, table, logTable } = ledgerTables(ledger);
  const exclude = [{ schema, table }, { schema, table: logTable }];
  return await takeSnapshot(db, { exclude, includeGrants });
}

/**
 * A fresh in-memory PGlite with `migrations` applied by the migrator, as `tide up` would
 * (tracking tables included). Close it when done.
 *
 * @example
 * ```ts ignore
 * await using db = await migratedPglite(migrations, { schema: "app" });
 * ```
 */
export async function migratedPglite(
  migrations: readonly Migration[],
  ledger: LedgerOptions = {},
  modules: readonly ModuleMigrations[] = [],
): Promise<Driver> {
  const { bootPglite } = await import("../drivers/pglite_cache.ts");
  const sql = [migrations, ...modules.map((m) => m.migrations)].flat()
    .map((m) => `${m.up.sql}\n${m.down?.sql ?? ""}`).join("\n");
  const driver = await bootPglite({ extensions: extensionsIn(sql) });
  try {
    await new Migrator({ ...ledger, driver, migrations: [...migrations] }).up({
      allowOutOfOrder: true,
      ...(modules.length > 0 ? { modules } : {}),
    });
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/**
 * A fresh in-memory PGlite holding the schema of a SQL file. Statements run in the file's
 * order; those that fail because of something defined later run again once it is there (a
 * `schema.sql` from `tide dump` lists objects by name, not by dependency). One that never
 * succeeds throws `SCHEMA_SOURCE_FAILED` at its line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaFilePglite } from "./source.ts";
 *
 * await using db = await schemaFilePglite("schema.sql",
 *   "create view v as select * from t;\ncreate table t (id int);");
 * assert.equal((await db.query("select count(*)::int as n from v"))[0].n, 0);
 * ```
 */
export async function schemaFilePglite(path: string, sql: string): Promise<Driver> {
  const { bootPglite } = await import("../drivers/pglite_cache.ts");
  const driver = await bootPglite({ extensions: extensionsIn(sql) });
  try {
    await applyUntilSettled(driver, path, sql);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}

/** SQLSTATEs of an object that already exists (`CREATE SCHEMA public` of a dump). */
const ALREADY_EXISTS = new Set(["42P06", "42P07", "42710", "42723"]);

async function applyUntilSettled(db: Driver, path: string, sql: string): Promise<void> {
  let pending = splitStatements(sql);
  let failures: { offset: number; error: unknown }[] = [];
  while (pending.length > 0) {
    const next: typeof pending = [];
    failures = [];
    for (const statement of pending) {
      try {
        await db.exec(statement.text);
      } catch (error) {
        next.push(statement);
        failures.push({ offset: statement.offset, error });
      }
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  const real = failures.filter(({ error }) =>
    !(error instanceof SqlError && ALREADY_EXISTS.has(error.sqlState ?? ""))
  );
  if (real.length === 0) return;
  const { offset, error } = real[0];
  const { line, column } = positionAt(sql, offset);
  throw new MigrationError(
    "SCHEMA_SOURCE_FAILED",
    `Cannot build the schema of ${path}:${line}:${column}: ${errorMessage(error)} The file must ` +
      "be SQL that creates the schema in an empty database (tide dump's output is).",
    { file: path, line, column, cause: error },
  );
}

/**
 * A snapshot of the database at `url`, without tide's tracking tables.
 *
 * @example
 * ```ts ignore
 * const live = await snapshotOfUrl("postgres://app@db/app");
 * ```
 */
export async function snapshotOfUrl(
  url: string,
  ledger: LedgerOptions = {},
  cwd?: string,
  includeGrants = false,
): Promise<SchemaSnapshot> {
  const driver = await connect(url, { cwd });
  try {
    return await snapshotWithoutLedger(driver, ledger, includeGrants);
  } finally {
    await driver.close();
  }
}
