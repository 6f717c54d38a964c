/**
 * The one interface every other tool's tracking table is read through (a reader is one file
 * beside this one, like the drivers), and what a reader says about it: the migrations that tool
 * counts as applied, each named the way the tool names it.
 *
 * @module
 */
import type { Row } from "../../drivers/driver.ts";
import { MigrationError } from "../../errors.ts";
import type { Sql } from "../../sql/render.ts";

/**
 * The tools whose tracking tables `tide adopt --from` reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ADOPT_TOOLS } from "./source.ts";
 *
 * assert.ok(ADOPT_TOOLS.includes("golang-migrate"));
 * ```
 */
export const ADOPT_TOOLS = [
  "golang-migrate",
  "goose",
  "dbmate",
  "flyway",
  "sqlx",
  "diesel",
  "node-pg-migrate",
  "prisma",
  "sqitch",
  "popx",
] as const;

/** A tool `tide adopt --from` reads. */
export type AdoptTool = typeof ADOPT_TOOLS[number];

/**
 * One migration a tool counts as applied, as the tool names it. How it maps to a migration file:
 * - `version`: the file whose version is numerically equal (`1` is `001`); with `legacyPrefix`
 *   (popx), also every file whose version is longer than 14 digits and starts with it;
 * - `through`: every file up to and including `version` (golang-migrate keeps only its current
 *   version; Flyway's baseline); `fileRequired` when that version itself must have a file;
 * - `name`: the file whose name, `<version>_<name>` or folder is `name`, `_` and space alike
 *   (sqitch changes, Flyway repeatables: they have no version).
 */
export type AppliedRef =
  & {
    /** How the tool shows it, for messages: `3`, `20210316081837_init`, `users`. */
    label: string;
    /** When the tool applied it, when its table says. */
    appliedAt?: Date;
    /** The checksum the tool recorded for its file, in the form of `AdoptSource.checksumsOf`. */
    checksum?: string;
  }
  & (
    | { by: "version"; version: string; name?: string; legacyPrefix?: boolean }
    | { by: "through"; version: string; fileRequired: boolean }
    | { by: "name"; name: string }
  );

/** Options a reader may use. */
export interface ReadOptions {
  /** sqitch: the project whose changes count (`%project` of `sqitch.plan`). */
  project?: string;
}

/** Reads one tool's tracking table. */
export interface AdoptSource<R extends Row = Row> {
  /** The tool. */
  readonly tool: AdoptTool;
  /** Its table when `--from-table` is not given: unqualified names follow `search_path`. */
  readonly defaultTable: string;
  /** The tool's own way of naming another table, for messages and `--help`. */
  readonly tableOption: string;
  /** The relation to look up for a `--from-table` value (sqitch: `<registry>.changes`). */
  relation?(table: string): string;
  /** Columns its table must have. */
  readonly columns: readonly string[];
  /** The query reading its rows from `table` (quoted, schema-qualified); values cast to text. */
  select(table: Sql): Sql;
  /**
   * What the rows say is applied. Pure. Throws `ADOPT_DIRTY` for a dirty or failed migration
   * and `ADOPT_INCONSISTENT` for rows the tool would not have written, each with the way out.
   */
  interpret(rows: readonly R[], options: ReadOptions): AppliedRef[];
  /**
   * For a tool that keeps a checksum per file: those it accepts for a file's bytes, the one it
   * would record first (Prisma also takes the file with its line endings turned).
   */
  checksumsOf?(bytes: Uint8Array): string[];
}

/**
 * The `ADOPT_DIRTY` refusal: `tool`'s table shows `what`; `fix` says how to resolve it there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirty } from "./source.ts";
 *
 * const error = dirty("sqlx", "migration 2 failed", "Fix it, then run `sqlx migrate run`.");
 * assert.equal(error.code, "ADOPT_DIRTY");
 * assert.match(error.message, /^Cannot adopt from sqlx: its table shows migration 2 failed/);
 * ```
 */
export function dirty(tool: AdoptTool, what: string, fix: string): MigrationError {
  return new MigrationError(
    "ADOPT_DIRTY",
    `Cannot adopt from ${tool}: its table shows ${what}, so part of it may be in effect. ${fix} ` +
      "Then run `tide adopt` again; nothing was recorded.",
  );
}

/**
 * The `ADOPT_INCONSISTENT` refusal: `tool`'s table holds `what`, which the tool does not write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inconsistent } from "./source.ts";
 *
 * const error = inconsistent("dbmate", 'version "v1"', "Check --from-table.");
 * assert.equal(error.code, "ADOPT_INCONSISTENT");
 * ```
 */
export function inconsistent(tool: AdoptTool, what: string, fix: string): MigrationError {
  return new MigrationError(
    "ADOPT_INCONSISTENT",
    `Cannot adopt from ${tool}: its table holds ${what}, which ${tool} does not write. ${fix} ` +
      "Nothing was recorded.",
  );
}

/**
 * The reference of a migration a tool records by its file or folder name: by the number before
 * the first `_` when there is one, else by the whole name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedRef } from "./source.ts";
 *
 * assert.deepEqual(namedRef("20210316081837_init", null), {
 *   by: "version",
 *   version: "20210316081837",
 *   name: "init",
 *   label: "20210316081837_init",
 * });
 * assert.equal(namedRef("init", null).by, "name");
 * ```
 */
export function namedRef(name: string, appliedAt: Date | null): AppliedRef {
  const when = appliedAt ? { appliedAt } : {};
  const version = /^(\d+)_/.exec(name)?.[1];
  return version === undefined
    ? { by: "name", name, label: name, ...when }
    : { by: "version", version, name: name.slice(version.length + 1), label: name, ...when };
}
