/**
 * What `up` and `down` would do, computed without I/O from the migrations on disk and the rows of
 * the tracking table. Every refusal (edited file, missing file, out of order, dirty) is raised
 * here, before anything touches the database.
 *
 * Over 300 lines: the up and down plans and their refusals apply the same rules to the same inputs.
 *
 * @module
 */
import type { AppliedMigration } from "./ledger.ts";
import { ArgumentError, MigrationError } from "../errors.ts";
import { CHECKSUM_ALGORITHM, type Migration } from "../files/migration.ts";
import { downFileOf } from "../files/down_path.ts";
import {
  canonicalVersion,
  compareVersions,
  isRepeatableVersion,
  migrationLabel,
} from "../files/version.ts";
import { byCanonicalVersion } from "./status.ts";

/** A migration to apply. */
export interface UpStep {
  /** Direction. */
  direction: "up";
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** The migration to apply. */
  migration: Migration;
  /** A repeatable migration applied before, whose row this run replaces. */
  reapply?: boolean;
  /** Its module, in a plan that spans modules (see `plan_modules.ts`). */
  module?: string;
}

/** A migration to roll back, from its file or, when the file is gone, from the stored SQL. */
export interface DownStep {
  /** Direction. */
  direction: "down";
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** The migration, when its file still exists. */
  migration?: Migration;
  /** The down SQL stored when it was applied, used when the file is gone. */
  storedDownSql: string | null;
  /** Whether the stored down runs outside a transaction. */
  storedNoTransaction: boolean;
  /** A TypeScript migration's file, as recorded: its down runs only from there. */
  storedDownFile?: string | null;
}

/** One step of a plan. */
export type PlanStep = UpStep | DownStep;

/** Inputs of the planner. */
export interface PlanInput {
  /** Migrations on disk, in version order. */
  migrations: readonly Migration[];
  /** Rows of the tracking table, in version order. */
  applied: readonly AppliedMigration[];
}

/** Options of {@linkcode planUp}. */
export interface PlanUpOptions {
  /** Apply up to and including this version. */
  to?: string;
  /** Apply at most this many migrations (the oldest pending first). */
  count?: number;
  /** Apply pending migrations older than the newest applied one instead of refusing. */
  allowOutOfOrder?: boolean;
  /** Proceed when applied migrations have no file any more. */
  allowMissing?: boolean;
}

/**
 * Options of {@linkcode planDown}: at most one of `count`, `to`, `all`, `only`; default: the
 * last one.
 */
export interface PlanDownOptions {
  /** Roll back this many of the newest applied migrations. */
  count?: number;
  /** Roll back every applied migration newer than this version (which stays applied). */
  to?: string;
  /** Roll back everything. */
  all?: boolean;
  /** Roll back this applied migration alone, however old; the later ones stay applied. */
  only?: string;
}

/**
 * The migrations `up` would apply, in order; throws a {@linkcode MigrationError} when the
 * database and the files disagree.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { planUp } from "./plan.ts";
 * import { appliedFields } from "./step.ts";
 *
 * const file = (path: string) => ({ path, bytes: new TextEncoder().encode("select 1;") });
 * const names = ["001_a.up.sql", "002_b.up.sql", "003_c.up.sql"];
 * const migrations = await parseMigrationFiles(names.map(file));
 * const row = { ...appliedFields(migrations[0], "ci"), appliedAt: new Date(), executionTimeMs: 1 };
 * const applied = [row]; // 001 is applied
 * const steps = planUp({ migrations, applied }, { to: "002" }); // not 003
 * assert.deepEqual(steps.map((step) => `${step.version}_${step.name}`), ["002_b"]);
 * ```
 */
