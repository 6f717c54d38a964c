/**
 * The shape of a migration once its files are read. Produced by `loadMigrations()`, consumed by
 * the planner, the migrator and the verifier.
 *
 * @module
 */

/** One direction (up or down) of a migration: SQL text and where it sits in its file. */
export interface MigrationScript {
  /** Path of the file holding the SQL, as found under the migrations directory (joined to it). */
  readonly path: string;
  /** The SQL text, templates not yet rendered. May be empty for a down. */
  readonly sql: string;
  /** 1-based line in `path` where `sql` starts. */
  readonly line: number;
  /** 1-based column in `path` where `sql` starts. */
  readonly column: number;
  /**
   * `false` when the SQL is final as loaded: tide's `{{schema}}` templates are a tide feature,
   * not rendered in other tools' formats (which substitute their own placeholders on loading).
   */
  readonly templates?: false;
  /**
   * Statement boundaries as the file's own tool draws them (goose `StatementBegin` blocks), as
   * `[start, end)` offsets into `sql`; a no-transaction script is sent in these pieces. Unset:
   * tide splits the SQL itself.
   */
  readonly statements?: readonly (readonly [number, number])[];
}

/**
 * A migration of another module that must be applied before this one (a library's table):
 * `-- tide:requires auth:003`, or `export const requires = ["auth:003"]` in TypeScript.
 */
export interface Requirement {
  /** The module, as `--module` names it. */
  readonly module: string;
  /** Its version, as written in that module's file name (compared as a version). */
  readonly version: string;
}

/** A migration read from disk. */
export interface Migration {
  /** Version exactly as written in the file name: `"002"`, `"20260121093000"`, `"1.2"`. */
  readonly version: string;
  /** Name part of the file name: `"add_users"` for `002_add_users.up.sql`. */
  readonly name: string;
  /** The up script; it may hold no statement (see `empty`). */
  readonly up: MigrationScript;
  /** The down script; `undefined` when there is none. An empty `sql` counts as none. */
  readonly down?: MigrationScript;
  /** `-- tide:no-transaction`: run the up outside a transaction, statement by statement. */
  readonly noTransaction: boolean;
  /**
   * Whether the down runs outside a transaction, by its own directive; unset: as the up
   * (formats with one setting for both). See {@linkcode noTransactionOf}.
   */
  readonly downNoTransaction?: boolean;
  /** Hex SHA-256 of the text of the file holding the up, BOM dropped and CRLF/CR turned to LF. */
  readonly checksum: string;
  /** The up holds no statement, only comments or whitespace: a valid no-op migration. */
  readonly empty?: true;
  /**
   * A Flyway repeatable migration (`R__<description>.sql`): no version of its own (its `version`
   * is `R__<description>`, see `isRepeatableVersion`), applied after the versioned ones and again
   * whenever its checksum changes; never rolled back.
   */
  readonly repeatable?: true;
  /**
   * What it does, in a line: from a leading `-- Description:` comment (`// Description:` in
   * TypeScript), else its first comment line. Recorded in the ledger, shown by `status` and
   * `history`.
   */
  readonly description?: string;
  /** Migrations of other modules that must be applied first. */
  readonly requires?: readonly Requirement[];
  /**
   * `typescript`: a TypeScript migration. Its up and down are the functions `up(ctx)` and
   * `down(ctx)` exported by the file at `up.path` (both scripts' `sql` is empty), imported only
   * when they run; its checksum is the file's text's. Its down cannot be stored in the ledger.
   */
  readonly code?: "typescript";
}

/** Checksum algorithm recorded beside every checksum, so a future change is never silent. */
export const CHECKSUM_ALGORITHM = "sha256-lf" as const;

/**
 * Whether `direction` of `migration` runs outside a transaction: each direction follows its own
 * directive (`downNoTransaction`, else the up's `noTransaction`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noTransactionOf } from "./migration.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "SELECT 1;", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: true, checksum: "c" };
 * assert.equal(noTransactionOf(migration, "down"), true);
 * assert.equal(noTransactionOf({ ...migration, downNoTransaction: false }, "down"), false);
 * ```
 */
export function noTransactionOf(migration: Migration, direction: "up" | "down"): boolean {
  return direction === "down"
    ? migration.downNoTransaction ?? migration.noTransaction
    : migration.noTransaction;
}

/**
 * The files of `migration` as results name them: `file` (its up) and `downFile` when its down
 * is a file of its own or a section of one; nothing for `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrationFiles } from "./migration.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "c" };
 * assert.deepEqual(migrationFiles(migration), { file: "001_a.up.sql" });
 * assert.deepEqual(migrationFiles(undefined), {});
 * ```
 */
export function migrationFiles(
  migration: Migration | undefined,
): { file?: string; downFile?: string } {
  if (migration === undefined) return {};
  const down = migration.down?.path;
  return { file: migration.up.path, ...(down === undefined ? {} : { downFile: down }) };
}
