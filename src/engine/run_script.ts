/**
 * Running one direction of a migration: render templates, send the SQL, and turn a server error
 * into a `MigrationError` pointing at the file, line and column of the fault.
 *
 * Over 300 lines: locating a server error in the file (positions through templates, re-runs of a
 * script to find the failing statement) is one piece of logic.
 *
 * @module
 */

import type { Queryable } from "../drivers/driver.ts";
import { MigrationError, ScriptError, SqlError, sqlStateOf } from "../errors.ts";
import { type Migration, type MigrationScript, noTransactionOf } from "../files/migration.ts";
import { downAdvice } from "../files/down_path.ts";
import { offsetOfServerPosition, positionAt, type TextPosition } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";
import { type RenderedSql, renderScript, type TemplateOptions } from "../files/templates.ts";
import { BARE, type Envelope, type SentSql } from "./transaction_envelope.ts";
import type { StatementEvent } from "./run_code.ts";
import { describeServerError } from "./server_error.ts";
import { LOCK_GUARD_SQLSTATE } from "./lock.ts";

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
  /**
   * Runs the script one statement at a time, in a transaction too, passing each through this
   * hook (a linter measures locks between statements). Not with `envelope`.
   */
  eachStatement?: StatementHook;
  /**
   * Called after each statement with its text and time (`--verbose`). A script that would be
   * sent whole is then sent statement by statement instead, in whatever transaction the caller
   * opened (same statements, same session, one round trip each); a failure names its statement.
   */
  onStatement?: (event: StatementEvent) => void;
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
 * Runs the up or down script of `migration` on `db`, templates rendered with `options.schema`;
 * for a TypeScript migration, its `up` or `down` function (see `runCode()`).
 * A script is sent whole with one `exec`; a `noTransaction` script is split into statements
 * sent one by one (several statements sent at once would run as one implicit transaction), and so
 * is any script run with `options.eachStatement` or `options.onStatement`.
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
  if (migration.code === "typescript") {
    const { runCode } = await import("./run_code.ts");
    const { schema, onStatement } = options;
    await runCode(db, migration, direction, { schema, onStatement });
    return;
  }
  const script = direction === "up" ? migration.up : migration.down;
  if (script === undefined) {
    throw new MigrationError(
      "NO_DOWN",
      `Cannot roll back ${migration.version} ${migration.name}: it has no down script. ` +
        downAdvice(migration),
      { version: migration.version, file: migration.up.path },
    );
  }
  const rendered = renderScript(script, options);
  const numbered = noTransactionOf(migration, direction) || options.onStatement !== undefined;
  const run = { migration, script, rendered, direction, numbered };
  if (!numbered && options.eachStatement === undefined) {
    const sent = (options.envelope ?? BARE)(rendered.text);
    try {
      await db.exec(sent.text);
    } catch (error) {
      throw failure(error, run, sent, 0, 1);
    }
    return;
  }
  if (options.eachStatement !== undefined && options.envelope !== undefined) {
    throw new TypeError("runScript(): eachStatement and envelope cannot be used together.");
  }
  const statements = statementsOf(script, rendered);
  const count = statements.length;
  // Positions counted on from the previous statement's, so a long script is scanned once.
  let at: TextPosition = script;
  let from = 0;
  for (const [index, { text, offset }] of statements.entries()) {
    if (options.beforeStatement) {
      const source = rendered.sourceOffset(offset);
      at = positionAt(script.sql.slice(from, source), source - from, at);
      from = source;
      await options.beforeStatement(index, count, at);
    }
    const send = async () => {
      const started = performance.now();
      try {
        await db.exec(text);
      } catch (error) {
        throw failure(error, run, statementSent(text, offset), index, count, true);
      }
      options.onStatement?.({ sql: text, durationMs: performance.now() - started });
    };
    await (options.eachStatement
      ? options.eachStatement(db, { index, count, text }, send)
      : send());
  }
}

/** The statements of a script, as tide sends them one by one, with offsets in the rendered text. */
function statementsOf(
  script: MigrationScript,
  rendered: RenderedSql,
): { text: string; offset: number }[] {
  return script.statements && script.templates === false
    ? script.statements.map(([start, end]) => ({
      text: script.sql.slice(start, end),
      offset: start,
    }))
    : splitStatements(rendered.text);
}

function statementSent(text: string, offset: number): SentSql {
  return { text, scriptOffset: (inStatement: number) => offset + inStatement };
}

/**
 * Failures of a script sent whole whose place the server did not give (no `position`: a
 * division by zero, a timeout, a duplicate object): {@linkcode locateFailure} finds it.
 */
const UNLOCATED = new WeakMap<ScriptError, { run: Run; cause: unknown }>();

/**
 * Finds where a script sent whole failed when the server did not say (see `runScript`): re-runs
 * its statements one by one inside a transaction that is always rolled back, after `setup`
 * (`SET LOCAL` timeouts), and returns the error located at the first statement that fails the
 * same way. When none does, the failure came at the script's end (a deferred constraint at
 * `COMMIT`, or tide's bookkeeping): the error says so and names no line. Any other error is
 * returned as it is. Call it on an idle session (after `ROLLBACK`), never for a
 * `noTransaction` script: those already run statement by statement.
 *
 * @example
 * ```ts ignore
 * throw await locateFailure(driver, error, "SET LOCAL statement_timeout = '5000ms';");
 * ```
 */