export function planUp(input: PlanInput, options: PlanUpOptions = {}): UpStep[] {
  refuseFailed(input.applied);
  const byVersion = byCanonicalVersion(input.migrations);
  const rows = byCanonicalVersion(input.applied);
  const rowOf = (m: Migration) => rows.get(canonicalVersion(m.version));
  checkApplied(input.applied, byVersion, options.allowMissing === true);
  if (options.to !== undefined) requireKnown(options.to, input.migrations);
  const pending = input.migrations.filter((m) =>
    !m.repeatable && !rowOf(m) &&
    (options.to === undefined || compareVersions(m.version, options.to) <= 0)
  );
  const newest = input.applied.filter((row) => !isRepeatableVersion(row.version)).at(-1);
  const early = newest ? pending.filter((m) => compareVersions(m.version, newest.version) < 0) : [];
  if (early.length > 0 && !options.allowOutOfOrder) {
    const files = early.map((m) => m.up.path).join(", ");
    throw new MigrationError(
      "OUT_OF_ORDER",
      `Cannot apply ${files}: older than ${newest!.version}_${
        newest!.name
      }, which is already applied. ` +
        `Give the new migration a version after ${newest!.version} (rename the file), ` +
        `or apply it anyway with --allow-out-of-order.`,
      { version: early[0].version, file: early[0].up.path },
    );
  }
  // Repeatables come after every versioned one, new or changed; not in a partial run.
  const partial = options.to !== undefined || options.count !== undefined;
  const repeatables = partial
    ? []
    : input.migrations.filter((m) => m.repeatable && rowOf(m)?.checksum !== m.checksum);
  const chosen = pending.slice(0, options.count ?? pending.length);
  return [...chosen, ...repeatables].map((migration) => ({
    direction: "up",
    version: migration.version,
    name: migration.name,
    migration,
    ...(rowOf(migration) ? { reapply: true } : {}),
  }));
}

/**
 * The migrations `down` would roll back, newest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { planDown } from "./plan.ts";
 * import { appliedFields } from "./step.ts";
 *
 * const text = "-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n";
 * const file = (path: string) => ({ path, bytes: new TextEncoder().encode(text) });
 * const migrations = await parseMigrationFiles(["001_a.sql", "002_b.sql", "003_c.sql"].map(file));
 * const applied = migrations.map((m) => ({
 *   ...appliedFields(m, "ci"),
 *   appliedAt: new Date(),
 *   executionTimeMs: 1,
 * }));
 * assert.deepEqual(planDown({ migrations, applied }).map((step) => step.version), ["003"]);
 * const steps = planDown({ migrations, applied }, { count: 2 });
 * assert.deepEqual(steps.map((step) => step.version), ["003", "002"]); // newest first
 * ```
 */
export function planDown(input: PlanInput, options: PlanDownOptions = {}): DownStep[] {
  refuseFailed(input.applied);
  const byVersion = byCanonicalVersion(input.migrations);
  // Repeatable migrations are never rolled back (as in Flyway): their rows stay.
  const newestFirst = input.applied.filter((row) => !isRepeatableVersion(row.version)).reverse();
  let chosen: AppliedMigration[];
  if (options.all) chosen = newestFirst;
  else if (options.to !== undefined) {
    const target = options.to;
    requireApplied(newestFirst, target, "to");
    chosen = newestFirst.filter((row) => compareVersions(row.version, target) > 0);
  } else if (options.only !== undefined) {
    const target = options.only;
    requireApplied(newestFirst, target, "only");
    chosen = newestFirst.filter((row) => compareVersions(row.version, target) === 0);
  } else chosen = newestFirst.slice(0, options.count ?? 1);
  const steps = chosen.map((row): DownStep => ({
    direction: "down",
    version: row.version,
    name: row.name,
    migration: byVersion.get(canonicalVersion(row.version)),
    storedDownSql: row.downSql,
    storedNoTransaction: row.downNoTransaction,
    ...(row.downFile ? { storedDownFile: row.downFile } : {}),
  }));
  const irreversible = steps.filter((step) =>
    !step.migration?.down && !step.migration?.empty && !(step.storedDownSql ?? "").trim()
  );
  const code = irreversible.find((step) => step.storedDownFile && !step.migration);
  if (code !== undefined) {
    throw new MigrationError(
      "NO_DOWN",
      `Cannot roll back ${migrationLabel(code)}: its down is the function down() of ` +
        `${code.storedDownFile}, which is gone, and a TypeScript down cannot be stored in the ` +
        "tracking table. Restore the file (from version control), then run the command again.",
      { version: code.version, file: code.storedDownFile ?? undefined },
    );
  }
  if (irreversible.length > 0) {
    const names = irreversible.map((s) => s.migration?.up.path ?? migrationLabel(s));
    throw new MigrationError(
      "NO_DOWN",
      `Cannot roll back ${names.join(", ")}: no down SQL, neither in a file nor stored when it ` +
        `was applied. Write the down (${whereDownGoes(irreversible[0].migration)}), then run ` +
        `\`tide repair --yes\` to store it.`,
      { version: irreversible[0].version, file: irreversible[0].migration?.up.path },
    );
  }
  return steps;
}

