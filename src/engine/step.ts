/**
 * Running one step of a plan: one migration's up or down script and its bookkeeping. In a
 * transaction, both go in one message with the lock check first (see `transactionEnvelope`),
 * or, with `--verbose`, statement by statement inside it; outside one, statement by statement,
 * then the bookkeeping. `lock_timeout` failures are retried; any failure is logged, and a
 * no-transaction script that stopped halfway is recorded as failed.
 *
 * Over 300 lines: the ways to run a step (one message, statement by statement, code) share their
 * bookkeeping and the recording of a failure.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { errorMessage, MigrationError, ScriptError, SqlError } from "../errors.ts";
import type { TextPosition } from "../sql/position.ts";
import { CHECKSUM_ALGORITHM, type Migration, noTransactionOf } from "../files/migration.ts";
import type { AppliedFields, Bookkeeping, Ledger, LogFields } from "./ledger.ts";
import type { DownStep, PlanStep } from "./plan.ts";
import { locateFailure, runScript } from "./run_script.ts";
import { retryLockTimeouts, type Timeouts, timeoutsSql } from "./timeouts.ts";
import { transactionEnvelope } from "./transaction_envelope.ts";
import { inTransaction, runCodeStep } from "./code_step.ts";
import type { StatementEvent } from "./run_code.ts";
import { migrationLabel } from "../files/version.ts";
import type { HeldLock } from "./lock.ts";

/** What running a step needs from the migrator. */
export interface StepContext extends Pick<Timeouts, "lockTimeoutMs" | "statementTimeoutMs"> {
  /** The database, on the session that holds the migration lock. */
  driver: Driver;
  /** The ledger the step records itself in. */
  ledger: Ledger;
  /** Schema of `{{schema}}` templates; unset: `{{tables.x}}` unqualified, `{{schema}}` public. */
  templateSchema?: string;
  /** Retries of a `lock_timeout` failure. */
  lockRetries: number;
  /** Who runs it, for the ledger. */
  actor: string;
  /** Called before each retry. */
  onRetry?: (attempt: number, delayMs: number) => void;
  /** Where a TypeScript migration's `ctx.log` lines go. */
  log?: (line: string) => void;
  /**
   * `--verbose`: called after each statement with its text and time. A transactional SQL
   * migration then runs statement by statement inside its transaction, not as one message.
   */
  onStatement?: (event: StatementEvent) => void;
  /**
   * The migration lock, checked before the step: inside the step's own message when it is sent
   * whole (one round trip), else by a query of its own.
   */
  lock?: Pick<HeldLock, "assertHeld" | "guardSql" | "lostBy">;
}

/**
 * Runs `step` and its bookkeeping; a failure is recorded in the ledger, then rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { Ledger } from "./ledger.ts";
 * import { DEFAULT_LEDGER_LOCATION } from "./ledger_location.ts";
 * import { planUp } from "./plan.ts";
 * import { runStep } from "./step.ts";
 *
 * const bytes = new TextEncoder().encode("create table users (id int);\n");
 * const migrations = await parseMigrationFiles([{ path: "001_users.up.sql", bytes }]);
 * await using driver = await connect("memory://");
 * const ledger = new Ledger(driver, DEFAULT_LEDGER_LOCATION);
 * await ledger.ensure();
 * const [step] = planUp({ migrations, applied: await ledger.list() });
 * const timeouts = { lockTimeoutMs: 0, statementTimeoutMs: 0, lockRetries: 3 };
 * await runStep({ driver, ledger, actor: "ci", ...timeouts }, step);
 * const rows = await ledger.list();
 * assert.deepEqual(rows.map((row) => [row.version, row.status]), [["001", "applied"]]);
 * ```
 */
export async function runStep(context: StepContext, step: PlanStep): Promise<void> {
  const migration = step.direction === "up" ? step.migration : downMigration(step);
  const entry = logFields(migration, step.direction, context.actor);
  const row = appliedFields(migration, context.actor);
  // The bookkeeping times itself, on the server or from the duration `run` is given.
  const bookkeeping = step.direction === "up"
    ? context.ledger.appliedBookkeeping(
      row,
      entry,
      noTransactionOf(migration, "up") ? "complete" : step.reapply === true ? "replace" : "insert",
    )
    : context.ledger.rolledBackBookkeeping(step.version, entry);
  await execute(context, migration, step.direction, bookkeeping);
}

/** A no-transaction step's row says it is under way (see `Ledger.markUnderWay`). */
interface UnderWay {
  open: boolean;
}

