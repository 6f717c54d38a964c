/**
 * psql's own commands in a migration: `\i`, `\set`, pg_dump's `\restrict`, the `\.` that ends
 * COPY data. They are not SQL: the server refuses them with a bare syntax error, so they are
 * refused when the file loads, with what to do instead.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { MigrationScript } from "./migration.ts";
import { positionAt } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";

/**
 * The `PSQL_COMMAND` problem at the first psql meta-command of `script` (a statement starting
 * with `\`, or a `\.` line: the end of COPY data from a dump), or `undefined` when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { psqlCommandProblem } from "./psql.ts";
 *
 * const script = { path: "001_a.up.sql", sql: "CREATE TABLE a ();\n\\i b.sql\n", line: 1, column: 1 };
 * const problem = psqlCommandProblem(script);
 * assert.equal(problem?.code, "PSQL_COMMAND");
 * assert.equal(problem?.line, 2);
 * assert.equal(psqlCommandProblem({ ...script, sql: "SELECT '\\i not a command';" }), undefined);
 * ```
 */
export function psqlCommandProblem(script: MigrationScript): MigrationError | undefined {
  if (!script.sql.includes("\\")) return undefined; // the common case, without splitting
  for (const statement of splitStatements(script.sql)) {
    const code = /^(?:\s+|--[^\n]*(?:\n|$))*/.exec(statement.text)?.[0].length ?? 0;
    const command = /^\\[A-Za-z!?]*/.exec(statement.text.slice(code))?.[0];
    if (command !== undefined && command !== "\\") {
      return refusal(script, statement.offset + code, metaCommand(command));
    }
    const copyEnd = /^\\\.[ \t]*$/m.exec(statement.text);
    if (copyEnd) return refusal(script, statement.offset + copyEnd.index, COPY_DATA);
  }
  return undefined;
}

function metaCommand(command: string): string {
  return `the psql meta-command "${command}" is not SQL: tide sends the file to the server, not ` +
    "to psql, and the server refuses it. Remove it (for \\i, put that file's SQL here or in a " +
    "migration of its own; a dump's \\restrict and \\unrestrict lines can simply go).";
}

const COPY_DATA = "this line ends COPY data, which only psql can send (COPY ... FROM stdin in a " +
  "dump). Write the rows as INSERT statements instead.";

function refusal(script: MigrationScript, offset: number, why: string): MigrationError {
  const { line, column } = positionAt(script.sql, offset, script);
  return new MigrationError(
    "PSQL_COMMAND",
    `Cannot read ${script.path}:${line}:${column}: ${why}`,
    {
      file: script.path,
      line,
      column,
    },
  );
}