/**
 * Refuses a `down --count` larger than what `planDown` found to roll back: rolling back fewer
 * than asked and saying "done" would hide that the database is not where the user thinks.
 * (`planDown` itself takes at most what is applied.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireCount } from "./plan.ts";
 *
 * assert.throws(() => requireCount([], 1), { code: "COUNT_TOO_LARGE" });
 * assert.deepEqual(requireCount([], undefined), []);
 * ```
 */
export function requireCount<T>(steps: T[], count: number | undefined): T[] {
  if (count === undefined || steps.length >= count) return steps;
  const applied = steps.length;
  throw new ArgumentError(
    "COUNT_TOO_LARGE",
    `Cannot roll back --count ${count}: only ${applied} migration${
      applied === 1 ? " is" : "s are"
    } applied, so nothing was rolled back. Run \`tide status\` to see them, then give ` +
      `--count ${applied} or less, or --all.`,
  );
}

function requireApplied(
  rows: readonly AppliedMigration[],
  version: string,
  how: "to" | "only",
): void {
  if (rows.some((row) => compareVersions(row.version, version) === 0)) return;
  throw new ArgumentError(
    "UNKNOWN_VERSION",
    `Cannot roll back ${how === "to" ? "to " : ""}${version}: no applied migration has that ` +
      `version. Run \`tide status\` to see the applied versions` +
      (how === "to" ? ", or use --all to roll back everything." : "."),
    { version },
  );
}

function requireKnown(version: string, migrations: readonly Migration[]): void {
  if (migrations.some((m) => compareVersions(m.version, version) === 0)) return;
  throw new ArgumentError(
    "UNKNOWN_VERSION",
    `Cannot migrate to ${version}: no migration file has that version. ` +
      `Run \`tide status\` to list the known versions.`,
    { version },
  );
}

function refuseFailed(applied: readonly AppliedMigration[]): void {
  const failed = applied.find((row) => row.status === "failed");
  if (!failed) return;
  throw new MigrationError(
    "FAILED_MIGRATION",
    `Migration ${migrationLabel(failed)} failed halfway outside a transaction ` +
      `(${failed.error ?? "no error recorded"}), so part of it may be in effect. ` +
      `Inspect the database and finish or undo its statements by hand, then run ` +
      `\`tide repair --yes --mark-applied ${failed.version}\` if all of it is now in place, or ` +
      `\`tide repair --yes --mark-rolled-back ${failed.version}\` if none of it is.`,
    { version: failed.version },
  );
}

function checkApplied(
  applied: readonly AppliedMigration[],
  byVersion: Map<string, Migration>,
  allowMissing: boolean,
): void {
  const fileOf = (row: AppliedMigration) => byVersion.get(canonicalVersion(row.version));
  const missing = applied.filter((row) => !fileOf(row));
  if (missing.length > 0 && !allowMissing) {
    throw new MigrationError(
      "MISSING_FILE",
      `Applied migrations have no file any more: ${
        missing.map((r) => migrationLabel(r)).join(", ")
      }. Restore the files, or pass --allow-missing if they were removed on purpose ` +
        `(their stored down SQL still allows a rollback).`,
      { version: missing[0].version },
    );
  }
  const foreign = applied.find((row) => row.checksumAlgorithm !== CHECKSUM_ALGORITHM);
  if (foreign) {
    throw new MigrationError(
      "CHECKSUM_MISMATCH",
      `Migration ${migrationLabel(foreign)} was recorded with checksum algorithm ` +
        `"${foreign.checksumAlgorithm}", but this tide computes "${CHECKSUM_ALGORITHM}", so its file ` +
        `cannot be compared. If the files are unchanged, run \`tide repair --yes\` to re-record the checksums.`,
      { version: foreign.version },
    );
  }
  const edited = applied.filter((row) => {
    const migration = fileOf(row);
    return migration !== undefined && !migration.repeatable && migration.checksum !== row.checksum;
  });
  if (edited.length > 0) {
    const files = edited.map((row) => fileOf(row)!.up.path);
    throw new MigrationError(
      "CHECKSUM_MISMATCH",
      `Applied migrations were edited since they ran: ${files.join(", ")}. ` +
        `Revert the edit and put the change in a new migration (\`tide new <name>\`), or, if the ` +
        `edit does not change what the migration did, run \`tide repair --yes\` to record the new checksums.`,
      { version: edited[0].version, file: files[0] },
    );
  }
}

/** Where a missing down goes, in the migration's layout: its file, or its section. */
function whereDownGoes(migration: Migration | undefined): string {
  const file = migration && downFileOf(migration);
  return file ?? "a down file, or the down section of the migration's file";
}