export async function locateFailure(db: Queryable, error: unknown, setup = ""): Promise<unknown> {
  const pending = error instanceof ScriptError ? UNLOCATED.get(error) : undefined;
  if (pending === undefined) return error;
  const { run, cause } = pending;
  const statements = statementsOf(run.script, run.rendered);
  try {
    await db.exec(`BEGIN; ${setup}`);
    try {
      for (const { text, offset } of statements) {
        try {
          await db.exec(text);
        } catch (again) {
          if (sqlStateOf(again) !== sqlStateOf(cause)) return error;
          return located(cause, again, run, statementSent(text, offset));
        }
      }
    } finally {
      await db.exec("ROLLBACK");
    }
  } catch {
    return error; // the session broke: keep the error as it is, without a line
  }
  return atTheEnd(cause, run);
}

/** What `runScript` was doing, for error messages. */
interface Run {
  migration: Migration;
  script: MigrationScript;
  rendered: RenderedSql;
  direction: "up" | "down";
  /** Sent statement by statement (no transaction, or `--verbose`): errors name the statement. */
  numbered: boolean;
}

/**
 * The error of a failed script. `alone`: the statement was sent by itself (a no-transaction
 * script, or one run statement by statement for a linter), so it is its own place.
 */
function failure(
  error: unknown,
  run: Run,
  sent: SentSql,
  index: number,
  count: number,
  alone = false,
): unknown {
  const split = noTransactionOf(run.migration, run.direction);
  if (!split && !(error instanceof SqlError)) return error;
  // The lock check sent before the script: the step makes it LOCK_LOST.
  if (sqlStateOf(error) === LOCK_GUARD_SQLSTATE) return error;
  const position = error instanceof SqlError ? error.position : undefined;
  const at = position === undefined ? undefined : offsetOfServerPosition(sent.text, position);
  if (!split && at !== undefined && sent.inScript?.(at) === false) {
    return bookkeepingFailure(error, run); // in tide's own SQL around the script
  }
  if (!alone && at === undefined) {
    // No position: never guess a line. One statement is its own place; else re-run to find it.
    const statements = statementsOf(run.script, run.rendered);
    if (statements.length === 1) {
      return located(error, error, run, statementSent(statements[0].text, statements[0].offset));
    }
    const unlocated = scriptError(error, run, undefined, "", index, count);
    UNLOCATED.set(unlocated, { run, cause: error });
    return unlocated;
  }
  // Without a position, a statement sent alone failed as a whole: name its first line.
  const offset = at ?? skipComments(sent.text);
  const which = run.numbered ? ` (statement ${index + 1} of ${count})` : "";
  const tail = split ? ` ${progress(index, error instanceof SqlError)}` : "";
  return scriptError(error, run, sent.scriptOffset(offset), which, index, count, tail);
}

/** The error at `renderedOffset` of the script (no position when undefined). */
function scriptError(
  error: unknown,
  run: Run,
  renderedOffset: number | undefined,
  which: string,
  index: number,
  count: number,
  tail = "",
): ScriptError {
  const { script, rendered } = run;
  const where = renderedOffset === undefined
    ? undefined
    : positionAt(script.sql, rendered.sourceOffset(renderedOffset), script);
  const verb = run.direction === "up" ? "Cannot apply" : "Cannot roll back";
  const place = where === undefined ? script.path : `${script.path}:${where.line}:${where.column}`;
  const message = `${verb} ${place}${which}: ${describeServerError(error)}${tail}`;
  const code = error instanceof MigrationError ? error.code : "SQL_ERROR";
  return new ScriptError(code, message, {
    error: { version: run.migration.version, file: script.path, ...where, cause: error },
    statementsDone: index,
    statementCount: count,
  });
}

/** `cause` located by the re-run's error `again`, at its position or its statement's start. */
function located(cause: unknown, again: unknown, run: Run, sent: SentSql): ScriptError {
  const position = again instanceof SqlError ? again.position : undefined;
  const at = position === undefined
    ? skipComments(sent.text)
    : offsetOfServerPosition(sent.text, position);
  return scriptError(cause, run, sent.scriptOffset(at), "", 0, 1);
}

function atTheEnd(cause: unknown, run: Run): ScriptError {
  return scriptError(
    cause,
    run,
    undefined,
    "",
    0,
    1,
    " Each of its statements ran without this error when re-run one by one (in a transaction " +
      "rolled back afterwards), so it failed at its end: at COMMIT (a deferred constraint, " +
      "for example) or in tide's bookkeeping. Nothing of it was applied.",
  );
}

function bookkeepingFailure(cause: unknown, run: Run): ScriptError {
  const verb = run.direction === "up" ? "applying" : "rolling back";
  return new ScriptError(
    "SQL_ERROR",
    `tide's own SQL failed while ${verb} ${run.script.path} (its transaction control or ` +
      `bookkeeping, not a statement of the file): ${
        describeServerError(cause)
      } Nothing of it was ` +
      "applied. Check the tracking tables (--schema, --table) and the role's privileges on them.",
    {
      error: { version: run.migration.version, file: run.script.path, cause },
      statementsDone: 0,
      statementCount: 1,
    },
  );
}

/** Offset of the first character after leading whitespace and `--` comments. */
function skipComments(text: string): number {
  return /^(?:\s+|--[^\n]*(?:\n|$))*/.exec(text)?.[0].length ?? 0;
}

/**
 * What stays applied when a statement of a no-transaction script fails: `refused` when the
 * server answered with an error, else the statement's outcome never came back.
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
