/**
 * Loading a migrations directory (or a set of files from elsewhere, such as a git revision)
 * into sorted {@linkcode Migration}s, in the format of the tool that wrote them (see
 * `formats/`). Every problem is found before any database is touched, and all of them are
 * reported at once.
 *
 * @module
 */
import { MigrationError, MigrationSourceError } from "../errors.ts";
import { checkStatements } from "./checks.ts";
import { withoutOuterTransactions } from "./outer_transaction.ts";
import { describeSql } from "./description.ts";
import { DEFAULT_FORMAT } from "./defaults.ts";
import type { Migration } from "./migration.ts";
import { detectFormat } from "./formats/detect.ts";
import type { FormatChoice, FormatOptions, MigrationFormat } from "./formats/format.ts";
import { formatByName } from "./formats/registry.ts";
import { type FileBytes, readTree, type SourceTree, treeFromBytes } from "./formats/tree.ts";
import { type UnreadFile, unreadFiles } from "./unread.ts";

export { DEFAULT_FORMAT, DEFAULT_MIGRATIONS_DIR } from "./defaults.ts";

/** A file to read as a migration: its path and its bytes. */
export type MigrationFileInput = FileBytes;

/** Options of {@linkcode loadMigrations} and {@linkcode parseMigrationFiles}. */
export interface LoadOptions extends FormatOptions {
  /** The format, or `auto` (the default): the one format the files fit. */
  format?: FormatChoice | string;
  /** Told of each file that looks like a migration but is not read (see `unreadFiles`). */
  onUnread?: (file: UnreadFile) => void;
}

export type { UnreadFile };

/**
 * Reads the migrations of `dir`, in order, in `options.format` (detected when `auto`). Throws
 * `MigrationError` `MISSING_DIRECTORY` when `dir` does not exist, `AMBIGUOUS_FORMAT` when the
 * files fit several formats and none reads them all, and a {@linkcode MigrationSourceError}
 * listing every problem in the files, including the statements tide cannot run
 * (`checkStatements()`: client-side `COPY`, transaction control in a transactional migration).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMigrations } from "./load.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "CREATE TABLE users (id int);\n");
 * await Deno.writeTextFile(`${dir}/001_users.down.sql`, "DROP TABLE users;\n");
 * await Deno.writeTextFile(`${dir}/_notes.sql`, "-- skipped: starts with _\n");
 *
 * const [users, ...rest] = await loadMigrations(dir);
 * assert.deepEqual([users.version, users.name, rest.length], ["001", "users", 0]);
 * assert.equal(users.down?.sql, "DROP TABLE users;\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function loadMigrations(dir: string, options: LoadOptions = {}): Promise<Migration[]> {
  // The work is synchronous; the promise keeps room for async sources without an API change.
  return new Promise((resolve) => resolve(readMigrations(readTree(dir), options)));
}

/**
 * Parses migration files given as bytes (from disk, or from a git revision as the GitHub Action
 * does) like {@linkcode loadMigrations}. `dir` is the migrations directory the paths start with
 * (their deepest common folder when unset); give every file under it, sub-folders and non-SQL
 * files included (`sqitch.plan`, `metadata.toml`, `*.conf`), as formats need them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "./load.ts";
 *
 * const bytes = new TextEncoder().encode("CREATE TABLE t ();\n");
 * const [migration] = await parseMigrationFiles([{ path: "db/001_t.up.sql", bytes }]);
 * assert.equal(migration.version, "001");
 * assert.equal(migration.up.path, "db/001_t.up.sql");
 * assert.equal(migration.down, undefined);
 * ```
 */
export function parseMigrationFiles(
  files: readonly MigrationFileInput[],
  options: LoadOptions & { dir?: string } = {},
): Promise<Migration[]> {
  return new Promise((resolve) =>
    resolve(readMigrations(treeFromBytes(options.dir, files), options))
  );
}

