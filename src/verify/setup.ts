/**
 * The SQL verification runs once on its throwaway database before the first migration: roles,
 * extensions, the tracking table a runner creates before any migration (and migrations alter).
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { runScript } from "../engine/run_script.ts";

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
