/**
 * Drift: a live database against the schema its applied migrations build, in words and as the
 * SQL that brings the live schema back to it.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { Migrator } from "../engine/migrator.ts";
import type { Migration } from "../files/migration.ts";
import { diffSnapshots, type SchemaChange } from "../schema/diff.ts";
import { type GeneratedSql, generateSql } from "./generate.ts";
import { type LedgerOptions, migratedPglite, snapshotWithoutLedger } from "./source.ts";

/** What {@linkcode findDrift} found. */
export interface Drift {
  /** True when the live schema differs from the expected one. */
  drifted: boolean;
  /** Versions whose migrations build the expected schema: those applied to the database. */
  applied: string[];
  /** Differences, expected -> live: `added` exists only in the live database. */
  changes: SchemaChange[];
  /** SQL turning the live schema into the expected one. */
  reconcile: GeneratedSql;
}

/**
 * Compares the database behind `db` with the schema the migrations it records as applied
 * build on an in-memory PGlite.
 *
 * @example
 * ```ts ignore
 * const drift = await findDrift(driver, await loadMigrations("migrations"));
 * if (drift.drifted) console.log(drift.reconcile.sql);
 * ```
 */
export async function findDrift(
  db: Driver,
  migrations: readonly Migration[],
  ledger: LedgerOptions = {},
): Promise<Drift> {
  const status = await new Migrator({ ...ledger, driver: db, migrations: [...migrations] })
    .status();
  const applied = new Set([...status.applied, ...status.edited].map((e) => e.version));
  const built = migrations.filter((m) => applied.has(m.version));
  await using expectedDb = await migratedPglite(built, ledger);
  const expected = await snapshotWithoutLedger(expectedDb, ledger);
  const live = await snapshotWithoutLedger(db, ledger);
  const changes = diffSnapshots(expected, live);
  return {
    drifted: changes.length > 0,
    applied: built.map((m) => m.version),
    changes,
    reconcile: generateSql(live.objects, expected.objects),
  };
}
