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
  /** Where its down file is, when it has one. */
  downFile?: string;
  /** Its up holds no statement (a no-op, often a scaffold not written yet). */
  empty?: true;
  /** A Flyway repeatable migration. */
  repeatable?: true;
  /** For a failed one: the error recorded, which says how far it got. */
  error?: string;
  /** What it does, from its file, else as recorded when it was applied. */
  description?: string;
  /**
   * An applied migration whose down is code (TypeScript): the file holding it, as recorded. When
   * that file is gone (a `missing` entry), it cannot be rolled back until the file is restored.
   */
  codeFile?: string;
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
 * Sorts the migrations and tracking rows into applied, pending, missing, edited and failed. A
 * repeatable migration whose checksum changed since it was applied is pending again (not
 * edited): `up` re-applies it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { migrationStatus } from "./status.ts";
 * import { appliedFields } from "./step.ts";
 *
 * const file = (path: string) => ({ path, bytes: new TextEncoder().encode("select 1;") });
 * const migrations = await parseMigrationFiles(["001_a.up.sql", "002_b.up.sql"].map(file));
 * const row = { ...appliedFields(migrations[0], "ci"), appliedAt: new Date(), executionTimeMs: 1 };
 * const status = migrationStatus(migrations, [{ ...row, checksum: "changed since" }]);
 * assert.deepEqual(status.applied.map((m) => m.version), ["001"]);
 * assert.deepEqual(status.edited.map((m) => m.version), ["001"]);
 * assert.deepEqual(status.pending.map((m) => m.file), ["002_b.up.sql"]);
 * ```
 */
export function migrationStatus(
  migrations: readonly Migration[],
  applied: readonly AppliedMigration[],
): MigrationStatus {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const rows = new Map(applied.map((row) => [row.version, row]));
  const entry = (row: AppliedMigration): StatusEntry => {
    const description = byVersion.get(row.version)?.description ?? row.description ?? undefined;
    return {
      version: row.version,
      name: row.name,
      appliedAt: row.appliedAt,
      ...filesOf(byVersion.get(row.version)),
      ...(description === undefined ? {} : { description }),
      ...(row.downFile ? { codeFile: row.downFile } : {}),
    };
  };
  const changed = (m: Migration) => rows.get(m.version)?.checksum !== m.checksum;
  return {
    applied: applied.filter((row) => row.status === "applied").map(entry),
    pending: migrations.filter((m) => !rows.has(m.version) || (m.repeatable && changed(m)))
      .map((m) => ({ version: m.version, name: m.name, ...filesOf(m) })),
    missing: applied.filter((row) => !byVersion.has(row.version)).map(entry),
    edited: applied.filter((row) => {
      const file = byVersion.get(row.version);
      return file !== undefined && !file.repeatable && file.checksum !== row.checksum;
    }).map(entry),
    failed: applied.filter((row) => row.status === "failed").map((row) => ({
      ...entry(row),
      error: row.error ?? undefined,
    })),
  };
}

function filesOf(m: Migration | undefined): Omit<StatusEntry, "version" | "name" | "appliedAt"> {
  if (m === undefined) return {};
  return {
    file: m.up.path,
    ...(m.down ? { downFile: m.down.path } : {}),
    ...(m.empty ? { empty: true as const } : {}),
    ...(m.repeatable ? { repeatable: true as const } : {}),
    ...(m.description === undefined ? {} : { description: m.description }),
  };
}
