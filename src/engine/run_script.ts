/**
 * Running one direction of a migration: render templates, send the SQL, and turn a server error
 * into a `MigrationError` pointing at the file, line and column of the fault.
 *
 * @module
 */

import type { Queryable } from "../drivers/driver.ts";
import { errorMessage, MigrationError, ScriptError, SqlError } from "../errors.ts";
import type { Migration, MigrationScript } from "../files/migration.ts";
import { offsetOfServerPosition, positionAt } from "../sql/position.ts";
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
   * Runs the script one statement at a time, in a transaction too, passing each through this
   * hook (a linter measures locks between statements). Not with `envelope`.
   */
  eachStatement?: StatementHook;
}

/** One statement of a script, as {@linkcode StatementHook} gets it. */
export interface ScriptStatement {
  /** 0-based index among the script's statements (as `splitStatements` splits it). */
  index: number;
  /** How many statements the script has. */
  count: number;
  /** The statement as sent, templates rendered. */
  text: string;
}

/**
 * Runs one statement of a script: `run` sends it (and throws what `runScript` would); the hook
 * may query `db` before and after it.
 */
export type StatementHook = (
  db: Queryable,
  statement: ScriptStatement,
  run: () => Promise<void>,
) => Promise<void>;

/**
 * Runs the up or down script of `migration` on `db`, templates rendered with `options.schema`.
 * A script is sent whole with one `exec`; a `noTransaction` script is split into statements
 * sent one by one (several statements sent at once would run as one implicit transaction), and so
 * is any script run with `options.eachStatement`.
 * Throws `MigrationError` `NO_DOWN` for a missing down, template errors from rendering, and a
 * {@linkcode ScriptError} when the database fails, located in the file. Opens no transaction:
 * that is the caller's job.
 *
 * @example
 * ```ts ignore
 * import { runScript } from "./run_script.ts";
 *
 * await driver.transaction((tx) => runScript(tx, migration, "up", { schema: "tenant_a" }));
 * ```
 */
export async function runScript(
  db: Queryable,
  migration: Migration,
  direction: "up" | "down",
  options: RunScriptOptions,
): Promise<void> {
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
  if (!migration.noTransaction && options.eachStatement === undefined) {
    const sent = (options.envelope ?? BARE)(rendered.text);
    try {
      await db.exec(sent.text);
    } catch (error) {
      throw failure(error, run, sent, 0, 1);
    }
    return;
  }
  if (options.envelope !== undefined) {
    throw new TypeError("runScript(): eachStatement and envelope cannot be used together.");
  }
  const statements = splitStatements(rendered.text);
  const count = statements.length;
  for (const [index, { text, offset }] of statements.entries()) {
    const send = async () => {
      try {
        await db.exec(text);
      } catch (error) {
        const sent = { text, scriptOffset: (inStatement: number) => offset + inStatement };
        throw failure(error, run, sent, index, count);
      }
    };
    await (options.eachStatement
      ? options.eachStatement(db, { index, count, text }, send)
      : send());
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
  const message = `${verb} ${script.path}:${line}:${column}${which}: ${describe(error)}` +
    (split ? ` ${progress(index)}` : "");
  const code = error instanceof MigrationError ? error.code : "SQL_ERROR";
  return new ScriptError(code, message, {
    error: { version: run.migration.version, file: script.path, line, column, cause: error },
    statementsDone: index,
    statementCount: count,
  });
}

/** The server's message with its DETAIL, HINT and CONTEXT. */
function describe(error: unknown): string {
  const message = errorMessage(error);
  if (!(error instanceof SqlError)) return /[.!?]$/.test(message) ? message : `${message}.`;
  const parts = [/[.!?]$/.test(message) ? message : `${message}.`];
  if (error.detail) parts.push(`DETAIL: ${error.detail}`);
  if (error.hint) parts.push(`HINT: ${error.hint}`);
  if (error.where) parts.push(`CONTEXT: ${error.where}`);
  return parts.join(" ");
}

/** What stays applied when a statement of a no-transaction script fails. */
function progress(done: number): string {
  if (done === 0) return "No statement of it was applied.";
  const [applied, them] = done === 1
    ? ["Statement 1 was", "it stays applied: undo or finish it"]
    : [`Statements 1 to ${done} were`, "they stay applied: undo or finish them"];
  return `${applied} applied outside a transaction and ${them} by hand before running the ` +
    "migration again.";
}