async function execute(
  context: StepContext,
  migration: Migration,
  direction: "up" | "down",
  bookkeeping: Bookkeeping,
): Promise<void> {
  const { driver, templateSchema: schema } = context;
  const started = performance.now();
  const noTransaction = noTransactionOf(migration, direction);
  const timed = context.lockTimeoutMs > 0 || context.statementTimeoutMs > 0;
  const timeouts = timed ? timeoutsSql(context, !noTransaction) : "";
  const underWay: UnderWay = { open: false };
  const next = `${direction === "up" ? "applying" : "rolling back"} ${migrationLabel(migration)}`;
  const { lock } = context;
  // Sent whole, the step checks the lock first in its own message; else it asks beforehand.
  const whole = migration.code === undefined && !noTransaction && context.onStatement === undefined;
  if (lock !== undefined && !whole) await lock.assertHeld(next);
  const attempt = async () => {
    if (migration.code !== undefined) {
      const open = { driver, ledger: context.ledger, bookkeeping, timeouts, started, underWay };
      const row = appliedFields(migration, context.actor);
      const options = { schema, log: context.log, onStatement: context.onStatement };
      return await runCodeStep({ ...open, row }, migration, direction, options);
    }
    if (noTransaction) {
      if (timed) await driver.exec(timeouts);
      await statementByStatement(context, migration, direction, underWay);
      await bookkeeping.run(driver, performance.now() - started);
      return;
    }
    const { onStatement } = context;
    if (onStatement !== undefined) {
      const open = { driver, ledger: context.ledger, bookkeeping, timeouts, started };
      return await inTransaction(open, async () => {
        await runScript(driver, migration, direction, { schema, onStatement });
      });
    }
    const guard = lock?.guardSql ?? "";
    const envelope = transactionEnvelope({ guard, timeouts, bookkeeping: bookkeeping.sql });
    try {
      await runScript(driver, migration, direction, { schema, envelope });
    } catch (error) {
      await driver.exec("ROLLBACK").catch(() => {});
      throw error;
    }
  };
  try {
    await retryLockTimeouts(attempt, {
      retries: context.lockRetries,
      lockTimeoutMs: context.lockTimeoutMs,
      canRetry: () => !underWay.open,
      onRetry: context.onRetry,
    });
  } catch (caught) {
    // The lock was gone before anything of the step ran: nothing to record, nothing to locate.
    const lost = whole ? lock?.lostBy(caught, next) : undefined;
    if (lost !== undefined) throw lost;
    // Only after the retries: re-running to find the failing statement costs a second run.
    const error = noTransaction ? caught : await locateFailure(driver, caught, timeouts);
    const failed = context.ledger.failedBookkeeping({
      row: appliedFields(migration, context.actor),
      entry: logFields(migration, direction, context.actor),
      error: errorMessage(error),
      // A no-transaction script that may have run some statements is dirty, up or down: its
      // row says so, and later runs stop until the user says how it was resolved.
      dirty: underWay.open,
    });
    // Bookkeeping must not hide the migration's own error (the connection may be gone).
    await failed.run(driver, performance.now() - started).catch(() => {});
    throw isOutcomeUnknown(error) ? outcomeUnknown(error, migration, direction) : error;
  } finally {
    if (noTransaction && timed) {
      await driver.exec("RESET lock_timeout; RESET statement_timeout").catch(ignoreLost);
    }
  }
}

/**
 * Runs a no-transaction script statement by statement. Before the first, its row is committed
 * as under way, and before each next one it notes how far it got, so a run that ends between
 * two statements (killed, disconnected) leaves the truth behind. When the server refused the
 * first statement, nothing applied and the row is taken back.
 */
async function statementByStatement(
  context: StepContext,
  migration: Migration,
  direction: "up" | "down",
  underWay: UnderWay,
): Promise<void> {
  const { driver, ledger } = context;
  const row = appliedFields(migration, context.actor);
  const path = (direction === "up" ? migration.up : migration.down)?.path ?? migration.up.path;
  const beforeStatement = async (index: number, count: number, at: TextPosition) => {
    const note = underWayNote(`${path}:${at.line}:${at.column}`, direction, index, count);
    if (index > 0) return await ledger.noteProgress(driver, migration.version, note);
    underWay.open = true; // before the write: its outcome may never come back
    await ledger.markUnderWay(driver, row, direction, note);
  };
  try {
    await runScript(driver, migration, direction, {
      schema: context.templateSchema,
      beforeStatement,
      onStatement: context.onStatement,
    });
  } catch (error) {
    const refusedFirst = error instanceof ScriptError && error.statementsDone === 0 &&
      error.cause instanceof SqlError;
    if (underWay.open && refusedFirst) {
      await ledger.withdrawUnderWay(driver, migration.version, direction);
      underWay.open = false;
    }
    throw error;
  }
  // A script of no statement at all: the row the bookkeeping completes must exist.
  if (!underWay.open) await ledger.markUnderWay(driver, row, direction, "No statements.");
}

