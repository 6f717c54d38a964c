/**
 * What the format readers share: building scripts and migrations, gathering every problem of a
 * directory before failing, and the checks every format makes (one migration per version).
 *
 * @module
 */
import { checksumText } from "../checksum.ts";
import { MigrationError, type MigrationErrorCode, MigrationSourceError } from "../../errors.ts";
import type { Migration, MigrationScript } from "../migration.ts";
import { isBlankSql } from "../parse.ts";
import { withOwnTransactions } from "../outer_transaction.ts";
import { positionAt } from "../../sql/position.ts";
import type { ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";
import { canonicalVersion, compareVersions } from "../version.ts";

/**
 * The script of `text.slice(start, end)` in the file at `path`, for another tool's format: its
 * SQL is final (no tide templates).
 */
export function foreignScript(
  path: string,
  text: string,
  start = 0,
  end: number = text.length,
  sql: string = text.slice(start, end),
): MigrationScript {
  const { line, column } = positionAt(text, start);
  return { path, sql, line, column, templates: false };
}

/** What a format found for one migration. */
export interface MigrationParts {
  /** Version as written (or as the tool derives it). */
  version: string;
  /** Name as written. */
  name: string;
  /** The up script. */
  up: MigrationScript;
  /** The down script; dropped when it holds no statement. */
  down?: MigrationScript;
  /** The up runs outside a transaction. */
  noTransaction: boolean;
  /** The down runs outside a transaction, when the format sets it apart from the up. */
  downNoTransaction?: boolean;
  /** The text the checksum is taken over: the file(s) holding the up. */
  checksumOf: string;
  /** A Flyway repeatable. */
  repeatable?: boolean;
}

/**
 * A migration from its parts: a down with no statement counts as none, an up with none is
 * marked `empty`; the scripts' own transaction statements are taken as
 * `withOwnTransactions()` says.
 */
export function toMigration(parts: MigrationParts): Migration {
  return withOwnTransactions(migrationOf(parts));
}

function migrationOf(parts: MigrationParts): Migration {
  const down = parts.down !== undefined && !isBlankSql(parts.down.sql) ? parts.down : undefined;
  return {
    version: parts.version,
    name: parts.name,
    up: parts.up,
    ...(down === undefined ? {} : { down }),
    noTransaction: parts.noTransaction,
    ...(parts.downNoTransaction === undefined
      ? {}
      : { downNoTransaction: parts.downNoTransaction }),
    checksum: checksumText(parts.checksumOf),
    ...(isBlankSql(parts.up.sql) ? { empty: true as const } : {}),
    ...(parts.repeatable ? { repeatable: true as const } : {}),
  };
}

/**
 * What a scaffold writes where the `direction` SQL goes: the content given (ending in a newline),
 * else `template`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaffoldSql } from "./common.ts";
 *
 * const input = { content: { up: "create table t ()" } };
 * assert.equal(scaffoldSql(input, "up", "-- Write it here\n"), "create table t ()\n");
 * assert.equal(scaffoldSql(input, "down", "-- Undo it\n"), "-- Undo it\n");
 * ```
 */
export function scaffoldSql(
  input: Pick<ScaffoldInput, "content">,
  direction: "up" | "down",
  template: string,
): string {
  const given = input.content?.[direction];
  if (given === undefined) return template;
  return given === "" || given.endsWith("\n") ? given : `${given}\n`;
}

/** Refuses a down given for a format with no place for one; `why` says what it has instead. */
export function refuseDown(input: Pick<ScaffoldInput, "content">, why: string): void {
  if (input.content?.down === undefined) return;
  throw new MigrationError(
    "NO_DOWN",
    `Cannot write the down of a new migration: ${why}. Leave out \`down\`, or use a format with ` +
      "downs (--format).",
  );
}

/** Gathers the problems of a directory, so all are reported at once. */
export class Problems {
  readonly #list: MigrationError[] = [];

  /** Runs `fn`; a `MigrationError` it throws is kept, and `undefined` returned. */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      if (error instanceof MigrationSourceError) this.#list.push(...error.problems);
      else this.#list.push(error);
      return undefined;
    }
  }

  /** Keeps `problem`. */
  add(problem: MigrationError): void {
    this.#list.push(problem);
  }

  /** Whether any problem was kept. */
  get any(): boolean {
    return this.#list.length > 0;
  }

  /** Throws every kept problem as one `MigrationSourceError`, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw new MigrationSourceError(this.#list);
  }
}

/** A `MigrationError` located at `offset` of `text`, in the file at `path`. */
export function problemAt(
  code: MigrationErrorCode,
  text: string,
  path: string,
  offset: number,
  why: string,
): MigrationError {
  const { line, column } = positionAt(text, offset);
  return new MigrationError(code, `Cannot read ${path}:${line}:${column}: ${why}`, {
    file: path,
    line,
    column,
  });
}

