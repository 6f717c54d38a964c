/**
 * Checks of the statements in loaded migrations: what tide cannot run as the files ask is
 * refused at load time, naming file:line:column, before any database is touched.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import { type Migration, type MigrationScript, noTransactionOf } from "./migration.ts";
import { classifyStatement, type StatementClass } from "../sql/classify.ts";
import { CLIENT_COPY_ADVICE } from "../sql/client_copy.ts";
import { positionAt } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";
import { psqlCommandProblem } from "./psql.ts";

/** Words a refused statement starts with; a script holding none of them is not split. */
const MAYBE_REFUSED = /\b(?:copy|begin|start|commit|end|rollback|abort|prepare)\b/i;

/**
 * The problems of the statements in `migrations`, in order: `PSQL_COMMAND` for psql's own
 * commands (`\i`, a dump's `\.`), `UNSUPPORTED_COPY` for
 * `COPY ... FROM STDIN` and `COPY ... TO STDOUT` (tide has no data stream to feed or read), and
 * `TRANSACTION_CONTROL` for `BEGIN`, `COMMIT`, `ROLLBACK` and the like in a migration that runs
 * in tide's transaction. Savepoints are allowed: they keep the transaction around them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkStatements } from "./checks.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE TABLE a (id int);\nCOPY a FROM stdin;\n", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "c" };
 * const [problem] = checkStatements([migration]);
 * assert.equal(problem.code, "UNSUPPORTED_COPY");
 * assert.equal(problem.line, 2);
 * ```
 */
export function checkStatements(migrations: readonly Migration[]): MigrationError[] {
  const problems: MigrationError[] = [];
  for (const migration of migrations) {
    for (const direction of ["up", "down"] as const) {
      const script = direction === "up" ? migration.up : migration.down;
      if (script === undefined) continue;
      const psql = psqlCommandProblem(script);
      if (psql !== undefined) problems.push(psql);
      if (!MAYBE_REFUSED.test(script.sql)) continue;
      const inTransaction = !noTransactionOf(migration, direction);
      for (const statement of splitStatements(script.sql)) {
        const found = classifyStatement(statement.text);
        const at = statement.offset + found.offset;
        const problem = refusal(migration, script, found, at, inTransaction);
        if (problem !== undefined) problems.push(problem);
      }
    }
  }
  return problems;
}

function refusal(
  migration: Migration,
  script: MigrationScript,
  found: StatementClass,
  offset: number,
  inTransaction: boolean,
): MigrationError | undefined {
  const refused = found.kind === "copy-from-stdin" || found.kind === "copy-to-stdout"
    ? { code: "UNSUPPORTED_COPY" as const, why: CLIENT_COPY_ADVICE[found.kind] }
    : found.kind === "transaction-control" && inTransaction
    ? { code: "TRANSACTION_CONTROL" as const, why: transactionControl(found.command) }
    : undefined;
  if (refused === undefined) return undefined;
  const { line, column } = positionAt(script.sql, offset, script);
  return new MigrationError(
    refused.code,
    `Cannot load ${script.path}:${line}:${column}: ${refused.why}`,
    { version: migration.version, file: script.path, line, column },
  );
}

function transactionControl(command: string): string {
  return `${command} controls the transaction, but tide runs this migration in one ` +
    "transaction together with its tracking row: a COMMIT there would commit part of the " +
    "migration without its record, a ROLLBACK would undo it while tide records it as applied. " +
    "Remove it (tide begins and commits each migration itself), or put " +
    "`-- tide:no-transaction` at the top of the file to run each statement on its own, outside " +
    "a transaction. SAVEPOINT, RELEASE and ROLLBACK TO SAVEPOINT are allowed.";
}
