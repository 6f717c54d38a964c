/**
 * The SQL verification runs once on its throwaway database before the first migration: roles,
 * extensions, the tracking table a runner creates before any migration (and migrations alter).
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { errorMessage, MigrationError, sqlStateOf } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { runScript } from "../engine/run_script.ts";
import { ADOPT_SOURCES } from "../engine/adopt/sources.ts";

/** SQL run once before the first migration, and the file it comes from. */
export interface VerifySetup {
  /** The file, for messages. */
  path: string;
  /** Its SQL; `{{schema}}` templates are rendered. */
  sql: string;
}

/**
 * Runs the setup statement by statement, as a `no-transaction` up; a failure throws a
 * `MigrationError` naming the setup file, line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { runSetup } from "./setup.ts";
 *
 * await using db = await createPgliteDriver();
 * await runSetup(db, { path: "db/setup.sql", sql: "create table runner_log (id int);" });
 * assert.equal((await db.query("select * from runner_log")).length, 0);
 * await assert.rejects(runSetup(db, { path: "db/setup.sql", sql: "select nope;" }), /db\/setup\.sql:1:8/);
 * ```
 */
export async function runSetup(db: Driver, setup: VerifySetup, schema?: string): Promise<void> {
  const script = { path: setup.path, sql: setup.sql, line: 1, column: 1 };
  const migration: Migration = {
    version: "setup",
    name: "setup",
    up: script,
    noTransaction: true,
    checksum: "",
  };
  try {
    await runScript(db, migration, "up", { schema });
  } catch (error) {
    const reason = errorMessage(error).replace(/^Cannot apply /, "");
    const at = error instanceof MigrationError ? error : undefined;
    throw new MigrationError(
      at?.code ?? "SQL_ERROR",
      `Running the verify setup before the first migration failed: ${reason} Fix ${setup.path}, ` +
        "or leave --setup (verify.setup) out.",
      { file: at?.file ?? setup.path, line: at?.line, column: at?.column, cause: error },
    );
  }
}

/**
 * What to do when an up failed on a missing relation that is another tool's tracking table
 * (Lemmy's migrations alter Diesel's): that tool creates it before the first migration, so the
 * verification needs it from a setup file. `undefined` for any other failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqlError } from "../errors.ts";
 * import { runnerTableHint } from "./setup.ts";
 *
 * const missing = new SqlError('relation "__diesel_schema_migrations" does not exist', { sqlState: "42P01" });
 * assert.match(runnerTableHint(missing) ?? "", /diesel's tracking table.*--setup/);
 * assert.equal(runnerTableHint(new SqlError('relation "users" does not exist', { sqlState: "42P01" })), undefined);
 * ```
 */
export function runnerTableHint(error: unknown): string | undefined {
  if (sqlStateOf(error) !== "42P01") return undefined;
  const name = /relation "([^"]+)" does not exist/.exec(errorMessage(error))?.[1];
  const table = name?.split(".").at(-1);
  const tools = Object.values(ADOPT_SOURCES).filter((source) => source.defaultTable === table)
    .map((source) => source.tool);
  if (tools.length === 0) return undefined;
  return `${name} is ${tools.join(" and ")}'s tracking table, which the tool creates before the ` +
    "first migration: create it in a --setup file (config verify.setup) to verify these " +
    "migrations as they run there.";
}