/** A `MigrationError` about the file at `path` as a whole. */
export function fileProblem(code: MigrationErrorCode, path: string, why: string): MigrationError {
  return new MigrationError(code, `Cannot read ${path}: ${why}`, { file: path });
}

/**
 * Sorts `migrations` by version and reports two with equal versions (`DUPLICATE_VERSION`) to
 * `problems`, keeping the first.
 */
export function sortedUnique(
  migrations: readonly Migration[],
  problems: Problems,
  fix = "Give one of them another version.",
): Migration[] {
  const byVersion = new Map<string, Migration>();
  for (const migration of migrations) {
    const key = canonicalVersion(migration.version);
    const earlier = byVersion.get(key);
    if (earlier === undefined) {
      byVersion.set(key, migration);
      continue;
    }
    const [a, b] = [earlier.version, migration.version];
    const versions = a === b
      ? `both have version ${a}`
      : `have the same version (${a} and ${b} are equal as numbers)`;
    problems.add(
      new MigrationError(
        "DUPLICATE_VERSION",
        `Cannot load migrations: ${earlier.up.path} and ${migration.up.path} ${versions}. ${fix}`,
        { file: migration.up.path, version: b },
      ),
    );
  }
  return [...byVersion.values()].sort((a, b) => compareVersions(a.version, b.version));
}

/** The text after the first `_` of a file stem, or the stem when there is none. */
export function afterUnderscore(stem: string): string {
  const at = stem.indexOf("_");
  return at === -1 ? stem : stem.slice(at + 1);
}

/**
 * A `YYYYMMDDHHMMSS` UTC timestamp for a new migration, later than every version in `versions`
 * (compared as numbers), as timestamp-naming tools write them.
 */
export function timestampAfter(versions: readonly string[], now: Date): string {
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const newest = versions.filter((v) => /^\d+$/.test(v)).map(BigInt)
    .reduce((a, b) => (a > b ? a : b), 0n);
  return BigInt(stamp) > newest ? stamp : (newest + 1n).toString();
}

/** The line break and offset after the line holding `offset`. */
export function nextLine(text: string, offset: number): number {
  const end = text.indexOf("\n", offset);
  return end === -1 ? text.length : end + 1;
}

/**
 * Up-only migrations, one per file of `files` whose path under the tree matches `pattern`
 * (groups 1 and 2: version and name), each run in a transaction; sorted, duplicates refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readUpOnly } from "./common.ts";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const tree = treeFromBytes("db", [{ path: "db/2_b.sql", bytes: new TextEncoder().encode("select 1;") }]);
 * const [m] = readUpOnly(tree, tree.topLevel(), /^(\d+)_(.+)\.sql$/);
 * assert.deepEqual([m.version, m.name, m.down], ["2", "b", undefined]);
 * ```
 */
export function readUpOnly(
  tree: SourceTree,
  files: readonly SourceFile[],
  pattern: RegExp,
): Migration[] {
  const problems = new Problems();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = pattern.exec(file.rel);
    if (match === null) continue;
    const m = problems.attempt(() => {
      const text = tree.text(file);
      return toMigration({
        version: match[1],
        name: match[2],
        up: foreignScript(file.path, text),
        noTransaction: false,
        checksumOf: text,
      });
    });
    if (m) migrations.push(m);
  }
  const sorted = sortedUnique(migrations, problems);
  problems.throwIfAny();
  return sorted;
}