/** What the row of a no-transaction step says while statement `index + 1` of `count` runs. */
function underWayNote(where: string, direction: "up" | "down", index: number, count: number) {
  const doing = direction === "up" ? "applying" : "rolling back";
  const done = index === 0
    ? ""
    : index === 1
    ? "Statement 1 completed and stays applied; "
    : `Statements 1 to ${index} completed and stay applied; `;
  const next = `${done ? "s" : "S"}tatement ${index + 1} may or may not have taken effect.`;
  return `Interrupted while ${doing} it outside a transaction, at statement ${index + 1} of ` +
    `${count} (${where}): the run ended without recording the outcome (the process was killed ` +
    "or lost its connection), unless a tide run that holds the migration lock is still at it. " +
    done + next;
}

function ignoreLost(error: unknown): void {
  if (!(error instanceof MigrationError && error.code === "CONNECTION_LOST")) throw error;
}

/**
 * The tracking row of `migration` applied by `actor`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appliedFields } from "./step.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE TABLE a ();", line: 1, column: 1 };
 * const down = { ...up, path: "001_a.down.sql", sql: "DROP TABLE a;" };
 * const migration = { version: "001", name: "a", up, down, noTransaction: false, checksum: "c" };
 * assert.equal(appliedFields(migration, "ci").downSql, "DROP TABLE a;");
 * ```
 */
export function appliedFields(migration: Migration, actor: string): AppliedFields {
  return {
    version: migration.version,
    name: migration.name,
    checksum: migration.checksum,
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    status: "applied",
    appliedBy: actor,
    downSql: migration.code === undefined ? migration.down?.sql ?? null : null,
    downNoTransaction: noTransactionOf(migration, "down"),
    error: null,
    description: migration.description ?? null,
    requires: (migration.requires ?? []).map((r) => `${r.module}:${r.version}`),
    downFile: migration.code !== undefined && migration.down ? migration.down.path : null,
  };
}

/**
 * A successful log entry of `action` on `migration` by `actor`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logFields } from "./step.ts";
 *
 * assert.deepEqual(logFields({ version: "001", name: "a" }, "baseline", "ci"), {
 *   version: "001",
 *   name: "a",
 *   action: "baseline",
 *   outcome: "success",
 *   error: null,
 *   performedBy: "ci",
 * });
 * ```
 */
export function logFields(
  migration: Pick<Migration, "version" | "name" | "description">,
  action: LogFields["action"],
  actor: string,
): LogFields {
  return {
    version: migration.version,
    name: migration.name,
    action,
    outcome: "success",
    error: null,
    performedBy: actor,
    ...(migration.description === undefined ? {} : { description: migration.description }),
  };
}

/** Whether the connection failed under a step, so that its outcome never came back. */
function isOutcomeUnknown(error: unknown): error is MigrationError {
  return error instanceof MigrationError &&
    (error.code === "NETWORK_TIMEOUT" || error.code === "CONNECTION_LOST");
}

/** The error of a step whose outcome is unknown: what is known, and how to find out the rest. */
function outcomeUnknown(
  error: MigrationError,
  migration: Migration,
  direction: "up" | "down",
): MigrationError {
  const script = direction === "up" ? migration.up : migration.down ?? migration.up;
  const done = direction === "up" ? "applied" : "rolled back";
  const known = noTransactionOf(migration, direction)
    ? "It runs outside a transaction, statement by statement, so some of its statements may be " +
      "in effect. Run `tide status`: when it lists it as FAILED, inspect the database, finish " +
      "or undo its statements by hand, then run `tide repair --yes --mark-applied " +
      `${migration.version}\` or \`--mark-rolled-back ${migration.version}\`.`
    : `Its transaction commits together with its tracking row, so it is either wholly ${done} ` +
      `or not at all, and the server may have committed it before the connection failed: run ` +
      `\`tide status\` to see which, then run the command again.`;
  return new MigrationError(
    error.code,
    `Cannot tell whether ${script.path} was ${done}: ${error.message} ${known}`,
    { version: migration.version, file: script.path, cause: error },
  );
}

/**
 * The migration a down step runs: its file, or the SQL stored when it was applied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downMigration } from "./step.ts";
 *
 * const step = {
 *   direction: "down" as const,
 *   version: "002",
 *   name: "b",
 *   storedDownSql: "DROP TABLE b;",
 *   storedNoTransaction: false,
 * };
 * assert.equal(downMigration(step).down?.sql, "DROP TABLE b;");
 * ```
 */
export function downMigration(step: DownStep): Migration {
  if (step.migration?.down) return step.migration;
  // An up that ran nothing is undone by running nothing.
  if (step.migration?.empty) return { ...step.migration, down: { ...step.migration.up, sql: "" } };
  const path = `${migrationLabel(step)} (down SQL stored in the tracking table)`;
  return {
    version: step.version,
    name: step.name,
    up: { path, sql: "", line: 1, column: 1 },
    down: { path, sql: step.storedDownSql ?? "", line: 1, column: 1 },
    noTransaction: step.storedNoTransaction,
    downNoTransaction: step.storedNoTransaction,
    checksum: "",
  };
}
