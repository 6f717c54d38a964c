/**
 * Drift: a live database against the schema its applied migrations build, in words and as the
 * SQL that brings the live schema back to it.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { Migrator } from "../engine/migrator.ts";
import type { Migration } from "../files/migration.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
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
  modules: readonly ModuleMigrations[] = [],
): Promise<Drift> {
  const built = await appliedOf(db, migrations, ledger);
  // The other modules' objects are part of the schema too: built from what each has applied.
  const others = await Promise.all(modules.map(async (m) => ({
    module: m.module,
    migrations: await appliedOf(db, m.migrations, { ...ledger, module: m.module }),
  })));
  await using expectedDb = await migratedPglite(built, ledger, others);
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

/** The migrations of `migrations` that the database records as applied (or applied, then edited). */
async function appliedOf(
  db: Driver,
  migrations: readonly Migration[],
  ledger: LedgerOptions,
): Promise<Migration[]> {
  const status = await new Migrator({ ...ledger, driver: db, migrations: [...migrations] })
    .status();
  const applied = new Set([...status.applied, ...status.edited].map((e) => e.version));
  return migrations.filter((m) => applied.has(m.version));
}
