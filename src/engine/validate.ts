/**
 * Validation of a migrations directory: every load error, every migration without a down, and,
 * given a database, every applied migration that was edited, lost its file or failed.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { MigrationError, problemsOf } from "../errors.ts";
import type { LedgerLocation } from "./ledger_location.ts";
import type { Migration } from "../files/migration.ts";
import { loadMigrations, type LoadOptions, type UnreadFile } from "../files/load.ts";
import { unreadMessage } from "../files/unread.ts";
import { type MigrationStatus, Migrator, type StatusEntry } from "./migrator.ts";
import { migrationLabel } from "../files/version.ts";

/** What is wrong. */
export type ValidationProblemKind =
  | "load"
  | "no-down"
  | "empty"
  | "edited"
  | "missing"
  | "failed"
  | "down-changed"
  | "unread";

/** One problem found by {@linkcode validateMigrations}. */
export interface ValidationProblem {
  /** What is wrong. */
  kind: ValidationProblemKind;
  /** The error code a command acting on it would raise. */
  code: string;
  /** A complete message: what, where, and the fix. */
  message: string;
  /** Version concerned, as written in the file name. */
  version?: string;
  /** File concerned. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
}

/** The outcome of {@linkcode validateMigrations}. */
export interface ValidationReport {
  /** Migrations loaded (0 when loading failed). */
  migrations: number;
  /** Whether the database was compared too. */
  checkedDatabase: boolean;
  /** Every problem; empty when all is well. */
  problems: ValidationProblem[];
  /**
   * Things worth knowing that are not problems: files that look like migrations and are not
   * read, ups with no statement (valid no-ops), downs changed since they were applied.
   */
  notes: ValidationProblem[];
}

/** Options of {@linkcode validateMigrations}; the ledger's location as for the migrator. */
export interface ValidateOptions extends Partial<LedgerLocation> {
  /** Migrations directory. */
  dir: string;
  /** A database to compare checksums with; offline when absent. Not closed. */
  driver?: Driver;
  /** How to read the directory: its format and what the format uses. */
  load?: LoadOptions;
}

/**
 * Checks a migrations directory (and optionally a database against it) and lists every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateMigrations } from "./validate.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * const report = await validateMigrations({ dir }); // offline: no driver given
 * assert.deepEqual(report.problems.map((p) => [p.kind, p.code, p.version]), [
 *   ["no-down", "NO_DOWN", "001"],
 * ]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function validateMigrations(options: ValidateOptions): Promise<ValidationReport> {
  let migrations: Migration[];
  const unread: ValidationProblem[] = [];
  const onUnread = (file: UnreadFile) =>
    unread.push({
      kind: "unread",
      code: "UNREAD_FILE",
      message: unreadMessage(file),
      file: file.path,
    });
  try {
    migrations = await loadMigrations(options.dir, { ...options.load, onUnread });
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    const problems = problemsOf(error).map(loadProblem);
    return { migrations: 0, checkedDatabase: false, problems, notes: [] };
  }
  const problems = migrations.filter((m) => m.down === undefined && !m.repeatable)
    .map(noDownProblem);
  const notes = [...unread, ...migrations.filter((m) => m.empty).map(emptyNote)];
  if (options.driver) {
    const status = await new Migrator({ ...options, driver: options.driver, migrations }).status();
    problems.push(...databaseProblems(status, options));
    notes.push(...status.downChanged.map(downChangedNote));
  }
  return {
    migrations: migrations.length,
    checkedDatabase: options.driver !== undefined,
    problems,
    notes,
  };
}

function loadProblem(error: MigrationError): ValidationProblem {
  return {
    kind: "load",
    code: error.code,
    message: error.message,
    version: error.version,
    file: error.file,
    line: error.line,
    column: error.column,
  };
}

function noDownProblem(migration: Migration): ValidationProblem {
  return {
    kind: "no-down",
    code: "NO_DOWN",
    message: `${migration.up.path} has no down, so it cannot be rolled back or verified. Add ` +
      `${migrationLabel(migration)}.down.sql (or a -- migrate:down section) that undoes it.`,
    version: migration.version,
    file: migration.up.path,
  };
}

function emptyNote(migration: Migration): ValidationProblem {
  return {
    kind: "empty",
    code: "EMPTY_UP",
    message: `${migration.up.path} holds no statement: it applies as a no-op and is recorded. ` +
      "Write the change there if it is a scaffold from `tide new`.",
    version: migration.version,
    file: migration.up.path,
  };
}

function downChangedNote(entry: StatusEntry): ValidationProblem {
  const what = entry.downFile !== undefined && entry.downFile !== entry.file
    ? entry.downFile
    : `The down section of ${entry.file}`;
  return {
    kind: "down-changed",
    code: "DOWN_CHANGED",
    message: `${what} changed since ${entry.version} was applied: a rollback runs the down as ` +
      "it is now. Run `tide repair --yes` to store it in the tracking table too (so a rollback " +
      "without the file runs it).",
    version: entry.version,
    file: entry.downFile ?? entry.file,
  };
}

function databaseProblems(status: MigrationStatus, options: ValidateOptions): ValidationProblem[] {
  const label = (e: { version: string; name: string }) => migrationLabel(e);
  return [
    ...status.edited.map((e): ValidationProblem => ({
      kind: "edited",
      code: "CHECKSUM_MISMATCH",
      message: `${e.file} was edited after it was applied. Revert the edit and put the change ` +
        "in a new migration, or run `tide repair --yes` if the edit changes nothing it did.",
      version: e.version,
      file: e.file,
    })),
    ...status.missing.map((e): ValidationProblem => ({
      kind: "missing",
      code: "MISSING_FILE",
      message: `${label(e)} is applied but has no file in ${options.dir}. Restore the file, or ` +
        "pass --allow-missing to up if it was removed on purpose.",
      version: e.version,
    })),
    ...status.failed.map((e): ValidationProblem => ({
      kind: "failed",
      code: "FAILED_MIGRATION",
      message: `${label(e)} failed halfway outside a transaction. Finish or undo it by hand, ` +
        `then run \`tide repair --yes --mark-applied ${e.version}\` or \`--mark-rolled-back ${e.version}\`.`,
      version: e.version,
      file: e.file,
    })),
  ];
}