/**
 * The format `options` asks for in `tree`: the named one, `pattern` when only a pattern is
 * given, else the detected one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveFormat } from "./load.ts";
 * import { treeFromBytes } from "./formats/tree.ts";
 *
 * const tree = treeFromBytes("db", []);
 * assert.equal(resolveFormat(tree, { pattern: "(?<version>\\d+)\\.sql" }).name, "pattern");
 * assert.equal(resolveFormat(tree, {}).name, "tide");
 * ```
 */
export function resolveFormat(tree: SourceTree, options: LoadOptions): MigrationFormat {
  const choice = options.format ?? DEFAULT_FORMAT;
  if (choice !== "auto") return formatByName(choice);
  if (options.pattern !== undefined && options.pattern !== "") return formatByName("pattern");
  return detectFormat(tree);
}

/**
 * Reads the migrations of a tree already listed (`readTree`, `treeFromBytes`), like
 * {@linkcode loadMigrations}: for the CLI's cache, which stats a tree's files before reading
 * them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readMigrationTree } from "./load.ts";
 * import { treeFromBytes } from "./formats/tree.ts";
 *
 * const bytes = new TextEncoder().encode("CREATE TABLE t ();\n");
 * const tree = treeFromBytes("db", [{ path: "db/001_t.up.sql", bytes }]);
 * assert.deepEqual(readMigrationTree(tree).map((m) => m.name), ["t"]);
 * ```
 */
export function readMigrationTree(tree: SourceTree, options: LoadOptions = {}): Migration[] {
  return readMigrations(tree, options);
}

function readMigrations(tree: SourceTree, options: LoadOptions): Migration[] {
  const format = resolveFormat(tree, options);
  const migrations = format.read(tree, options).map(withoutOuterTransactions);
  // Whatever the format, statements tide cannot run are refused before a database is touched.
  const problems = checkStatements(migrations);
  if (problems.length > 0) {
    const detected = (options.format ?? DEFAULT_FORMAT) === "auto" && format.name === "tide";
    throw new MigrationSourceError(detected ? withFormatHint(tree, options, problems) : problems);
  }
  if (options.onUnread) {
    for (const file of unreadFiles(tree, format, migrations)) options.onUnread(file);
  }
  return migrations.map(withDescription);
}

/**
 * `problems` of a directory read as tide's because its files fit: when they are all transaction
 * control that golang-migrate's reading accepts (each file one script, its BEGIN and COMMIT its
 * own), the first says so, since golang-migrate is likely what runs them.
 */
function withFormatHint(
  tree: SourceTree,
  options: LoadOptions,
  problems: MigrationError[],
): MigrationError[] {
  if (!problems.every((problem) => problem.code === "TRANSACTION_CONTROL")) return problems;
  try {
    const golang = formatByName("golang-migrate").read(tree, options).map(withoutOuterTransactions);
    if (checkStatements(golang).length > 0) return problems;
  } catch {
    return problems;
  }
  const [first, ...rest] = problems;
  const hint = " If golang-migrate runs these files, pass --format golang-migrate (config " +
    '"format"): it sends each file as one script, its BEGIN and COMMIT included, and tide then ' +
    "reads them that way.";
  return [new MigrationError(first.code, first.message + hint, first), ...rest];
}

/** Every format's migrations get a description from the comments at the top of their up. */
function withDescription(migration: Migration): Migration {
  if (migration.description !== undefined || migration.code !== undefined) return migration;
  const description = describeSql(migration.up.sql);
  return description === undefined ? migration : { ...migration, description };
}

/** A module and the directory of its migrations. */
export interface ModuleDir {
  /** The module, as `--module` names it. */
  module: string;
  /** Its migrations directory. */
  dir: string;
}

/**
 * The migrations of each module in `dirs`, read with `load`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModules } from "./load.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * const [auth] = await loadModules([{ module: "auth", dir }]);
 * assert.deepEqual([auth.module, auth.migrations.length], ["auth", 1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModules(
  dirs: readonly ModuleDir[],
  load?: LoadOptions,
): Promise<{ module: string; migrations: Migration[] }[]> {
  return await Promise.all(
    dirs.map(async ({ module, dir }) => ({ module, migrations: await loadMigrations(dir, load) })),
  );
}
