/**
 * Running one direction of a migration: render templates, send the SQL, and turn a server error
 * into a `MigrationError` pointing at the file, line and column of the fault.
 *
 * @module
 */

import type { Queryable } from "../drivers/driver.ts";
import { errorMessage, MigrationError, ScriptError, SqlError } from "../errors.ts";
import type { Migration, MigrationScript } from "../files/migration.ts";
import { offsetOfServerPosition, positionAt, type TextPosition } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";
import { type RenderedSql, renderScript, type TemplateOptions } from "../files/templates.ts";
import { BARE, type Envelope, type SentSql } from "./transaction_envelope.ts";

export { type RenderedSql, renderScript, type TemplateOptions };

/** Options of {@linkcode runScript}. */
export interface RunScriptOptions {
  /** Schema for `{{schema}}` and `{{tables.x}}` templates; unqualified (`public`) when unset. */
  schema?: string;
  /**
   * What a script sent whole (not a `noTransaction` one) is wrapped in: the migrator's
   * transaction, with its bookkeeping, in one message. It maps error positions back into the
   * script, so they still point into the file. Sent bare when unset.
   */
  envelope?: Envelope;
  /**
   * For a `noTransaction` script: called, and awaited, before each statement is sent, with its
   * 0-based index, the number of statements and where it starts in the file. A rejection stops
   * the script before that statement and is rethrown as is.
   */
  beforeStatement?: (index: number, count: number, at: TextPosition) => Promise<void>;
}

/**
 * Runs the up or down script of `migration` on `db`, templates rendered with `options.schema`;
 * for a TypeScript migration, its `up` or `down` function (see `runCode()`).
 * A script is sent whole with one `exec`; a `noTransaction` script is split into statements
 * sent one by one (several statements sent at once would run as one implicit transaction).
 * Throws `MigrationError` `NO_DOWN` for a missing down, template errors from rendering, and a
 * {@linkcode ScriptError} when the database fails, located in the file. Opens no transaction:
 * that is the caller's job.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { MigrationError } from "../errors.ts";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { runScript } from "./run_script.ts";
 *
 * const bytes = new TextEncoder().encode("create table {{schema}}.users (id int);\n");
 * const [migration] = await parseMigrationFiles([{ path: "001_users.up.sql", bytes }]);
 * await using db = await connect("memory://");
 * await db.exec("create schema tenant_a");
 * await db.transaction((tx) => runScript(tx, migration, "up", { schema: "tenant_a" }));
 * assert.deepEqual(await db.query("select to_regclass('tenant_a.users')::text as t"), [
 *   { t: "tenant_a.users" },
 * ]);
 * await assert.rejects(
 *   runScript(db, migration, "down", {}),
 *   (error) => error instanceof MigrationError && error.code === "NO_DOWN",
 * );
 * ```
 */
export async function runScript(
  db: Queryable,
  migration: Migration,
  direction: "up" | "down",
  options: RunScriptOptions,
): Promise<void> {
  if (migration.code === "typescript") {
    const { runCode } = await import("./run_code.ts");
    await runCode(db, migration, direction, { schema: options.schema });
    return;
  }
  const script = direction === "up" ? migration.up : migration.down;
  if (script === undefined) {
    throw new MigrationError(
      "NO_DOWN",
      `Cannot roll back ${migration.version} ${migration.name}: it has no down script. Add a ` +
        `down file (or a "-- migrate:down" section) to ${migration.up.path}.`,
      { version: migration.version, file: migration.up.path },
    );
  }
  const rendered = renderScript(script, options);
  const run = { migration, script, rendered, direction };
  if (!migration.noTransaction) {
    const sent = (options.envelope ?? BARE)(rendered.text);
    try {
      await db.exec(sent.text);
    } catch (error) {
      throw failure(error, run, sent, 0, 1);
    }
    return;
  }
  const statements = script.statements && script.templates === false
    ? script.statements.map(([start, end]) => ({
      text: script.sql.slice(start, end),
      offset: start,
    }))
    : splitStatements(rendered.text);
  // Positions counted on from the previous statement's, so a long script is scanned once.
  let at: TextPosition = script;
  let from = 0;
  for (const [index, { text, offset }] of statements.entries()) {
    if (options.beforeStatement) {
      const source = rendered.sourceOffset(offset);
      at = positionAt(script.sql.slice(from, source), source - from, at);
      from = source;
      await options.beforeStatement(index, statements.length, at);
    }
    try {
      await db.exec(text);
    } catch (error) {
      const sent = { text, scriptOffset: (inStatement: number) => offset + inStatement };
      throw failure(error, run, sent, index, statements.length);
    }
  }
}

/** What `runScript` was doing, for error messages. */
interface Run {
  migration: Migration;
  script: MigrationScript;
  rendered: RenderedSql;
  direction: "up" | "down";
}

function failure(
  error: unknown,
  run: Run,
  sent: SentSql,
  index: number,
  count: number,
): unknown {
  const split = run.migration.noTransaction;
  if (!split && !(error instanceof SqlError)) return error;
  const { script, rendered } = run;
  const position = error instanceof SqlError ? error.position : undefined;
  const renderedOffset = sent.scriptOffset(
    position === undefined ? 0 : offsetOfServerPosition(sent.text, position),
  );
  const { line, column } = positionAt(script.sql, rendered.sourceOffset(renderedOffset), script);
  const verb = run.direction === "up" ? "Cannot apply" : "Cannot roll back";
  const which = split ? ` (statement ${index + 1} of ${count})` : "";
  const message =
    `${verb} ${script.path}:${line}:${column}${which}: ${describeServerError(error)}` +
    (split ? ` ${progress(index, error instanceof SqlError)}` : "");
  const code = error instanceof MigrationError ? error.code : "SQL_ERROR";
  return new ScriptError(code, message, {
    error: { version: run.migration.version, file: script.path, line, column, cause: error },
    statementsDone: index,
    statementCount: count,
  });
}

/**
 * The server's message with its DETAIL, HINT and CONTEXT (or any error's message), ending in a
 * full stop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqlError } from "../errors.ts";
 * import { describeServerError } from "./run_script.ts";
 *
 * const error = new SqlError("relation \"t\" does not exist", { hint: "Create it first." });
 * assert.equal(describeServerError(error), 'relation "t" does not exist. HINT: Create it first.');
 * ```
 */
export function describeServerError(error: unknown): string {
  const message = errorMessage(error);
  if (!(error instanceof SqlError)) return /[.!?]$/.test(message) ? message : `${message}.`;
  const parts = [/[.!?]$/.test(message) ? message : `${message}.`];
  if (error.detail) parts.push(`DETAIL: ${error.detail}`);
  if (error.hint) parts.push(`HINT: ${error.hint}`);
  if (error.where) parts.push(`CONTEXT: ${error.where}`);
  return parts.join(" ");
}

/**
 * What stays applied when statement `done + 1` of a no-transaction script fails: when the server
 * refused it (`refused`), it did not take effect; when its outcome never came back (a lost
 * connection), it may have.
 */
function progress(done: number, refused: boolean): string {
  const failing = refused
    ? ""
    : ` Statement ${done + 1} may or may not have taken effect: its outcome never came back.`;
  if (done === 0) return refused ? "No statement of it was applied." : failing.trimStart();
  const [applied, them] = done === 1
    ? ["Statement 1 was", "it stays applied: undo or finish it"]
    : [`Statements 1 to ${done} were`, "they stay applied: undo or finish them"];
  return `${applied} applied outside a transaction and ${them} by hand before running the ` +
    `migration again.${failing}`;
}
