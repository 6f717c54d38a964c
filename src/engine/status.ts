/**
 * Where a database stands against the migration files: applied, pending, missing, edited and
 * failed. Pure, from the files and the tracking table's rows.
 *
 * @module
 */
import type { AppliedMigration } from "./ledger.ts";
import { type Migration, migrationFiles, noTransactionOf } from "../files/migration.ts";
import { canonicalVersion, compareVersions, isRepeatableVersion } from "../files/version.ts";

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
  /**
   * A pending migration older than the newest applied one (one `down --only` rolled back, or a
   * branch merged late): `up` applies it only with `--allow-out-of-order`.
   */
  outOfOrder?: boolean;
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
  /**
   * Applied, and its down (SQL or directive) changed since: rollback runs the down as it is
   * now; `repair` stores it. Never blocks anything; the checksum covers the up alone.
   */
  downChanged: StatusEntry[];
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
  // Keyed by canonical version: `001_a` renamed `1_a` is the same migration (README).
  const byVersion = byCanonicalVersion(migrations);
  const rows = byCanonicalVersion(applied);
  const status: MigrationStatus = {
    applied: [],
    pending: [],
    missing: [],
    edited: [],
    failed: [],
    downChanged: [],
  };
  // One pass over the rows, each entry made once: `tide status` does this for every migration.
  for (const row of applied) {
    const file = byVersion.get(canonicalVersion(row.version));
    const entry = appliedEntry(row, file);
    if (row.status === "applied") status.applied.push(entry);
    if (row.status === "failed") status.failed.push({ ...entry, error: row.error ?? undefined });
    if (file === undefined) status.missing.push(entry);
    else if (file.repeatable) continue; // changed since: pending again, below
    else if (file.checksum !== row.checksum) status.edited.push(entry);
    else if (row.status === "applied" && downChanged(file, row)) status.downChanged.push(entry);
  }
  const newest = applied.findLast((row) => !isRepeatableVersion(row.version));
  for (const m of migrations) {
    const row = rows.get(canonicalVersion(m.version));
    if (row !== undefined && !(m.repeatable && row.checksum !== m.checksum)) continue;
    const early = !m.repeatable && newest !== undefined &&
      compareVersions(m.version, newest.version) < 0;
    status.pending.push({
      version: m.version,
      name: m.name,
      ...filesOf(m),
      ...(early ? { outOfOrder: true } : {}),
    });
  }
  return status;
}

function appliedEntry(row: AppliedMigration, file: Migration | undefined): StatusEntry {
  const entry: StatusEntry = { version: row.version, name: row.name, appliedAt: row.appliedAt };
  Object.assign(entry, filesOf(file));
  const description = file?.description ?? row.description ?? undefined;
  if (description !== undefined) entry.description = description;
  if (row.downFile) entry.codeFile = row.downFile;
  return entry;
}

/**
 * Whether the down of `migration` differs from the one stored when it was applied (its SQL or
 * whether it runs outside a transaction).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downChanged } from "./status.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE TABLE a ();", line: 1, column: 1 };
 * const down = { ...up, path: "001_a.down.sql", sql: "DROP TABLE a;" };
 * const migration = { version: "001", name: "a", up, down, noTransaction: false, checksum: "c" };
 * const stored = { downSql: "DROP TABLE a;", downNoTransaction: false };
 * assert.equal(downChanged(migration, stored), false);
 * assert.equal(downChanged(migration, { ...stored, downSql: "DROP TABLE IF EXISTS a;" }), true);
 * ```
 */
export function downChanged(
  migration: Migration,
  stored: Pick<AppliedMigration, "downSql" | "downNoTransaction">,
): boolean {
  if (migration.code !== undefined) return false; // code in the checksummed file, stored as null
  return (migration.down?.sql ?? null) !== stored.downSql ||
    noTransactionOf(migration, "down") !== stored.downNoTransaction;
}

/**
 * `items` by the canonical form of their version, as `compareVersions` sees them equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byCanonicalVersion } from "./status.ts";
 *
 * assert.equal(byCanonicalVersion([{ version: "001" }]).get("1")?.version, "001");
 * ```
 */
export function byCanonicalVersion<T extends { version: string }>(
  items: readonly T[],
): Map<string, T> {
  return new Map(items.map((item) => [canonicalVersion(item.version), item]));
}

function filesOf(m: Migration | undefined): Omit<StatusEntry, "version" | "name" | "appliedAt"> {
  if (m === undefined) return {};
  const files: Omit<StatusEntry, "version" | "name" | "appliedAt"> = migrationFiles(m);
  if (m.empty) files.empty = true;
  if (m.repeatable) files.repeatable = true;
  if (m.description !== undefined) files.description = m.description;
  return files;
}
