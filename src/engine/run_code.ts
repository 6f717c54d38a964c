/**
 * Running a TypeScript migration: its file is imported (a dynamic `import()` of its file URL,
 * only now, never when loading) and its `up(ctx)` or `down(ctx)` is called with a
 * {@linkcode MigrationContext} bound to the connection it runs on: the migration's transaction,
 * or the session itself for `export const transaction = false`.
 *
 * Over 300 lines: the `ctx` a TypeScript migration gets (the `sql` template, table names, logging)
 * and the mapping of its errors belong together.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Queryable, Row } from "../drivers/driver.ts";
import { errorMessage, MigrationError, ScriptError, SqlError } from "../errors.ts";
import { checksumText } from "../files/checksum.ts";
import { readCodeExports } from "../files/code_file.ts";
import type { Migration } from "../files/migration.ts";
import { requirementText } from "../files/requires.ts";
import { identifier, ServerValue, Sql } from "../sql/render.ts";
import { describeServerError } from "./server_error.ts";

/** A quoted name for {@linkcode MigrationContext.sql}: spliced in as SQL; its text as a string. */
export class SqlName extends Sql {
  /** The quoted name, e.g. `"public"."users"`. */
  readonly text: string;

  /** The name `text` (quoted, trusted SQL). */
  constructor(text: string) {
    super([text], []);
    this.text = text;
  }

  /** The quoted name, for SQL built as text (`ctx.db.exec`). */
  override toString(): string {
    return this.text;
  }
}

/**
 * The `sql` tagged template: each `${value}` is a parameter (`$1`, `$2`...) sent apart from the
 * text, never pasted into it; a {@linkcode SqlName} (from `ctx.table()`) is spliced in as a name.
 * Runs one statement and resolves to its rows.
 */
export type SqlTag = <T extends Row = Row>(
  strings: TemplateStringsArray,
  ...values: readonly unknown[]
) => Promise<T[]>;

/** What a TypeScript migration's `up(ctx)` and `down(ctx)` get. */
export interface MigrationContext {
  /**
   * Runs one statement on the migration's transaction (or session, with `transaction = false`),
   * values as parameters: ``await ctx.sql`INSERT INTO t VALUES (${x})` ``.
   */
  readonly sql: SqlTag;
  /** The same connection as a driver: `exec` (several statements, no parameters) and `query`. */
  readonly db: Queryable;
  /** The schema of `{{schema}}` templates (`--schema`, default `public`), unquoted. */
  readonly schema: string;
  /**
   * Table `name` in `schema`, quoted as `{{tables.name}}` is: `"public"."users"`. In `sql` it is
   * spliced in as a name; as a string it is the quoted text.
   */
  table(name: string): SqlName;
  /** Logs a line: the CLI prints it under the migration's progress line. */
  log(...parts: readonly unknown[]): void;
  /** Which migration runs, and which way. */
  readonly migration: {
    readonly version: string;
    readonly name: string;
    /** Its file, as loaded. */
    readonly file: string;
    readonly direction: "up" | "down";
  };
}

/** A statement a TypeScript migration ran, for `--verbose`. */
export interface StatementEvent {
  /** The SQL text sent (parameters are not shown: they may hold secrets). */
  sql: string;
  /** How long it took. */
  durationMs: number;
}

/** Options of {@linkcode runCode}. */
export interface RunCodeOptions {
  /** Schema for `ctx.schema` and `ctx.table()`; `ctx.table()` is unqualified when unset. */
  schema?: string;
  /** Called after each statement completes. */
  onStatement?: (event: StatementEvent) => void;
  /** Where `ctx.log` goes; dropped when unset. */
  log?: (line: string) => void;
}

/** What a run of a TypeScript migration did. */
export interface CodeRun {
  /** Statements that completed through `ctx`. */
  statements: number;
}

/** The functions tide calls in a TypeScript migration's module. */
type CodeFunction = (ctx: MigrationContext) => unknown;

