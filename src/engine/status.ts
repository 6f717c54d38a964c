/**
 * Where a database stands against the migration files: applied, pending, missing, edited and
 * failed. Pure, from the files and the tracking table's rows.
 *
 * @module
 */
import type { AppliedMigration } from "./ledger.ts";
import type { Migration } from "../files/migration.ts";

/** A migration in `status`. */
export interface StatusEntry {
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** When applied; absent when pending. */
  appliedAt?: Date;
  /** Where its file is, when there is one. */
  file?: string;
  /** For a failed one: the error recorded, which says how far it got. */
  error?: string;
}

/** Where the database stands against the files. */
export interface MigrationStatus {
  /** Applied, in version order. */
  applied: StatusEntry[];
  /** Not applied yet, in version order. */
  pending: StatusEntry[];
  /** Applied but without a file. */
  missing: StatusEntry[];
  /** Applied, but the file changed since. */
  edited: StatusEntry[];
  /** Failed halfway (dirty). */
  failed: StatusEntry[];
}

/**
 * Sorts the migrations and tracking rows into applied, pending, missing, edited and failed.
 *
 * @example
 * ```ts ignore
 * const status = migrationStatus(migrations, await ledger.list());
 * console.log(status.pending.map((m) => m.version));
 * ```
 */
export function migrationStatus(
  migrations: readonly Migration[],
  applied: readonly AppliedMigration[],
): MigrationStatus {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const entry = (row: AppliedMigration): StatusEntry => ({
    version: row.version,
    name: row.name,
    appliedAt: row.appliedAt,
    file: byVersion.get(row.version)?.up.path,
  });
  const done = new Set(applied.map((row) => row.version));
  return {
    applied: applied.filter((row) => row.status === "applied").map(entry),
    pending: migrations.filter((m) => !done.has(m.version)).map((m) => ({
      version: m.version,
      name: m.name,
      file: m.up.path,
    })),
    missing: applied.filter((row) => !byVersion.has(row.version)).map(entry),
    edited: applied.filter((row) => {
      const file = byVersion.get(row.version);
      return file !== undefined && file.checksum !== row.checksum;
    }).map(entry),
    failed: applied.filter((row) => row.status === "failed").map((row) => ({
      ...entry(row),
      error: row.error ?? undefined,
    })),
  };
}