/**
 * Imports `migration`'s file and calls its `up` or `down` with a context on `db`. Throws
 * `INVALID_CODE_MIGRATION` when the file cannot be imported or its exports are not what its
 * text said when loaded, `NO_DOWN` without `down`, a {@linkcode ScriptError} (`SQL_ERROR`,
 * located at the `ctx.sql` call) when the server refused a statement, and
 * `CODE_MIGRATION_FAILED` when the function threw anything else. Opens no transaction.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { loadMigrations } from "../files/load.ts";
 * import { runCode } from "./run_code.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/001_seed.ts`,
 *   "export async function up(ctx) {\n" +
 *     "  await ctx.sql`CREATE TABLE ${ctx.table('users')} (name text)`;\n" +
 *     "  await ctx.sql`INSERT INTO ${ctx.table('users')} VALUES (${\"it's\"})`;\n}\n",
 * );
 * const [migration] = await loadMigrations(dir);
 * await using db = await connect("memory://");
 * const run = await db.transaction((tx) => runCode(tx, migration, "up", { schema: "public" }));
 * assert.equal(run.statements, 2);
 * assert.deepEqual(await db.query("SELECT name FROM users"), [{ name: "it's" }]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runCode(
  db: Queryable,
  migration: Migration,
  direction: "up" | "down",
  options: RunCodeOptions = {},
): Promise<CodeRun> {
  const module = await importCode(migration);
  const fn = module[direction];
  if (typeof fn !== "function") throw noDown(migration);
  const tracker = new Tracker(migration, db, options);
  try {
    await (fn as CodeFunction)(tracker.context(direction));
  } catch (error) {
    throw tracker.failure(error, direction);
  }
  return { statements: tracker.done };
}

/** The context of one run, and what it saw: statements done, where a failing one was sent. */
class Tracker {
  done = 0;
  readonly #migration: Migration;
  readonly #db: Queryable;
  readonly #options: RunCodeOptions;
  readonly #at = new WeakMap<object, string>();

  constructor(migration: Migration, db: Queryable, options: RunCodeOptions) {
    this.#migration = migration;
    this.#db = db;
    this.#options = options;
  }

  context(direction: "up" | "down"): MigrationContext {
    const { schema } = this.#options;
    const db: Queryable = {
      exec: (text) => this.#run(text, () => this.#db.exec(text)),
      query: <T extends Row = Row>(text: string, params?: readonly unknown[]) =>
        this.#run(text, () => this.#db.query<T>(text, params)),
    };
    const m = this.#migration;
    return {
      sql: <T extends Row = Row>(strings: TemplateStringsArray, ...values: readonly unknown[]) => {
        const { text, params } = render(strings, values);
        return this.#run(text, () => this.#db.query<T>(text, params));
      },
      db,
      schema: schema ?? "public",
      table: (name) => tableName(name, schema, m.up.path),
      log: (...parts) => this.#options.log?.(parts.map(logText).join(" ")),
      migration: { version: m.version, name: m.name, file: m.up.path, direction },
    };
  }

  /** Runs one statement: counted, timed, and its call site kept should it fail. */
  async #run<T>(text: string, send: () => Promise<T>): Promise<T> {
    const site = callSite(new Error().stack ?? "", this.#migration.up.path);
    const started = performance.now();
    try {
      const result = await send();
      this.done++;
      this.#options.onStatement?.({ sql: text, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      if (error instanceof Error && site !== undefined) this.#at.set(error, site);
      throw error;
    }
  }

  /** The error to throw for what `up` or `down` threw. */
  failure(error: unknown, direction: "up" | "down"): unknown {
    const m = this.#migration;
    const verb = direction === "up" ? "Cannot apply" : "Cannot roll back";
    const site = error instanceof Error
      ? this.#at.get(error) ?? callSite(error.stack ?? "", m.up.path)
      : undefined;
    const [line, column] = (site ?? "1:1").split(":").map(Number);
    const where = site === undefined ? m.up.path : `${m.up.path}:${site}`;
    const located = { version: m.version, file: m.up.path, line, column, cause: error };
    if (error instanceof SqlError) {
      return new ScriptError("SQL_ERROR", `${verb} ${where}: ${describeServerError(error)}`, {
        error: located,
        statementsDone: this.done,
        statementCount: this.done + 1,
      });
    }
    if (error instanceof MigrationError) return error;
    const done = this.done === 0 ? "" : ` after ${this.done} statement(s) completed`;
    return new MigrationError(
      "CODE_MIGRATION_FAILED",
      `${verb} ${where}: ${direction}() threw${done}: ${errorMessage(error)}`,
      located,
    );
  }
}

/** `strings` and `values` as one statement with `$n` parameters. */
function render(
  strings: TemplateStringsArray,
  values: readonly unknown[],
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const splice = (sql: Sql): string =>
    sql.strings.reduce((text, piece, i) => {
      if (i === 0) return piece;
      const value = sql.values[i - 1];
      return text + (value instanceof ServerValue ? value.sql : param(value)) + piece;
    });
  const param = (value: unknown): string => {
    if (value === undefined) {
      throw new TypeError(
        `ctx.sql got undefined for parameter ${params.length + 1}: pass null for SQL NULL.`,
      );
    }
    params.push(value);
    return `$${params.length}`;
  };
  let text = strings[0];
  values.forEach((value, i) => {
    text += (value instanceof Sql ? splice(value) : param(value)) + strings[i + 1];
  });
  return { text, params };
}

/** The quoted name of table `name` in `schema`, checked as `{{tables.x}}` is. */
function tableName(name: string, schema: string | undefined, path: string): SqlName {
  for (const part of schema === undefined ? [name] : [schema, name]) {
    const bytes = new TextEncoder().encode(part).length;
    if (part !== "" && !part.includes("\0") && bytes <= 63) continue;
    throw new MigrationError(
      "INVALID_IDENTIFIER",
      `Cannot use ${JSON.stringify(part)} as a name in ${path}: PostgreSQL cannot hold it ` +
        "(it is empty, holds a NUL character or is longer than 63 bytes).",
      { file: path },
    );
  }
  const quoted = schema === undefined ? identifier(name) : identifier(schema, name);
  return new SqlName(quoted.strings[0]);
}

function logText(part: unknown): string {
  return typeof part === "string" ? part : Deno.inspect(part, { depth: 4 });
}

/** `line:column` of the innermost frame of `stack` in the file at `path`, if any. */
function callSite(stack: string, path: string): string | undefined {
  const url = pathToFileURL(resolve(path)).href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${url}(?:\\?[^:\\s)]*)?:(\\d+):(\\d+)`).exec(stack)?.slice(1).join(":");
}

/** Modules imported, by file URL and checksum: an edited file is imported anew. */
const imported = new Map<string, Promise<Record<string, unknown>>>();

/**
 * The module of `migration`'s file, imported once per checksum, after checking that the file
 * still has the text it was loaded with and that its exports are what that text said.
 */
async function importCode(migration: Migration): Promise<Record<string, unknown>> {
  const path = migration.up.path;
  const url = pathToFileURL(resolve(path)).href;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw cannotImport(migration, error);
  }
  if (checksumText(text) !== migration.checksum) {
    throw new MigrationError(
      "INVALID_CODE_MIGRATION",
      `Cannot run ${path}: it changed since tide loaded it. Run the command again.`,
      { version: migration.version, file: path },
    );
  }
  const key = `${url}?checksum=${migration.checksum.slice(0, 16)}`;
  let loading = imported.get(key);
  if (loading === undefined) {
    loading = import(key) as Promise<Record<string, unknown>>;
    imported.set(key, loading);
  }
  let module: Record<string, unknown>;
  try {
    module = await loading;
  } catch (error) {
    imported.delete(key);
    throw cannotImport(migration, error);
  }
  checkExports(migration, module, text);
  return module;
}

/** The exports tide read from the text must be what the module has. */
function checkExports(migration: Migration, module: Record<string, unknown>, text: string): void {
  const read = readCodeExports(text, migration.up.path);
  const requires = Array.isArray(module.requires) ? module.requires.map(String) : [];
  const problems = [
    typeof module.up !== "function" ? "up is not a function" : "",
    read.down !== (typeof module.down === "function") ? "down is not what the text says" : "",
    (module.transaction === false) !== migration.noTransaction
      ? "transaction is not the literal the text holds"
      : "",
    requires.join() !== (migration.requires ?? []).map(requirementText).join()
      ? "requires is not the literal the text holds"
      : "",
  ].filter((problem) => problem !== "");
  if (problems.length === 0) return;
  throw new MigrationError(
    "INVALID_CODE_MIGRATION",
    `Cannot run ${migration.up.path}: ${problems.join("; ")}. tide reads these exports from the ` +
      "file's text without running it: export up and down as functions, and write " +
      '`export const transaction = false` and `export const requires = ["module:version"]` ' +
      "as literals.",
    { version: migration.version, file: migration.up.path },
  );
}

function cannotImport(migration: Migration, error: unknown): MigrationError {
  const path = migration.up.path;
  const gone = error instanceof Deno.errors.NotFound;
  return new MigrationError(
    "INVALID_CODE_MIGRATION",
    gone
      ? `Cannot run ${path}: the file is gone. Restore it: a TypeScript migration runs from its ` +
        "file, and its down cannot be stored in the tracking table."
      : `Cannot import ${path}: ${errorMessage(error)} Importing a TypeScript migration needs ` +
        "--allow-read of it (tide's task grants read, write, env, net and sys); what it imports " +
        "may need more (--allow-net for another database's client).",
    { version: migration.version, file: path, cause: error },
  );
}

function noDown(migration: Migration): MigrationError {
  return new MigrationError(
    "NO_DOWN",
    `Cannot roll back ${migration.version} ${migration.name}: ${migration.up.path} exports no ` +
      "down function. Export `async function down(ctx: MigrationContext)` that undoes up().",
    { version: migration.version, file: migration.up.path },
  );
}
